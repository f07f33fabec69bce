import type { Kysely } from 'kysely';

/** Quick replies: predefined answers admins manage and agents insert into the reply box. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('quick_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    /** '' = any language. */
    .addColumn('language', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}
