import type { BudgetSnapshot, BudgetStore } from './budget/budget.js';
import { callerHeaders, redactKey, upstreamHeaders } from './forward.js';
import type { ResolvedOptions } from './options.js';
import { readRateLimit, readRetryAfter, tighter, writeRateLimit } from './rate-limit-headers.js';
import { detail } from './responses.js';

/** One admitted, budgeted request on its way to the upstream. */
export interface UpstreamCall {
  method: string;
  /** The checked path and query (`/api/v1/datasets/?limit=5`). */
  pathAndQuery: string;
  headers: Headers;
  body: Uint8Array<ArrayBuffer> | undefined;
  apiKey: string;
  keyId: string;
  /** The caller id and the grant, for `settle`. */
  callerId: string;
  grantId: string;
  /** When the budget granted it, on the store's clock. */
  sentAtMs: number;
  snapshot: BudgetSnapshot;
  signal: AbortSignal;
  /** The origin the caller used, put in place of the upstream's in links (`next`, `previous`). */
  publicOrigin: string;
}

/**
 * A 429 from these says a concurrency limit was reached (running exports, open uploads), not
 * that the request budget is spent (docs/avala-api.md): it holds nobody else.
 */
const CONCURRENCY_LIMITED = /^\/api\/v1\/(exports\/$|uploads\/|datasets\/manual-upload\/)/;

/**
 * Sends the call upstream with the configured key and no redirect following, teaches the
 * budget what the answer said, and returns the answer with the caller-safe headers. JSON
 * bodies (and every error body) are read whole: the key is redacted from them, and links to
 * the upstream (`next`, `previous` of a cursor page) are pointed at the proxy's origin, since
 * the browser client refuses to follow a link to another origin (docs/security.md). Other
 * bodies stream through.
 */
export async function callUpstream(
  options: ResolvedOptions,
  store: BudgetStore,
  call: UpstreamCall,
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.upstreamTimeoutMs);
  let response: Response;
  try {
    response = await fetch(`${options.upstream}${call.pathAndQuery}`, {
      method: call.method,
      headers: upstreamHeaders(call.headers, call.apiKey),
      body: call.body,
      redirect: 'manual',
      signal: AbortSignal.any([call.signal, timeout]),
    });
  } catch {
    await settle(options, store, call);
    if (timeout.aborted) return detail(504, 'The Avala API did not answer in time.');
    if (call.signal.aborted) return detail(499, 'Client closed request.');
    return detail(502, 'The Avala API could not be reached.');
  }
  await settle(options, store, call);

  const upstreamBudget = readRateLimit(response.headers);
  const path = call.pathAndQuery.split('?')[0] ?? '';
  try {
    if (upstreamBudget) {
      await store.learn(call.keyId, { ...upstreamBudget, sentAtMs: call.sentAtMs });
    }
    const retryAfterMs = readRetryAfter(response.headers);
    const refused = response.status === 429 || response.status === 503;
    if (refused && retryAfterMs !== undefined && !CONCURRENCY_LIMITED.test(path)) {
      await store.hold(call.keyId, Math.min(retryAfterMs, options.rateLimit.maxHoldMs));
    }
  } catch (error) {
    options.log(`budget: could not record the upstream's answer (${(error as Error).message})`);
  }

  const headers = callerHeaders(response.headers, call.apiKey);
  writeRateLimit(headers, tighter(call.snapshot, upstreamBudget));
  const isJson = /[/+]json\b/i.test(response.headers.get('content-type') ?? '');
  if (response.body === null || (response.status < 300 && !isJson)) {
    return new Response(response.body, { status: response.status, headers });
  }
  let received: string;
  try {
    received = await response.text();
  } catch {
    return detail(502, 'The Avala API broke off its answer.');
  }
  const text = redactKey(received, call.apiKey)
    .split(`${options.upstream}/api/v1/`)
    .join(`${call.publicOrigin}/api/v1/`);
  return new Response(text, { status: response.status, headers });
}

/** The send is over (answered or failed): from now on it counts from this moment. */
async function settle(options: ResolvedOptions, store: BudgetStore, call: UpstreamCall) {
  try {
    await store.settle(call.keyId, call.callerId, call.grantId);
  } catch (error) {
    options.log(`budget: could not settle a send (${(error as Error).message})`);
  }
}
