import type { ConcurrencyPool, LimitScope } from '../types/options.js';

type RouteMatch = ConcurrencyPool['match'] | LimitScope['match'];

/** Whether `method path` matches a pool's or a scope's `match`. */
export function matchesRoute(match: RouteMatch, method: string, path: string): boolean {
  if (!(match instanceof RegExp)) return match(method, path);
  // A global or sticky RegExp keeps `lastIndex` between tests; reset it so it always matches alike.
  match.lastIndex = 0;
  return match.test(`${method} ${path}`);
}

/**
 * The configured routes (pools, scopes) and the value made for each; a request belongs to the
 * first that matches. Calls repeat their routes, so the last route's answer is kept — only when
 * every `match` is a RegExp, whose answer for one route never changes; a function is asked every
 * time, as it may answer differently.
 */
export class RouteTable<R extends { match: RouteMatch }, V> {
  /** The value of each route, in the routes' order. */
  readonly values: readonly V[];
  readonly #routes: readonly R[];
  readonly #memo: boolean;
  #lastMethod: string | undefined;
  #lastPath: string | undefined;
  #last: V | undefined;

  constructor(routes: readonly R[], make: (route: R) => V) {
    this.#routes = routes;
    this.values = routes.map(make);
    this.#memo = routes.every((route) => route.match instanceof RegExp);
  }

  /** The value of the first route that `method path` matches, if any. */
  find(method: string, path: string): V | undefined {
    if (this.#memo && method === this.#lastMethod && path === this.#lastPath) return this.#last;
    const index = this.#routes.findIndex((route) => matchesRoute(route.match, method, path));
    const found = index < 0 ? undefined : this.values[index];
    if (this.#memo) {
      this.#lastMethod = method;
      this.#lastPath = path;
      this.#last = found;
    }
    return found;
  }
}
