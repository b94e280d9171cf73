import { describe, expectTypeOf, it } from 'vitest';
import { createErrorOfKind } from '../../src/errors/kinds.js';
import {
  type AnyAvalaError,
  type AvalaError,
  type AvalaErrorKind,
  type InvalidResponseError,
  isAvalaError,
  type NotFoundError,
  type RateLimitError,
  type SchemaIssue,
} from '../../src/index.js';

describe('the error type is a union discriminated by kind (docs/errors.md)', () => {
  it('narrows to the subclass on kind after isAvalaError', () => {
    const caught: unknown = undefined;
    if (isAvalaError(caught)) {
      expectTypeOf(caught).toEqualTypeOf<AnyAvalaError>();
      if (caught.kind === 'invalid_response') {
        expectTypeOf(caught).toEqualTypeOf<InvalidResponseError>();
        expectTypeOf(caught.issues).toEqualTypeOf<readonly SchemaIssue[]>();
      }
      if (caught.kind === 'rate_limited') expectTypeOf(caught).toEqualTypeOf<RateLimitError>();
    }
  });

  it('narrows a value typed AvalaError too', () => {
    const error = {} as AvalaError;
    if (isAvalaError(error) && error.kind === 'not_found') {
      expectTypeOf(error).toEqualTypeOf<NotFoundError>();
    }
  });

  it('lets a switch over kind be checked for exhaustiveness', () => {
    function label(error: AnyAvalaError): string {
      switch (error.kind) {
        case 'bad_request':
        case 'unauthorized':
        case 'forbidden':
        case 'not_found':
        case 'method_not_allowed':
        case 'conflict':
        case 'payload_too_large':
        case 'rate_limited':
        case 'server_error':
        case 'service_unavailable':
        case 'network':
        case 'timeout':
        case 'aborted':
        case 'unexpected_status':
          return error.kind;
        case 'invalid_response':
          return error.issues.map((issue) => issue.message).join();
        default: {
          const unreachable: never = error;
          return unreachable;
        }
      }
    }
    expectTypeOf(label).returns.toBeString();
    expectTypeOf<AnyAvalaError['kind']>().toEqualTypeOf<AvalaErrorKind>();
  });

  it("gives createErrorOfKind the kind's subclass", () => {
    expectTypeOf(createErrorOfKind('not_found', {})).toEqualTypeOf<NotFoundError>();
  });

  it('still assigns every error to AvalaError', () => {
    expectTypeOf<AnyAvalaError>().toExtend<AvalaError>();
  });
});
