import { createHash } from 'node:crypto';

/**
 * A short stable id for a secret or personal value (the key, a caller id), so Redis key names
 * and logs can tell them apart without holding them (docs/security.md).
 */
export function hashId(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}
