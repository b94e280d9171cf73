import ky, { type Hooks, type KyInstance, type NormalizedOptions, type Options } from 'ky';
import type { AvalaError } from '../errors/avala-error.js';
import { createGovernor } from '../governor/governor.js';
import { refusalOf } from '../governor/refusal.js';
import type { AttemptOutcome, Governor } from '../governor/types.js';
import { GovernorWaitError } from '../governor/wait-error.js';
import { defaultRetryBudget } from '../retry/policy.js';
import { createRetryBudget, type RetryBudget } from '../retry/retry-budget.js';
import type { RateLimitState, SearchParams } from '../types/client.js';
import { parseRateLimit } from '../utils/headers.js';
import { redactUrl } from '../utils/redact.js';
import { UnsafeUrlError } from '../utils/url.js';
import { type CallInput, type CallState, createCallState, releasePermit } from './call.js';
import { classifyFailure, markLayer } from './classify-failure.js';
import { type ConcurrencyRefusal, ConditionTracker } from './conditions.js';
import { createEventHub, type EventHub } from './events.js';
import { JobSlots, jobPathOf } from './jobs.js';
import { API_KEY_HEADER, type NormalizedClientOptions } from './options.js';
import { kyRetryOptions } from './retry-options.js';
import { waitTooLongError } from './wait-failure.js';

const CALL = 'avalaCall';

/**
 * The request lifecycle behind every client method: one ky instance whose hooks acquire the
 * governor's permit and set the key before each attempt, a per-call `fetch` that releases the
 * permit with the response, and classification of every failure into an `AvalaError`.
 */
export interface Engine {
  readonly events: EventHub;
  /** The governor's state, or a minimal one when rate limiting is off. */
  readonly rateLimit: RateLimitState;
  /** Runs one call (with its retries) and resolves to its parsed body. */
  send(input: CallInput): Promise<unknown>;
  /**
   * Runs a call that starts a job (`POST /exports/`): its pool slot is kept after the answer
   * until the job is seen to end or the returned `release` is called.
   */
  startJob(
    input: CallInput,
  ): Promise<{ data: unknown; path: string | undefined; release: () => void }>;
  /** Stops the governor (its timer and tab channel); later calls still work, ungoverned. */
  dispose(): void;
  /** The client's retry quota, shared by ky's retries and the TanStack callbacks. */
  readonly budget: RetryBudget;
}

