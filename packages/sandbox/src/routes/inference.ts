import { Hono } from 'hono';
import type { SandboxEnv } from '../env.js';
import { readJson, rejectOtherMethods, validationFailed } from '../responses.js';
import { list, object, string, validate } from '../validation.js';

const invokeFields = {
  model: string({ required: true, maxLength: 100 }),
  inputs: list(object({}), { required: true }),
};

/**
 * `/inference/invoke/`: runs a model on the inputs. What matters here is its rate limit,
 * a budget of its own (10 a minute by default, `rateLimit.inferenceLimit`) with its own
 * `X-RateLimit-*` headers (docs/avala-api.md); the body's shape is the sandbox's stand-in.
 */
export function inferenceRoutes(): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>();

  app.post('/inference/invoke/', async (c) => {
    const body = await readJson(c);
    if (!body.ok) return body.response;
    const result = validate(invokeFields, body.data);
    if (!result.ok) return validationFailed(c, result.errors);
    const { model = '', inputs = [] } = result.value;
    return c.json({
      model,
      outputs: inputs.map((_, index) => ({ index, labels: [], confidence: null })),
    });
  });

  return rejectOtherMethods(app);
}
