import { sql, type Kysely } from 'kysely';

/**
 * Unified routing: agent routing profile (capacity, skills), queue settings (assignment method,
 * operating hours, overflow), conversation routing state, offers, participants (consult,
 * monitor), bots, automated messages and surveys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const s = db.schema;
  await s.alterTable('users').addColumn('routing', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await s.alterTable('users').addColumn('presence_label', 'text').execute();
  await s.alterTable('users').addColumn('last_assigned_at', 'bigint').execute();
  await s.alterTable('queues').addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}')).execute();
  await s.alterTable('queues').addColumn('rr_cursor', 'text').execute();
  for (const [name, type] of [
    ['units', 'integer'],
    ['capacity_profile', 'text'],
    ['priority', 'integer'],
    ['required_skills', 'text'],
    ['routed_at', 'bigint'],
    ['queued_at', 'bigint'],
    ['assigned_at', 'bigint'],
    ['wrapup_at', 'bigint'],
    ['bot_id', 'text'],
    ['close_reason', 'text'],
  ] as const) {
    await s.alterTable('conversations').addColumn(name, type).execute();
  }
  await s
    .createTable('offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('offered_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await s.createIndex('offers_conversation').on('offers').columns(['conversation_id', 'state']).execute();
  await s.createIndex('offers_agent').on('offers').columns(['agent_id', 'state']).execute();
  // At most one live offer per conversation, even with several hub processes.
  await s
    .createIndex('offers_one_live_per_conversation')
    .on('offers')
    .column('conversation_id')
    .unique()
    .where(sql<boolean>`state = 'offered'`)
    .execute();
  await s
    .createTable('conversation_participants')
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'bigint', (c) => c.notNull())
    .addColumn('left_at', 'bigint')
    .addPrimaryKeyConstraint('conversation_participants_pk', ['conversation_id', 'user_id', 'joined_at'])
    .execute();
  await s
    .createTable('bots')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await s
    .createTable('automated_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('channel_instance_id', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('automated_messages_key', ['trigger', 'channel', 'language', 'channel_instance_id'])
    .execute();
  await s
    .createTable('survey_responses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull().unique())
    .addColumn('channel_instance_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer')
    .addColumn('comment', 'text')
    .addColumn('anonymous', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('token_hash', 'text')
    .addColumn('sent_at', 'bigint', (c) => c.notNull())
    .addColumn('answered_at', 'bigint')
    .execute();
}