/** Builds the {@link Engine} for normalised client options. */
export function createEngine(options: NormalizedClientOptions): Engine {
  const events = createEventHub(options.onEvent, (listening) => forwardState(listening));
  const conditions = new ConditionTracker();
  let governor: Governor | undefined =
    options.rateLimit === false
      ? undefined
      : createGovernor(options.rateLimit, { onEvent: events.emit });
  const budget = createRetryBudget(
    options.retry === false ? defaultRetryBudget : options.retry.budget,
    // With the governor on, it holds everyone through a wait the server asked for and lets one
    // probe go first: retrying after such a wait cannot storm, so it costs no budget.
    { serverWaitsHeld: governor !== undefined },
  );
  const jobs = new JobSlots();
  // Forwarded so `client.subscribe` (and `useRateLimit`) hear budget changes that no request
  // causes, such as a window reset; only while someone listens, since the governor builds a
  // frozen state for each change it tells a subscriber of (several a call).
  let unforward: (() => void) | undefined;
  const forwardState = (listening: boolean) => {
    if (listening && !unforward && governor) {
      unforward = governor.subscribe((state) => events.emit({ type: 'rate_limit', state }));
    } else if (!listening && unforward) {
      unforward();
      unforward = undefined;
    }
  };
  forwardState(events.active);
  let inFlight = 0;
  let ungoverned: RateLimitState = { queued: 0, inFlight: 0 };

  /** Classifies an attempt's failure once, raising its condition event (429, 503, offline). */
  const classifyAttempt = (raw: unknown, call: CallState): AvalaError | undefined => {
    const seen = raw !== null && typeof raw === 'object' && call.classified?.has(raw) === true;
    const error = classifyFailure(raw, call);
    if (error && !seen) {
      const event = conditions.failed(error, call.concurrency);
      if (event) events.emit(event);
    }
    return error;
  };

  /**
   * The pool a 429 refused when the governor reads it as a full pool rather than the rate (its
   * budget headers are read only then), with the pool's size, for the condition event.
   */
  const concurrencyOf = (
    response: Response,
    code: string | undefined,
    pool: string | undefined,
  ): ConcurrencyRefusal | undefined => {
    const view = parseRateLimit(response.headers);
    if (refusalOf(429, view, code, pool !== undefined) !== 'concurrency_limited') return undefined;
    const pools = options.rateLimit === false ? [] : options.rateLimit.pools;
    return { pool, limit: pools.find((candidate) => candidate.name === pool)?.size };
  };

  const retryOptionsOf = kyRetryOptions(budget, classifyAttempt, events);

  const baseOriginSlash = `${options.base.origin}/`;

  /** What the governor is told about an attempt of `call` that asks for a permit. */
  const requestOf = (call: CallState, url: string) => ({
    method: call.method,
    path: call.path,
    // Only read by the governor's events: not redacted when nobody listens.
    url: events.active ? redactUrl(url) : call.path,
    // The caller's signal, not `request.signal`: after a timeout ky's own controller
    // stays aborted until the next fetch, and would cancel this wait at once.
    signal: call.signal,
    // Queued time is outside `timeoutMs`; a known wait longer than this fails at once.
    maxWaitMs: call.maxWaitMs,
  });

  /** Before each attempt (first and retries), outside ky's per-attempt timeout. */
  const startAttempt = async (call: CallState, request: Request): Promise<void> => {
    call.signal?.throwIfAborted();
    // Defence in depth: paths were checked before ky saw them, so this never fires unless a
    // hook elsewhere rewrote the request.
    // A prefix test, not a second URL parse: `request.url` is already serialised.
    if (!request.url.startsWith(baseOriginSlash)) {
      throw new UnsafeUrlError('foreign_origin', 'refused to send the API key to another origin');
    }
    call.requestUrl = request.url;
    if (options.apiKey) {
      try {
        // A string key is set without an `await` (a microtask per attempt); a function's
        // promise is awaited.
        const given = options.apiKey();
        const key = typeof given === 'object' ? await given : given;
        if (key) request.headers.set(API_KEY_HEADER, key);
      } catch (error) {
        call.keyError = error;
        throw error;
      }
    }
    // The first attempt was admitted before ky was called (`send`); retries queue here. A
    // refusal propagates from ky unchanged, and `failed` turns it into the call's error.
    if (governor && !call.permit)
      call.permit = await governor.acquire(requestOf(call, request.url));
    call.attempts += 1;
    if (events.active) {
      events.emit({
        type: 'request',
        method: call.method,
        url: redactUrl(request.url),
        attempt: call.attempts,
      });
    }
  };

  /** Sends one attempt; the permit is released the moment its outcome is known. */
  const attemptFetch = async (
    call: CallState,
    input: Parameters<typeof fetch>[0],
    init: RequestInit | undefined,
  ): Promise<Response> => {
    const started = performance.now();
    const sent = conditions.sent();
    // This attempt's own permit and number: after a timeout ky retries without waiting for
    // this fetch, and its late answer must not free the next attempt's permit or speak for it.
    const { permit, attempts: attempt } = call;
    inFlight += 1;
    try {
      const response = await options.fetch(input, init);
      const outcome: AttemptOutcome = { status: response.status, headers: response.headers };
      let concurrency: ConcurrencyRefusal | undefined;
      // The body's `code` tells a concurrency 429 (`too_many_exports`) from a rate one.
      if (response.status === 429) {
        const code = await refusalCode(response);
        if (code !== undefined) outcome.code = code;
        concurrency = concurrencyOf(response, code, permit?.pool);
      }
      if (attempt === call.attempts) {
        call.status = response.status;
        call.concurrency = concurrency;
      }
      // A job's slot outlives its POST: keep it before the release would free it.
      if (response.ok && call.keepSlot && permit && !call.endSlot)
        call.endSlot = permit.retainSlot();
      permit?.release(outcome);
      if (response.ok) {
        budget.refund();
        for (const event of conditions.succeeded(sent, permit?.pool)) events.emit(event);
      }
      if (events.active) {
        events.emit({
          type: 'response',
          method: call.method,
          url: redactUrl(call.requestUrl),
          status: response.status,
          attempt,
          durationMs: performance.now() - started,
          rateLimit: parseRateLimit(response.headers),
        });
      }
      return response;
    } catch (error) {
      permit?.release();
      throw error;
    } finally {
      inFlight -= 1;
    }
  };

  // Every request of this ky instance is a call's (`run` is its only caller), so each hook
  // finds its call in the context.
  const hooks: Hooks = {
    beforeRequest: [({ request, options: kyOptions }) => startAttempt(callOf(kyOptions), request)],
    beforeRetry: [
      ({ request, options: kyOptions }) => {
        const call = callOf(kyOptions);
        releasePermit(call);
        // Errors thrown here skip ky's `beforeError`; `failed` classifies them.
        return startAttempt(call, request);
      },
    ],
    beforeError: [
      ({ error, options: kyOptions }) => {
        const call = callOf(kyOptions);
        releasePermit(call);
        return classifyAttempt(error, call)?.withAttempts(call.attempts) ?? error;
      },
    ],
  };

  // Everything the same for every call is given once here; ky still merges it into each
  // call's options, so a call passes only what is its own (`kyOptionsOf`).
  const api: KyInstance = ky.create({
    headers: options.headers,
    hooks,
    // Never follow a redirect: a 3xx to another origin would carry the key there (custom
    // headers survive cross-origin redirects). Node returns the 3xx, browsers an
    // `opaqueredirect`; both become an `unexpected_status` error.
    redirect: 'manual',
    throwHttpErrors: true,
    timeout: options.timeoutMs,
  });

  /**
   * ky's options for one call: only what is the call's own. Each key costs a copy of the
   * options object in ky's per-call merge, so what is absent or the client's is left out.
   */
  const kyOptionsOf = (input: CallInput, call: CallState): Options => {
    const kyOptions: Options = {
      method: call.method,
      retry: retryOptionsOf(call),
      context: { [CALL]: call },
      // Kept so an `invalid_response` can show what arrived; `''` (204, empty 200) is
      // `undefined` rather than a parse error.
      parseJson: (text: string) => {
        call.bodyText = text;
        return text === '' ? undefined : JSON.parse(text);
      },
      fetch: (request, init) => attemptFetch(call, request, init),
    };
    const { json, headers: own } = input.options;
    if (json !== undefined) kyOptions.json = json;
    const searchParams = mergeSearchParams(input.options.searchParams, input.searchParams);
    if (searchParams !== undefined) kyOptions.searchParams = searchParams;
    // Only when given (ky reads `headers: undefined` as "no headers" and would drop the
    // client's), and as `Headers` so they replace the client's case-insensitively.
    if (own !== undefined) kyOptions.headers = new Headers(own);
    if (call.signal !== undefined) kyOptions.signal = call.signal;
    if (call.timeoutMs !== options.timeoutMs) kyOptions.timeout = call.timeoutMs;
    return kyOptions;
  };

  // A refused path (UnsafeUrlError) rejects the call rather than throwing from `client.get`.
  // The first attempt waits for its permit before ky is called, and with no async frame: a
  // queued call holds its state, one promise and the governor's waiter (docs/benchmarks.md).
  const send = (input: CallInput): Promise<unknown> => {
    let call: CallState;
    try {
      call = createCallState(input, options, false);
    } catch (error) {
      return Promise.reject(error);
    }
    return admitThenRun(input, call);
  };

  const admitThenRun = (input: CallInput, call: CallState): Promise<unknown> => {
    // A GET/HEAD with a body is refused by fetch before anything is sent: left to ky, it
    // never reaches the governor (no permit, no events), as any call fetch refuses.
    const bodyless = call.method === 'GET' || call.method === 'HEAD';
    if (!governor || (bodyless && input.options.json !== undefined)) return run(input, call);
    if (call.signal?.aborted) return failed(call.signal.reason, call);
    return governor.acquire(requestOf(call, call.url)).then(
      (permit) => {
        call.permit = permit;
        return run(input, call);
      },
      (error: unknown) => failed(error, call),
    );
  };

  const startJob: Engine['startJob'] = async (input) => {
    const call = createCallState(input, options, true);
    try {
      const data = await admitThenRun(input, call);
      const path = jobPathOf(call.path, data);
      return { data, path, release: jobs.track(path, call.endSlot ?? (() => {})) };
    } catch (error) {
      call.endSlot?.(); // a job that was not started (or whose answer was unusable) holds nothing
      throw error;
    }
  };

  /** Runs the call in ky (its first attempt already admitted) and parses the body. */
  const run = async (input: CallInput, call: CallState): Promise<unknown> => {
    try {
      const responsePromise = api(call.url, kyOptionsOf(input, call));
      const { status, body: stream } = await responsePromise;
      let body: unknown;
      // No content: `undefined`, which a schema is not asked about.
      if (status === 204 || status === 205) await stream?.cancel();
      else {
        const schema = input.schema ?? input.options.schema;
        body =
          schema === undefined ? await responsePromise.json() : await responsePromise.json(schema);
      }
      jobs.observe(call.method, call.path, status, body);
      return body;
    } catch (raw) {
      return failed(raw, call);
    }
  };

  /**
   * Ends a call that failed: classifies the failure, reports it and rejects with it. A
   * governor wait known to be too long (first attempt or retry) is a typed `AvalaError` too.
   */
  const failed = (raw: unknown, call: CallState): Promise<never> => {
    releasePermit(call);
    let error: AvalaError | undefined;
    if (raw instanceof GovernorWaitError) {
      error = waitTooLongError(raw, call);
      markLayer(error, call);
    } else error = classifyFailure(raw, call);
    if (!error) return Promise.reject(raw);
    error.withAttempts(call.attempts);
    if (error.status !== undefined) jobs.observe(call.method, call.path, error.status, undefined);
    // A call retried outside (the hooks' `attempt`): its retry callbacks announce the
    // `retry` or the final `error`; an abort ends the query, so it is reported here.
    if (!call.retriedOutside || error.kind === 'aborted') events.emit({ type: 'error', error });
    return Promise.reject(error);
  };

  return {
    events,
    get rateLimit(): RateLimitState {
      if (governor) return governor.state;
      // The same object until something changes, as `useSyncExternalStore` readers need.
      if (ungoverned.inFlight !== inFlight) ungoverned = { queued: 0, inFlight };
      return ungoverned;
    },
    send,
    startJob,
    budget,
    dispose() {
      jobs.clear();
      governor?.dispose();
      governor = undefined;
    },
  };
}

function callOf(options: NormalizedOptions): CallState {
  return options.context[CALL] as CallState;
}

/** The `code` of a refusal's JSON body, read from a copy (ky still reads the original). */
async function refusalCode(response: Response): Promise<string | undefined> {
  try {
    const body: unknown = JSON.parse(await response.clone().text());
    const code = (body as { code?: unknown } | null)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

function mergeSearchParams(
  a: SearchParams | undefined,
  b: SearchParams | undefined,
): SearchParams | undefined {
  if (!a) return b;
  if (!b) return a;
  return { ...a, ...b };
}
