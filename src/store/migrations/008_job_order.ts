import type { Kysely } from 'kysely';

/**
 * Deliveries of one conversation must reach the customer in the order they were written, yet the
 * workers run many jobs at once. A job may carry an order key (its conversation) and a sequence
 * number (its message's seq); a job is claimed only once no earlier job with the same key is still
 * pending or running. The index answers that check from the key alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('jobs').addColumn('order_key', 'text').execute();
  await db.schema.alterTable('jobs').addColumn('order_seq', 'bigint').execute();
  await db.schema.createIndex('jobs_order').on('jobs').columns(['order_key', 'order_seq']).execute();
}
