/**
 * Runs outbox jobs. Event-driven: a commit that adds work pokes the runner, so nothing waits for
 * a polling tick; the timer only covers retries that are due later and jobs added by other
 * processes. A job whose worker died is claimed again when its lease runs out.
 */
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { Job, JobsRepo } from '../store/jobs-repo.js';

export type JobOutcome = { done: true } | { retryAt: number; error: string } | { failed: string };
export type JobHandler = (job: Job) => Promise<JobOutcome>;

export interface JobRunnerOptions {
  jobs: JobsRepo;
  clock: Clock;
  log: Logger;
  handlers: Readonly<Record<string, JobHandler>>;
  concurrency?: number;
  leaseMs?: number;
  /** Longest sleep between looks at the table (other processes' jobs, due retries). */
  idleMs?: number;
}

export class JobRunner {
  private inFlight = 0;
  private running = false;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private idle: Array<() => void> = [];
  private pumped: Promise<void> = Promise.resolve();

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
        const free = (this.o.concurrency ?? 32) - this.inFlight;
        if (free <= 0) break;
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
    const idleMs = this.o.idleMs ?? 1000;
    let wait = idleMs;
    try {
      const next = await this.o.jobs.nextRunAt();
      if (next !== undefined) wait = Math.max(0, Math.min(idleMs, next - this.o.clock.now()));
    } catch {
      // store unreachable: look again after the idle period
    }
    this.timer = setTimeout(() => this.poke(), wait);
    this.timer.unref();
  }

  private async run(job: Job): Promise<void> {
    this.inFlight++;
    const handler = this.o.handlers[job.kind];
    try {
      const outcome: JobOutcome = handler ? await handler(job) : { failed: `no handler for job kind ${job.kind}` };
      const now = this.o.clock.now();
      if ('done' in outcome) await this.o.jobs.complete(job.id, now);
      else if ('retryAt' in outcome) await this.o.jobs.retryLater(job.id, outcome.retryAt, outcome.error, now);
      else await this.o.jobs.fail(job.id, outcome.failed, now);
    } catch (err) {
      // Left 'running': its lease expires and it is claimed again, so nothing is lost.
      this.o.log.error({ err, jobId: job.id, kind: job.kind }, 'job crashed; it will be retried when its lease expires');
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) for (const r of this.idle.splice(0)) r();
      this.poke();
    }
  }
}

/** Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}
