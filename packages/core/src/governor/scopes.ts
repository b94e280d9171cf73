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
  /** Every scope, the main one first. */
  readonly all: readonly ScopeState<T>[];
  readonly #routes: RouteTable<LimitScope, ScopeState<T>>;

  constructor(scopes: readonly LimitScope[], initialConcurrency: number, marginMs: number) {
    const make = (name: string) => new ScopeState<T>(name, initialConcurrency, marginMs);
    this.main = make(mainScope);
    this.#routes = new RouteTable(scopes, (scope) => make(scope.name));
    this.all = [this.main, ...this.#routes.values];
  }

  /** The scope of `method path` (the first that matches), else the main one. */
  find(method: string, path: string): ScopeState<T> {
    return this.#routes.find(method, path) ?? this.main;
  }

  /** The scope called `name` (from another tab's message; none: the main one), if this governor has it. */
  named(name: string | undefined): ScopeState<T> | undefined {
    if (name === undefined) return this.main;
    for (const scope of this.all) if (scope.name === name) return scope;
    return undefined;
  }
}
