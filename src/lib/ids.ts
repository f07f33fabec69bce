import { randomFillSync, randomUUID } from 'node:crypto';

// Random bytes are drawn 4 KiB at a time: one randomBytes(8) call per id (every stored message
// has one) cost more than the rest of making the id.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomHex8(): string {
  if (offset + 8 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + 8);
  offset += 8;
  return hex;
}

/** Sortable-enough, URL-safe ids with a readable prefix ("acc_…", "conv_…"). */
export function newId(prefix: string): string {
  const time = Date.now().toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomHex8()}`;
}

/** Idempotency keys are UUIDs: LINE's X-Line-Retry-Key requires one. */
export function newIdempotencyKey(): string {
  return randomUUID();
}
