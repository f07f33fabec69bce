/**
 * Group commit for small writes made by many concurrent callers (agents' sends, delivery workers'
 * status changes): the writes queued while one transaction commits go together in the next, so N
 * callers share one durable commit (one fsync on SQLite, one round trip of COMMIT on PostgreSQL)
 * instead of paying one each. Each caller's promise settles only after the commit holding its
 * write. If a batch fails, its writes are run again one per transaction, so one bad write cannot
 * fail its neighbours (the failed batch was rolled back, so nothing runs twice).
 *
 * One instance per database handle (`GroupCommit.of`), shared by every writer of the process, so
 * sends, delivery status changes and job outcomes of one moment share a single commit. SQLite has
 * one writer, so batches run one after another; PostgreSQL runs a few at once on its pool.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from './db.js';
import type { Database } from './schema.js';

export type Work<T> = (trx: Transaction<Database>) => Promise<T>;

interface Queued {
  work: Work<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

const shared = new WeakMap<Kysely<Database>, GroupCommit>();

export class GroupCommit {
  private queue: Queued[] = [];
  private flushing = 0;
  private readonly parallel: number;

  constructor(
    private readonly db: Kysely<Database>,
    dialect: Dialect,
    private readonly maxBatch = 256,
  ) {
    this.parallel = dialect === 'postgres' ? 3 : 1;
  }

  /** The process-wide group commit of this database handle. */
  static of(db: Kysely<Database>, dialect: Dialect): GroupCommit {
    let g = shared.get(db);
    if (!g) {
      g = new GroupCommit(db, dialect);
      shared.set(db, g);
    }
    return g;
  }

  /** Runs `work` inside a shared transaction; resolves with its result once that transaction committed. */
  run<T>(work: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work: work as Work<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (this.flushing < this.parallel) {
        this.flushing++;
        // Let the callers of this tick join the batch.
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let results: unknown[];
      try {
        results = await this.db.transaction().execute(async (trx) => {
          const out: unknown[] = [];
          for (const q of batch) out.push(await q.work(trx));
          return out;
        });
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        for (const q of batch) {
          try {
            q.resolve(await this.db.transaction().execute((trx) => q.work(trx)));
          } catch (e) {
            q.reject(e);
          }
        }
        continue;
      }
      batch.forEach((q, i) => q.resolve(results[i]));
    }
    this.flushing--;
  }
}
