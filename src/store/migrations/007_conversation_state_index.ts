import type { Kysely } from 'kysely';

/**
 * The distribution engine reads conversations by state every second (unrouted open ones, the
 * wrap-up / waiting / inactivity timers per workstream, push queues with open items). No index
 * led with the state, so each of those read the whole table: with 100,000 conversations, 5–7
 * full scans a second, each blocking SQLite's event loop for tens of milliseconds. The live
 * states are a small part of the table; this index finds them directly.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('conversations_state_workstream').on('conversations').columns(['state', 'workstream_id']).execute();
}
