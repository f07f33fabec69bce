import type { Kysely } from 'kysely';

/**
 * What each waiting customer was last told about their place in the queue, so a position update
 * is sent only when it changed and at most once a minute — across every hub process (the row is
 * claimed with a compare-and-set update, so two processes never send the same update).
 * Plus the lookups surveys need.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('queue_notices')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('queue_id', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    /** 0 when the position was recorded without telling the customer. */
    .addColumn('notified_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('queue_notices_queue').on('queue_notices').column('queue_id').execute();
  // Surveys: the page finds its response by the token's digest; reports filter by time sent.
  await db.schema.createIndex('survey_responses_token').on('survey_responses').column('token_hash').execute();
  await db.schema.createIndex('survey_responses_sent').on('survey_responses').column('sent_at').execute();
}
