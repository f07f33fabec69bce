/**
 * The outbox and its runner on SQLite and PostgreSQL: due jobs only, leases, retries, and two
 * runners (two connections, as two hub processes would have) never running one job twice.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/api-client.js';
import { createTestDatabase, createTestStore, jobRow as row, STORE_KINDS } from '../../test/support/stores.js';
import { ManualClock, systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { migrate, openStore, type Store } from '../store/db.js';
import { JobsRepo, type Job } from '../store/jobs-repo.js';
import { backoffMs, JobRunner, type JobHandler } from './job-runner.js';

const log = createLogger('silent');
const HOUR = 3_600_000;

/** A promise that resolves the n-th time `hit()` is called. */
function counter() {
  let n = 0;
  const waiters: Array<{ at: number; resolve: () => void }> = [];
  return {
    hit() {
      n++;
      for (const w of waiters.filter((x) => x.at <= n)) w.resolve();
    },
    get count() {
      return n;
    },
    reached(at: number): Promise<void> {
      if (n >= at) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ at, resolve }));
    },
  };
}

describe.each(STORE_KINDS)('JobRunner on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let jobs: JobsRepo;
  let clock: ManualClock;
  const runners: JobRunner[] = [];

  beforeEach(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    jobs = new JobsRepo(store.db, store.dialect);
    clock = new ManualClock();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop();
    await cleanup();
  });

  function runner(handlers: Record<string, JobHandler>, o: { leaseMs?: number; idleMs?: number } = {}): JobRunner {
    // An hour between looks at the table: anything that runs sooner ran because of a poke.
    const r = new JobRunner({ jobs, clock, log, handlers, idleMs: o.idleMs ?? HOUR, ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) });
    runners.push(r);
    return r;
  }

  it('a poke runs a new job at once', async () => {
    const ran = counter();
    const seen: Job[] = [];
    const r = runner({
      deliver: async (job) => {
        seen.push(job);
        ran.hit();
        return { done: true };
      },
    });
    r.start();
    const id = await jobs.enqueue('deliver', { messageId: 'm1' }, clock.now());
    r.poke();
    await ran.reached(1);
    expect(seen[0]).toMatchObject({ id, kind: 'deliver', payload: { messageId: 'm1' }, attempts: 1 });
    await eventually(async () => (await row(store, id)).status === 'done', 5000, 'job done');

    // And again, once the runner has been idle: the next poke still finds new work.
    const id2 = await jobs.enqueue('deliver', { messageId: 'm2' }, clock.now());
    r.poke();
    await ran.reached(2);
    expect(seen[1]?.id).toBe(id2);
  });

  it('while busy, claims in batches: a freed slot waits until an eighth of the slots are free', async () => {
    const started = counter();
    const gates: Array<() => void> = [];
    const claims: number[] = [];
    let open = false;
    const counting = new (class extends JobsRepo {
      override async claim(now: number, limit: number, leaseMs: number): Promise<Job[]> {
        const got = await super.claim(now, limit, leaseMs);
        claims.push(got.length);
        return got;
      }
    })(store.db, store.dialect);
    const r = new JobRunner({
      jobs: counting,
      clock,
      log,
      concurrency: 16,
      idleMs: HOUR,
      handlers: {
        k: () => {
          started.hit();
          return open ? Promise.resolve({ done: true }) : new Promise((resolve) => gates.push(() => resolve({ done: true })));
        },
      },
    });
    runners.push(r);
    for (let i = 0; i < 40; i++) await jobs.enqueue('k', { i }, clock.now());
    r.start();
    await started.reached(16);
    expect(claims.filter((n) => n > 0)).toEqual([16]);
    // One slot free: below 16 / 8, so no claim yet.
    gates.shift()!();
    await eventually(async () => (await jobs.counts()).done === 1, 5000, 'first job recorded');
    expect(started.count).toBe(16);
    // Two free: one claim fills both.
    gates.shift()!();
    await started.reached(18);
    expect(claims.filter((n) => n > 0)).toEqual([16, 2]);
    open = true;
    for (const g of gates.splice(0)) g();
    await eventually(async () => (await jobs.counts()).done === 40, 5000, 'all done');
  });

  it('does nothing before start and after stop', async () => {
    const ran = counter();
    const r = runner({ k: async () => (ran.hit(), { done: true }) });
    const id = await jobs.enqueue('k', {}, clock.now());
    r.poke();
    await r.stop();
    r.poke();
    // The claim would have happened synchronously up to its first await; the row is untouched.
    expect((await row(store, id)).status).toBe('pending');
    expect(ran.count).toBe(0);
  });

  it('retryLater reschedules: the job runs again once it is due', async () => {
    const ran = counter();
    const r = runner({
      deliver: async (job) => {
        ran.hit();
        return job.attempts === 1 ? { retryAt: clock.now() + 60_000, error: 'temporary: 503' } : { done: true };
      },
    });
    r.start();
    const id = await jobs.enqueue('deliver', {}, clock.now());
    r.poke();
    await ran.reached(1);
    const waiting = await eventually(async () => {
      const j = await row(store, id);
      return j.status === 'pending' && j;
    }, 5000, 'job back to pending');
    expect(waiting).toMatchObject({ run_at: clock.now() + 60_000, last_error: 'temporary: 503', attempts: 1, locked_until: null });

    clock.advance(60_000);
    r.poke();
    await ran.reached(2);
    await eventually(async () => (await row(store, id)).status === 'done', 5000, 'job done');
    expect((await row(store, id)).attempts).toBe(2);
  });

  it('a job whose handler crashed runs again after a backoff, with the reason recorded', async () => {
    const ran = counter();
    const r = new JobRunner({
      jobs,
      clock,
      log,
      idleMs: HOUR,
      crashBackoffMs: (attempt) => attempt * 5000,
      handlers: {
        deliver: async (job) => {
          ran.hit();
          if (job.attempts === 1) throw new Error('worker crashed mid-job');
          return { done: true };
        },
      },
    });
    runners.push(r);
    r.start();
    const id = await jobs.enqueue('deliver', {}, clock.now());
    r.poke();
    await ran.reached(1);
    await eventually(async () => (await row(store, id)).status === 'pending', 5000, 'crash recorded');
    expect(await row(store, id)).toMatchObject({ run_at: clock.now() + 5000, attempts: 1, last_error: 'crashed: worker crashed mid-job', locked_until: null });
    // Not before its backoff.
    clock.advance(4999);
    r.poke();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran.count).toBe(1);
    clock.advance(1);
    r.poke();
    await ran.reached(2);
    await eventually(async () => (await row(store, id)).status === 'done', 5000, 'job done');
    expect((await row(store, id)).attempts).toBe(2);
  });

  it('a job whose outcome could not be written (its worker died) is claimed again after its lease expires', async () => {
    const id = await jobs.enqueue('deliver', {}, clock.now());
    // A runner that claimed the job and died before it recorded anything.
    expect(await jobs.claim(clock.now(), 10, 1000)).toHaveLength(1);
    const ran = counter();
    const r = runner({ deliver: async () => (ran.hit(), { done: true }) }, { leaseMs: 1000 });
    r.start();
    r.poke();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(ran.count).toBe(0);
    clock.advance(1001);
    r.poke();
    await ran.reached(1);
    await eventually(async () => (await row(store, id)).status === 'done', 5000, 'job done');
    expect((await row(store, id)).attempts).toBe(2);
  });

  it('records a failed outcome, and fails a job of an unknown kind', async () => {
    const r = runner({ deliver: async () => ({ failed: 'invalid recipient' }) });
    r.start();
    const failed = await jobs.enqueue('deliver', {}, clock.now());
    const unknown = await jobs.enqueue('mystery', {}, clock.now());
    r.poke();
    await eventually(async () => (await jobs.counts()).failed === 2, 5000, 'both failed');
    expect((await row(store, failed)).last_error).toBe('invalid recipient');
    expect((await row(store, unknown)).last_error).toMatch(/no handler for job kind mystery/);
  });

  it('stop waits for a claim in progress: no job starts after stop resolved, none is left running', async () => {
    // The real repository, with a gate before its claim to hold the runner inside it.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const entered = counter();
    const claimed = counter();
    class GatedJobs extends JobsRepo {
      override async claim(now: number, limit: number, leaseMs: number): Promise<Job[]> {
        entered.hit();
        await gate;
        const got = await super.claim(now, limit, leaseMs);
        claimed.hit();
        return got;
      }
    }
    let stopped = false;
    let lateStarts = 0;
    const r = new JobRunner({
      jobs: new GatedJobs(store.db, store.dialect),
      clock,
      log,
      idleMs: HOUR,
      handlers: {
        k: async () => {
          if (stopped) lateStarts++;
          return { done: true };
        },
      },
    });
    const id = await jobs.enqueue('k', {}, clock.now());
    r.start();
    await entered.reached(1);
    const stopping = r.stop();
    open();
    await stopping;
    stopped = true;
    await claimed.reached(1);
    for (let i = 0; i < 5; i++) await new Promise((res) => setImmediate(res));
    expect(lateStarts).toBe(0);
    // Either it ran to completion before stop returned, or it was never taken.
    expect(['done', 'pending']).toContain((await row(store, id)).status);
  });

  it('stop waits for the jobs in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const started = counter();
    const r = runner({
      slow: async () => {
        started.hit();
        await gate;
        return { done: true };
      },
    });
    r.start();
    const id = await jobs.enqueue('slow', {}, clock.now());
    r.poke();
    await started.reached(1);
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((res) => setImmediate(res));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await row(store, id)).status).toBe('done');
  });
});

