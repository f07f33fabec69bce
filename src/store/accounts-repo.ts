/**
 * Messaging accounts. Credentials are stored as given: the non-secured fields as JSON and the
 * secured ones as an already sealed string. No crypto here; the accounts service seals and unseals.
 * Deleting is soft: `deleted_at` is set and the row stays, so conversations keep their history.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database, MessagingAccountsTable } from './schema.js';

export interface MessagingAccount {
  id: string;
  kind: string;
  name: string;
  /** Non-secret settings, parsed JSON (validated by the channel's settings schema on write). */
  settings: unknown;
  /** Non-secured credential fields, parsed JSON. */
  credentialsPublic: Record<string, unknown>;
  /** Secured credential fields: a Sealer.seal()ed JSON object. */
  credentialsSealed: string;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
  /** When the provider's webhook ownership check last succeeded (null: never). */
  webhookVerifiedAt: number | null;
}

export interface NewMessagingAccount {
  id: string;
  kind: string;
  name: string;
  settings: unknown;
  credentialsPublic: Record<string, unknown>;
  credentialsSealed: string;
  createdAt: number;
}

export interface MessagingAccountPatch {
  name?: string;
  settings?: unknown;
  credentialsPublic?: Record<string, unknown>;
  credentialsSealed?: string;
  updatedAt: number;
}

function parseObject(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function toAccount(r: Selectable<MessagingAccountsTable>): MessagingAccount {
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    settings: JSON.parse(r.settings) as unknown,
    credentialsPublic: parseObject(r.credentials_public),
    credentialsSealed: r.credentials_sealed,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
    webhookVerifiedAt: r.webhook_verified_at === null ? null : Number(r.webhook_verified_at),
  };
}

export class AccountsRepo {
  /** Pass a transaction to take part in it. */
  constructor(private readonly db: Kysely<Database>) {}

  async insert(a: NewMessagingAccount): Promise<MessagingAccount> {
    const row = {
      id: a.id,
      kind: a.kind,
      name: a.name,
      settings: JSON.stringify(a.settings ?? {}),
      credentials_public: JSON.stringify(a.credentialsPublic),
      credentials_sealed: a.credentialsSealed,
      created_at: a.createdAt,
      updated_at: a.createdAt,
      deleted_at: null,
      webhook_verified_at: null,
    };
    await this.db.insertInto('messaging_accounts').values(row).execute();
    return toAccount(row);
  }

  /** A live account; soft-deleted ones only with `includeDeleted`. */
  async get(id: string, opts: { includeDeleted?: boolean } = {}): Promise<MessagingAccount | undefined> {
    let q = this.db.selectFrom('messaging_accounts').selectAll().where('id', '=', id);
    if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
    const r = await q.executeTakeFirst();
    return r ? toAccount(r) : undefined;
  }

  /** Oldest first. */
  async list(opts: { kind?: string; includeDeleted?: boolean } = {}): Promise<MessagingAccount[]> {
    let q = this.db.selectFrom('messaging_accounts').selectAll();
    if (opts.kind !== undefined) q = q.where('kind', '=', opts.kind);
    if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toAccount);
  }

  /** Updates a live account; undefined when it is missing or deleted. */
  async update(id: string, patch: MessagingAccountPatch): Promise<MessagingAccount | undefined> {
    const set: Partial<Selectable<MessagingAccountsTable>> = { updated_at: patch.updatedAt };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
    if (patch.credentialsPublic !== undefined) set.credentials_public = JSON.stringify(patch.credentialsPublic);
    if (patch.credentialsSealed !== undefined) set.credentials_sealed = patch.credentialsSealed;
    const r = await this.db
      .updateTable('messaging_accounts')
      .set(set)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async markWebhookVerified(id: string, at: number): Promise<void> {
    await this.db.updateTable('messaging_accounts').set({ webhook_verified_at: at }).where('id', '=', id).execute();
  }

  /** Sets `deleted_at`; false when the account is missing or already deleted. */
  async softDelete(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('messaging_accounts')
      .set({ deleted_at: at, updated_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
