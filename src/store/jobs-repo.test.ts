import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, jobRow as row, STORE_KINDS } from '../../test/support/stores.js';
import type { Store } from './db.js';
import { JobsRepo } from './jobs-repo.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const LEASE = 30_000;
const HOUR = 3_600_000;

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

  it('claims only due jobs, oldest first, up to the limit, and counts the attempt', async () => {
    const later = await jobs.enqueue('k', { n: 'later' }, T0, T0 + 10_000);
    const b = await jobs.enqueue('k', { n: 'b' }, T0, T0 - 1000);
    const a = await jobs.enqueue('k', { n: 'a' }, T0, T0 - 2000);
    const c = await jobs.enqueue('k', { n: 'c' }, T0, T0);

    const first = await jobs.claim(T0, 2, 60_000);
    expect(first.map((j) => j.id)).toEqual([a, b]);
    expect(first[0]).toMatchObject({ kind: 'k', payload: { n: 'a' }, attempts: 1, runAt: T0 - 2000 });
    const second = await jobs.claim(T0, 10, 60_000);
    expect(second.map((j) => j.id)).toEqual([c]);
    expect(await jobs.claim(T0 + 9_999, 10, 60_000)).toEqual([]);
    expect((await jobs.claim(T0 + 10_000, 10, 60_000)).map((j) => j.id)).toEqual([later]);
  });

  it('a claimed job is not claimed again until its lease runs out, then it is (its worker died)', async () => {
    const id = await jobs.enqueue('k', {}, T0);
    expect(await jobs.claim(T0, 10, 1000)).toHaveLength(1);
    expect(await jobs.claim(T0 + 999, 10, 1000)).toEqual([]);
    expect(await jobs.claim(T0 + 1000, 10, 1000)).toEqual([]);
    const again = await jobs.claim(T0 + 1001, 10, 1000);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[id, 2]]);
    expect((await row(store, id)).locked_until).toBe(T0 + 2001);
  });

  it('retryLater puts the job back, due later, with the reason', async () => {
    const id = await jobs.enqueue('k', {}, T0);
    await jobs.claim(T0, 10, 60_000);
    await jobs.retryLater(id, T0 + 5000, 'provider said 503', T0 + 10);
    expect(await row(store, id)).toMatchObject({ status: 'pending', run_at: T0 + 5000, last_error: 'provider said 503', locked_until: null });
    expect(await jobs.nextRunAt()).toBe(T0 + 5000);
    expect(await jobs.claim(T0 + 4999, 10, 60_000)).toEqual([]);
    const again = await jobs.claim(T0 + 5000, 10, 60_000);
    expect(again.map((j) => [j.id, j.attempts])).toEqual([[id, 2]]);
  });

  it('done and failed jobs are never claimed again, even past any lease', async () => {
    const done = await jobs.enqueue('k', {}, T0);
    const failed = await jobs.enqueue('k', {}, T0);
    await jobs.claim(T0, 10, 1000);
    await jobs.complete(done, T0 + 1);
    await jobs.fail(failed, 'refused', T0 + 1);
    expect(await jobs.claim(T0 + HOUR, 10, 1000)).toEqual([]);
    expect(await jobs.counts()).toEqual({ done: 1, failed: 1 });
    expect((await row(store, failed)).last_error).toBe('refused');
    expect(await jobs.nextRunAt()).toBeUndefined();
    await jobs.purgeDone(T0 + 2);
    expect(await jobs.counts()).toEqual({ failed: 1 });
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
