import { randomBytes, randomUUID } from 'node:crypto';

/** Sortable-enough, URL-safe ids with a readable prefix ("acc_…", "conv_…"). */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomBytes(8).toString('hex')}`;
}

/** Idempotency keys are UUIDs: LINE's X-Line-Retry-Key requires one. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
