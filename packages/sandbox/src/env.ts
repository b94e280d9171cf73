import type { HttpBindings } from '@hono/node-server';
import type { ApiKeyRecord } from './keys.js';
import type { FieldErrorShape } from './options.js';
import type { RateLimitDecision } from './rate-limiter.js';
import type { SandboxFault } from './types.js';

/** Who is calling, as established by the auth middleware. */
export type Caller = { kind: 'key'; record: ApiKeyRecord } | { kind: 'anonymous'; ip: string };

/** The Hono environment every sandbox middleware and route shares. */
export interface SandboxEnv {
  Bindings: HttpBindings;
  Variables: {
    /** The `fieldErrors` option, for the 400s the routes send. */
    fieldErrorShape: FieldErrorShape;
    /** Set by the auth middleware on every request it lets through. */
    caller: Caller;
    /** Set by the throttle; responses made before it get a peek instead. */
    rateLimit: RateLimitDecision | undefined;
    /** Set by the fault middleware when a fault handled the request. */
    fault: SandboxFault['type'] | undefined;
    /** The fault middleware destroyed the connection on purpose (not a client abort). */
    dropped: boolean | undefined;
  };
}
