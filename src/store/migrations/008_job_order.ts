import { sql, type Kysely } from 'kysely';

/**
 * Deliveries of one conversation must reach the customer in the order they were written, yet the
 * workers run many jobs at once. A job may carry an order key (its conversation) and a sequence
 * number (its message's seq); a job is claimed only once no earlier job with the same key is still
 * pending or running.
 *
 * The index holds unfinished jobs only, matching that check exactly: it stays small however many
 * finished jobs the table keeps, and PostgreSQL uses it even when its statistics of this fast-
 * changing table are stale. (With a full (order_key, order_seq) index and stale statistics it
 * combined that index with jobs_due for every candidate: one claim over 5,000 queued jobs took
 * 986 ms, against 0.45 ms with this one.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('order_key', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('order_seq', 'bigint').execute();
  await db.schema
    .createIndex('jobs_unfinished_order')
    .on('jobs')
    .columns(['order_key', 'order_seq'])
    .where(sql.ref('status'), 'in', ['pending', 'running'])
    .execute();
}
