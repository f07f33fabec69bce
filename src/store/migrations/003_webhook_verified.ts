import type { Kysely } from 'kysely';

/** When a provider's webhook ownership check (Business Messages' handshake) last succeeded. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messaging_accounts').addColumn('webhook_verified_at', 'bigint').execute();
}
