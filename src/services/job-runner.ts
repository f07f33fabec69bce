/**
 * Runs outbox jobs. Event-driven: a commit that adds work pokes the runner, so nothing waits for
 * a polling tick; the timer only covers retries that are due later and jobs added by other
 * processes. A job whose worker died is claimed again when its lease runs out.
 *
 * Built for throughput: each claim takes as many due jobs as there are free slots (one statement),
 * and the outcomes of jobs that finish together are recorded in one transaction (group commit), so
 * a busy outbox costs a durable commit per batch, not per job. A job counts as in flight until its
 * outcome is committed.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Job, JobFinish, JobsRepo } from '../store/jobs-repo.js';

export type JobOutcome = { done: true } | { retryAt: number; error: string } | { failed: string };
export type JobHandler = (job: Job) => Promise<JobOutcome>;

export interface JobRunnerOptions {
  jobs: JobsRepo;
  clock: Clock;
  log: Logger;
  handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs run at once (default 64): provider calls are I/O, so many overlap. */
  concurrency?: number;
  leaseMs?: number;
  /** Longest sleep between looks at the table (other processes' jobs, due retries). */
  idleMs?: number;
  /** Wait before running again a job whose handler threw after attempt `attempt` (default `backoffMs`). */
  crashBackoffMs?: (attempt: number) => number;
}

/** While jobs are running, a claim waits until this fraction (1/n) of the slots is free. */
const CLAIM_BATCH_DIVISOR = 8;

export class JobRunner {
  private inFlight = 0;
  private running = false;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: Array<() => void> = [];
  private pumped: Promise<void> = Promise.resolve();
  /** Outcomes waiting for the next commit, and whether one is being written. */
  private finishing: Array<{ finish: JobFinish; settled: () => void }> = [];
  private writing = false;
  /** Earliest retry this runner scheduled, so the timer wakes for it without asking the store. */
  private nextRetryAt: number | undefined;

  constructor(private readonly o: JobRunnerOptions) {}

  start(): void {
    this.running = true;
    this.poke();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    // A claim in progress hands its jobs to run(); wait for it so they count as in flight.
    await this.pumped;
    while (this.inFlight > 0) await new Promise<void>((r) => this.idle.push(r));
  }

  /** New work may be there: look now. */
  poke(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumped = this.pump();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        const concurrency = this.o.concurrency ?? 64;
        const free = concurrency - this.inFlight;
        if (free <= 0) break;
        // While busy, claim in batches: each claim is a write (and walks the due index), and a
        // claim per finished job made claiming the busiest statement of a saturated outbox. The
        // jobs still running poke again as they finish, so the free slots are filled soon.
        if (this.inFlight > 0 && free < Math.max(1, Math.floor(concurrency / CLAIM_BATCH_DIVISOR))) break;
        const now = this.o.clock.now();
        const claimed = await this.o.jobs.claim(now, free, this.o.leaseMs ?? 120_000);
        for (const job of claimed) void this.run(job);
        if (claimed.length === free) this.again = true;
      } while (this.again && this.running);
    } catch (err) {
      this.o.log.error({ err }, 'claiming jobs failed; will retry');
    } finally {
      this.pumping = false;
    }
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    // No query here: the pump runs after every batch of finished jobs. Retries this runner
    // scheduled are known; other processes' jobs and expired leases are found by the idle look.
    const idleMs = this.o.idleMs ?? 1000;
    const now = this.o.clock.now();
    if (this.nextRetryAt !== undefined && this.nextRetryAt <= now) this.nextRetryAt = undefined;
    const wait = this.nextRetryAt === undefined ? idleMs : Math.max(0, Math.min(idleMs, this.nextRetryAt - now));
    this.timer = setTimeout(() => this.poke(), wait);
    this.timer.unref();
  }

  private async run(job: Job): Promise<void> {
    this.inFlight++;
    const handler = this.o.handlers[job.kind];
    try {
      let outcome: JobOutcome;
      try {
        outcome = handler ? await handler(job) : { failed: `no handler for job kind ${job.kind}` };
      } catch (err) {
        // Handlers are safe to run twice: run it again after a backoff. Left 'running' until its
        // lease ran out, it would also hold back the later jobs of its order key for that long.
        const retryAt = this.o.clock.now() + (this.o.crashBackoffMs ?? backoffMs)(job.attempts);
        this.o.log.error({ err, jobId: job.id, kind: job.kind, retryAt }, 'job crashed; it will be retried');
        outcome = { retryAt, error: `crashed: ${err instanceof Error ? err.message : String(err)}` };
      }
      if ('retryAt' in outcome && (this.nextRetryAt === undefined || outcome.retryAt < this.nextRetryAt)) this.nextRetryAt = outcome.retryAt;
      // Never rejects: an outcome that cannot be written leaves the job 'running', and it is
      // claimed again when its lease expires, so nothing is lost.
      await this.record({ id: job.id, outcome: 'done' in outcome ? 'done' : outcome });
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      this.poke();
    }
  }

  /** Queues an outcome for the next group commit; resolves once it is written (or could not be). */
  private record(finish: JobFinish): Promise<void> {
    return new Promise<void>((settled) => {
      this.finishing.push({ finish, settled });
      if (!this.writing) {
        this.writing = true;
        setImmediate(() => void this.write());
      }
    });
  }

  private async write(): Promise<void> {
    while (this.finishing.length > 0) {
      const batch = this.finishing.splice(0, 500);
      try {
        await this.o.jobs.finish(
          batch.map((b) => b.finish),
          this.o.clock.now(),
        );
      } catch (err) {
        // Not recorded: the jobs stay 'running' and are claimed again when their leases expire
        // (handlers are safe to run twice), so nothing is lost.
        this.o.log.error({ err, jobs: batch.length }, 'recording job outcomes failed; they will be retried when their leases expire');
      }
      for (const b of batch) b.settled();
    }
    this.writing = false;
  }
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
