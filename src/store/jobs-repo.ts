/**
 * The outbox: work that must survive a crash (deliver a message, fetch a profile, download
 * media) is inserted in the same transaction as the change that caused it, then claimed by
 * workers. PostgreSQL claims with FOR UPDATE SKIP LOCKED so several hubs never take one job twice;
 * SQLite has a single writer, so a plain UPDATE … RETURNING is already exclusive.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Database } from './schema.js';
import type { Dialect } from './db.js';
import { GroupCommit } from './group-commit.js';

export interface Job {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  runAt: number;
}

/**
 * Jobs that must run one after another: a job is claimed only when no job with the same key and a
 * smaller seq is pending or running (a conversation's deliveries, keyed by conversation, in
 * message order).
 */
export interface JobOrder {
  key: string;
  seq: number;
}

/** How a claimed job ended, for `finish`. */
export interface JobFinish {
  id: string;
  outcome: 'done' | { retryAt: number; error: string } | { failed: string };
}

export class JobsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async enqueue(kind: string, payload: Record<string, unknown>, at: number, runAt = at, order?: JobOrder): Promise<string> {
    const id = newId('job');
    await this.db
      .insertInto('jobs')
      .values({
        id,
        kind,
        payload: JSON.stringify(payload),
        status: 'pending',
        run_at: runAt,
        attempts: 0,
        locked_until: null,
        last_error: null,
        created_at: at,
        updated_at: at,
        order_key: order?.key ?? null,
        order_seq: order?.seq ?? null,
      })
      .execute();
    return id;
  }

  /**
   * Claims up to `limit` due jobs (and jobs whose lease expired: their worker died). Runs in the
   * process-wide group commit, so a claim shares its commit with the writes of the moment.
   */
  async claim(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    return GroupCommit.of(this.db, this.dialect).run((trx) => new JobsRepo(trx, this.dialect).claimHere(now, limit, leaseMs));
  }

  private async claimHere(now: number, limit: number, leaseMs: number): Promise<Job[]> {
    // Jobs whose worker died (their lease ran out) first: each is the oldest of its order key.
    const expired = this.db.selectFrom('jobs').select('id').where('status', '=', 'running').where('locked_until', '<', now).orderBy('run_at').limit(limit);
    const reclaimed = await this.take(expired, now, leaseMs);
    if (reclaimed.length >= limit) return reclaimed;
    // Walks the (status, run_at) index in order and stops at the limit, so a long backlog costs
    // no more than a short one (an OR of both kinds sorted the whole backlog on every claim).
    const due = this.db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'pending')
      .where('run_at', '<=', now)
      // An ordered job waits while an earlier one of its key is unfinished, even one whose retry
      // is not due yet: a message held back by a provider error keeps its place in the line.
      .where(({ or, eb, not, exists, selectFrom }) =>
        or([
          eb('jobs.order_key', 'is', null),
          not(
            exists(
              selectFrom('jobs as earlier')
                .select('earlier.id')
                .whereRef('earlier.order_key', '=', 'jobs.order_key')
                .whereRef('earlier.order_seq', '<', 'jobs.order_seq')
                .where('earlier.status', 'in', ['pending', 'running']),
            ),
          ),
        ]),
      )
      .orderBy('run_at')
      .limit(limit - reclaimed.length);
    return [...reclaimed, ...(await this.take(due, now, leaseMs))];
  }

  /** Leases the jobs `ids` selects; PostgreSQL skips rows another hub is claiming right now. */
  private async take(ids: SelectQueryBuilder<Database, 'jobs', { id: string }>, now: number, leaseMs: number): Promise<Job[]> {
    const claimable = this.dialect === 'postgres' ? ids.forUpdate().skipLocked() : ids;
    const rows = await this.db
      .updateTable('jobs')
      .set((eb) => ({ status: 'running', locked_until: now + leaseMs, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', claimable)
      .returning(['id', 'kind', 'payload', 'attempts', 'run_at'])
      .execute();
    return rows
      .map((r) => ({ id: r.id, kind: r.kind, payload: JSON.parse(r.payload) as Record<string, unknown>, attempts: r.attempts, runAt: r.run_at }))
      .sort((a, b) => a.runAt - b.runAt);
  }

  /**
   * Records the outcomes of several finished jobs in one transaction (one durable commit for all):
   * done ones in a single UPDATE, retries and failures one by one.
   */
  async finish(outcomes: ReadonlyArray<JobFinish>, now: number): Promise<void> {
    if (outcomes.length === 0) return;
    // In the process-wide group commit: the same commit as the deliveries' status changes.
    await GroupCommit.of(this.db, this.dialect).run(async (trx) => {
      const repo = new JobsRepo(trx, this.dialect);
      const done = outcomes.filter((o) => o.outcome === 'done').map((o) => o.id);
      if (done.length > 0) {
        await trx.updateTable('jobs').set({ status: 'done', locked_until: null, updated_at: now }).where('id', 'in', done).execute();
      }
      for (const o of outcomes) {
        if (o.outcome === 'done') continue;
        if ('retryAt' in o.outcome) await repo.retryLater(o.id, o.outcome.retryAt, o.outcome.error, now);
        else await repo.fail(o.id, o.outcome.failed, now);
      }
    });
  }

  async complete(id: string, now: number): Promise<void> {
    await this.db.updateTable('jobs').set({ status: 'done', locked_until: null, updated_at: now }).where('id', '=', id).execute();
  }

  async retryLater(id: string, runAt: number, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'pending', run_at: runAt, locked_until: null, last_error: error, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  async fail(id: string, error: string, now: number): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'failed', locked_until: null, last_error: error, updated_at: now })
      .where('id', '=', id)
      .execute();
  }

  /** When the next pending job is due, to sleep exactly until then. */
  async nextRunAt(): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('jobs')
      .select(sql<number | null>`min(run_at)`.as('next'))
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return r?.next == null ? undefined : Number(r.next);
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('jobs').select(['status', sql<number>`count(*)`.as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }

  /** Drops finished jobs older than `before`; the table stays small. */
  async purgeDone(before: number): Promise<void> {
    await this.db.deleteFrom('jobs').where('status', '=', 'done').where('updated_at', '<', before).execute();
  }
}
