import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import type { Store } from './db.js';
import { JobsRepo } from './jobs-repo.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const LEASE = 30_000;

describe.each(STORE_KINDS)('JobsRepo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let jobs: JobsRepo;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    jobs = new JobsRepo(store.db, store.dialect);
  });
  afterAll(async () => cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('jobs').execute();
  });

  const claimedPayloads = async (now: number, limit = 100) => (await jobs.claim(now, limit, LEASE)).map((j) => j.payload.n);

  it('claims due jobs oldest first and leaves later ones for later', async () => {
    await jobs.enqueue('k', { n: 2 }, T0, T0 + 2);
    await jobs.enqueue('k', { n: 1 }, T0, T0 + 1);
    await jobs.enqueue('k', { n: 3 }, T0, T0 + 10_000);
    expect(await claimedPayloads(T0 + 5)).toEqual([1, 2]);
    expect(await claimedPayloads(T0 + 6)).toEqual([]);
    expect(await claimedPayloads(T0 + 10_000)).toEqual([3]);
  });

  it('runs the jobs of one order key one at a time, in seq order, while other keys go in parallel', async () => {
    // Enqueued out of seq order, as two concurrent transactions may commit.
    await jobs.enqueue('deliver', { n: 'a2' }, T0, T0, { key: 'conv_a', seq: 2 });
    await jobs.enqueue('deliver', { n: 'a1' }, T0, T0, { key: 'conv_a', seq: 1 });
    await jobs.enqueue('deliver', { n: 'a3' }, T0, T0, { key: 'conv_a', seq: 3 });
    await jobs.enqueue('deliver', { n: 'b1' }, T0, T0, { key: 'conv_b', seq: 1 });
    await jobs.enqueue('other', { n: 'free' }, T0, T0);

    const first = await jobs.claim(T0 + 1, 100, LEASE);
    expect(first.map((j) => j.payload.n).sort()).toEqual(['a1', 'b1', 'free']);
    // a2 waits while a1 runs.
    expect(await claimedPayloads(T0 + 2)).toEqual([]);
    await jobs.finish(first.map((j) => ({ id: j.id, outcome: 'done' as const })), T0 + 3);
    const second = await jobs.claim(T0 + 4, 100, LEASE);
    expect(second.map((j) => j.payload.n)).toEqual(['a2']);
    await jobs.finish([{ id: second[0]!.id, outcome: 'done' }], T0 + 5);
    expect(await claimedPayloads(T0 + 6)).toEqual(['a3']);
  });

  it('keeps a retried job ahead of the later ones of its key, and lets them go once it failed for good', async () => {
    await jobs.enqueue('deliver', { n: 1 }, T0, T0, { key: 'conv', seq: 1 });
    await jobs.enqueue('deliver', { n: 2 }, T0, T0, { key: 'conv', seq: 2 });
    const [one] = await jobs.claim(T0 + 1, 100, LEASE);
    expect(one?.payload.n).toBe(1);
    await jobs.finish([{ id: one!.id, outcome: { retryAt: T0 + 60_000, error: 'HTTP 500' } }], T0 + 2);
    // The retry is not due yet, and message 2 must not overtake it.
    expect(await claimedPayloads(T0 + 1_000)).toEqual([]);
    const [again] = await jobs.claim(T0 + 60_000, 100, LEASE);
    expect(again).toMatchObject({ payload: { n: 1 }, attempts: 2 });
    await jobs.finish([{ id: again!.id, outcome: { failed: 'HTTP 400: invalid number' } }], T0 + 60_001);
    expect(await claimedPayloads(T0 + 60_002)).toEqual([2]);
  });

  it('reclaims a job whose worker died before the later jobs of its key', async () => {
    await jobs.enqueue('deliver', { n: 1 }, T0, T0, { key: 'conv', seq: 1 });
    await jobs.enqueue('deliver', { n: 2 }, T0, T0, { key: 'conv', seq: 2 });
    expect(await claimedPayloads(T0 + 1)).toEqual([1]);
    // The lease has not run out: nothing to claim.
    expect(await claimedPayloads(T0 + LEASE)).toEqual([]);
    // It ran out: the same job again, and still not the next one.
    expect(await claimedPayloads(T0 + LEASE + 2)).toEqual([1]);
  });

  it('claims no more than the limit, skipping jobs that must wait', async () => {
    for (let seq = 1; seq <= 5; seq++) await jobs.enqueue('deliver', { n: `a${seq}` }, T0, T0 + seq, { key: 'a', seq });
    for (let i = 1; i <= 3; i++) await jobs.enqueue('deliver', { n: `c${i}` }, T0, T0 + 10 + i, { key: `c${i}`, seq: 1 });
    // Waiting jobs do not use up the limit: a1 then the three other keys' jobs.
    expect(await claimedPayloads(T0 + 100, 3)).toEqual(['a1', 'c1', 'c2']);
  });

  it('counts jobs by status and purges finished ones', async () => {
    await jobs.enqueue('k', { n: 1 }, T0);
    await jobs.enqueue('k', { n: 2 }, T0);
    const [a] = await jobs.claim(T0, 1, LEASE);
    await jobs.finish([{ id: a!.id, outcome: 'done' }], T0 + 1);
    expect(await jobs.counts()).toEqual({ done: 1, pending: 1 });
    expect(await jobs.nextRunAt()).toBe(T0);
    await jobs.purgeDone(T0 + 2);
    expect(await jobs.counts()).toEqual({ pending: 1 });
  });
});
