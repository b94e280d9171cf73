#!/usr/bin/env bash
# Makes a machine that has only Node 20 and npm ready for this repo, and does nothing
# that is already done: installs the pnpm pinned in package.json, the dependencies from
# the frozen lockfile and, with --browser (the test path), Debian's chromium for the browser
# tests and Debian's redis-server for the proxy's tests (they start their own, never a service).
set -euo pipefail
cd "$(dirname "$0")/.."

pinned=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$pinned" ]; then
  echo "setup: installing pnpm $pinned with npm (corepack is not used: its signature check fails here)"
  npm install -g "pnpm@$pinned" --no-fund --no-audit
fi

pnpm install --frozen-lockfile

# The tests need Debian's chromium (browser tests) and redis-server (the proxy's shared
# budget); one apt-get for whichever is missing.
if [ "${1:-}" = "--browser" ]; then
  missing=()
  [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian's ${missing[*]} for the tests"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
  fi
fi