describe.each(STORE_KINDS)('two runners on one %s database', (kind) => {
  it('never run one job twice (200 jobs, two connections)', async () => {
    const tdb = await createTestDatabase(kind);
    const a = openStore(tdb.url);
    const b = openStore(tdb.url);
    const runners: JobRunner[] = [];
    try {
      await migrate(a);
      const repoA = new JobsRepo(a.db, a.dialect);
      const now = systemClock.now();
      const ids: string[] = [];
      for (let i = 0; i < 200; i++) ids.push(await repoA.enqueue('work', { i }, now));

      const calls = new Map<string, number>();
      const byRunner = [0, 0];
      const handler =
        (n: 0 | 1): JobHandler =>
        async (job) => {
          calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
          byRunner[n]!++;
          // Yield so the other runner claims while this one holds jobs.
          await new Promise((r) => setTimeout(r, 1));
          return { done: true };
        };
      for (const [n, s] of [a, b].entries()) {
        runners.push(
          new JobRunner({
            jobs: new JobsRepo(s.db, s.dialect),
            clock: systemClock,
            log,
            handlers: { work: handler(n as 0 | 1) },
            concurrency: 8,
            idleMs: 20,
          }),
        );
      }
      for (const r of runners) r.start();
      await eventually(async () => (await repoA.counts()).done === 200, 20_000, 'all 200 jobs done');
      for (const r of runners) await r.stop();

      expect(calls.size).toBe(200);
      expect(new Set(calls.keys())).toEqual(new Set(ids));
      const twice = [...calls].filter(([, n]) => n !== 1);
      expect(twice).toEqual([]);
      expect(byRunner[0]! + byRunner[1]!).toBe(200);
      // Both took part, or the test proved nothing about concurrent claims.
      expect(byRunner[0]).toBeGreaterThan(0);
      expect(byRunner[1]).toBeGreaterThan(0);
      const attempts = await a.db.selectFrom('jobs').select('attempts').where('attempts', '!=', 1).execute();
      expect(attempts).toEqual([]);
    } finally {
      for (const r of runners) await r.stop();
      await a.close();
      await b.close();
      await tdb.drop();
    }
  });
});

describe('backoffMs', () => {
  it('doubles from 1 s and stops at 5 minutes, with ±25 % jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, mid))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(30, mid)).toBe(300_000);
    expect(backoffMs(1, () => 0)).toBe(750);
    expect(backoffMs(1, () => 1)).toBe(1250);
    expect(backoffMs(0, mid)).toBe(1000);
  });
});
