import type { LimitScope } from '../types/options.js';
import { Hold } from './hold.js';
import { mainScope } from './options.js';
import { Line } from './queue.js';
import { Budget } from './rate-window.js';
import { RouteTable } from './routes.js';

/**
 * One limit scope at run time (docs/avala-api.md: inference endpoints are limited apart from
 * the rest): its own budget learned from its own responses, its own hold after a rate 429,
 * and the line of requests waiting for that budget, so a spent inference window never holds
 * a dataset listing back, nor the other way round.
 */
export class ScopeState<T> {
  readonly name: string;
  readonly budget: Budget;
  /** After a rate 429 of this scope: its requests wait; others go on. */
  readonly hold = new Hold();
  /** Requests that have their pool slot (if any) and wait for this budget, by arrival. */
  readonly line = new Line<T>();

  constructor(name: string, initialConcurrency: number, marginMs: number) {
    this.name = name;
    this.budget = new Budget(initialConcurrency, marginMs);
  }
}

/** The main scope and the configured ones, and which one a request belongs to. */
export class Scopes<T> {
  readonly main: ScopeState<T>;
  readonly #routes: RouteTable<ScopeState<T>>;
  readonly #all: readonly ScopeState<T>[];
  readonly #byName = new Map<string, ScopeState<T>>();

  constructor(scopes: readonly LimitScope[], initialConcurrency: number, marginMs: number) {
    this.main = new ScopeState<T>(mainScope, initialConcurrency, marginMs);
    const routes = scopes.map((scope) => ({
      match: scope.match,
      value: new ScopeState<T>(scope.name, initialConcurrency, marginMs),
    }));
    this.#routes = new RouteTable(routes);
    this.#all = [this.main, ...routes.map((route) => route.value)];
    for (const state of this.#all) this.#byName.set(state.name, state);
  }

  /** The scope of `method path` (the first that matches), else the main one. */
  find(method: string, path: string): ScopeState<T> {
    return this.#routes.find(method, path) ?? this.main;
  }

  /** The scope called `name` (from another tab's message), if this governor has it. */
  named(name: string | undefined): ScopeState<T> | undefined {
    return name === undefined ? this.main : this.#byName.get(name);
  }

  /** Every scope, the main one first. */
  all(): readonly ScopeState<T>[] {
    return this.#all;
  }
}
