import type { AvalaEvent, AvalaEventListener } from '../types/events.js';

/**
 * Fans client events out to `onEvent` and every `subscribe`r. Its methods read no `this`, so
 * `emit` is handed on as it is (the governor's `onEvent`, the retry callbacks' `emit`).
 */
export interface EventHub {
  /** Sends `event` to every listener; a listener that throws is skipped, never the request. */
  emit(event: AvalaEvent): void;
  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AvalaEventListener): () => void;
  /** Whether anyone listens (so callers can skip building events nobody reads). */
  readonly active: boolean;
}

/**
 * Makes the client's {@link EventHub}; `onEvent` is the first, permanent listener.
 * `onListening` hears when `active` turns on or off through `subscribe`, so a source whose
 * events cost something to build (the governor's state) is tapped only while someone listens.
 */
export function createEventHub(
  onEvent?: AvalaEventListener,
  onListening?: (listening: boolean) => void,
): EventHub {
  const listeners = new Set<AvalaEventListener>();
  return {
    emit(event) {
      if (onEvent) deliver(onEvent, event);
      // A copy, so a listener may unsubscribe while hearing; none when nobody listens (the
      // governor's state changes are emitted on every send).
      if (listeners.size > 0) for (const listener of [...listeners]) deliver(listener, event);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!onEvent && listeners.size === 1) onListening?.(true);
      return () => {
        if (listeners.delete(listener) && !onEvent && listeners.size === 0) onListening?.(false);
      };
    },
    get active() {
      return onEvent !== undefined || listeners.size > 0;
    },
  };
}

function deliver(listener: AvalaEventListener, event: AvalaEvent): void {
  try {
    listener(event);
  } catch {
    // A broken listener (a toast that throws) must not fail or stall the request it watches.
  }
}
