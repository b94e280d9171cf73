import type { DemoRuntimeConfig } from '../vite.config.js';

/** The mode this page was served in (see vite.config.ts); sandbox mode when missing. */
export const demoConfig: DemoRuntimeConfig = window.__AVALA_DEMO__ ?? {
  mode: 'sandbox',
  sandboxUrl: 'http://127.0.0.1:8787',
};

/** The keys a person can switch between in sandbox mode; `none` sends no key at all. */
export const keyChoices = [
  { id: 'admin', label: 'Admin' },
  { id: 'readonly', label: 'Read-only' },
  { id: 'otherOrg', label: 'Other organization' },
  { id: 'revoked', label: 'Revoked' },
  { id: 'none', label: 'No key' },
  { id: 'pasted', label: 'Pasted key' },
] as const;

/** One of {@link keyChoices}. */
export type KeyChoice = (typeof keyChoices)[number]['id'];

/** The API base URL: the sandbox cross-origin, or this origin's proxied `/api` in real mode. */
export function apiBaseUrl(): string {
  if (demoConfig.mode === 'sandbox' && demoConfig.sandboxUrl) {
    return `${demoConfig.sandboxUrl}/api/v1`;
  }
  return `${window.location.origin}/api/v1`;
}

/** The key sent for a choice: in real mode none (the dev server's proxy adds it). */
export function apiKeyFor(choice: KeyChoice): string | undefined {
  if (demoConfig.mode !== 'sandbox' || choice === 'none') return undefined;
  if (choice === 'pasted') return window.sessionStorage.getItem(PASTED_KEY) ?? undefined;
  return demoConfig.keys?.[choice];
}

const PASTED_KEY = 'avala-demo:pasted-key';

/**
 * Keeps a key pasted into the 401 form for this tab only (sessionStorage, sandbox mode): the
 * demo never ships a real key, and a pasted one should not outlive the tab.
 */
export function storePastedKey(key: string): void {
  window.sessionStorage.setItem(PASTED_KEY, key);
}

const STORAGE_KEY = 'avala-demo:key';

/** The key choice remembered across reloads (sandbox mode). */
export function storedKeyChoice(): KeyChoice {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return keyChoices.some((choice) => choice.id === stored) ? (stored as KeyChoice) : 'admin';
}

/** Remembers the key choice. */
export function storeKeyChoice(choice: KeyChoice): void {
  window.localStorage.setItem(STORAGE_KEY, choice);
}
