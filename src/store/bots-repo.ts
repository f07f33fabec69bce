/**
 * Bots (admin configuration) and the bot side of a conversation: which bot holds it and the
 * bot session kept in the conversation's context (`context.botSession`: how far the bot has read,
 * the FAQ bot's memory). No crypto here; the bots service seals and unseals the HTTP bot's secret.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ConversationState } from '../domain/conversation.js';
import type { Dialect } from './db.js';
import type { BotsTable, ConversationsTable, Database } from './schema.js';

export type BotKind = BotsTable['kind'];

export interface BotRow {
  id: string;
  name: string;
  kind: BotKind;
  /** Parsed JSON, validated by the bots service on write. */
  settings: unknown;
  /** The HTTP bot's signing secret, Sealer.seal()ed; null for the FAQ bot. */
  secretSealed: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface BotPatch {
  name?: string;
  settings?: unknown;
  secretSealed?: string | null;
  updatedAt: number;
}

/** A conversation as the bot runner sees it. */
export interface BotConversation {
  id: string;
  botId: string | null;
  state: ConversationState;
  lastSeq: number;
  /** Set once an agent had it (picked, assigned): from then on it is never the bot's again. */
  assignedAt: number | null;
  context: Record<string, unknown>;
}

function toBot(r: Selectable<BotsTable>): BotRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    settings: JSON.parse(r.settings) as unknown,
    secretSealed: r.secret_sealed,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

const CONVERSATION_COLUMNS = ['id', 'bot_id', 'state', 'last_seq', 'assigned_at', 'context'] as const;

function toBotConversation(r: Pick<Selectable<ConversationsTable>, (typeof CONVERSATION_COLUMNS)[number]>): BotConversation {
  return {
    id: r.id,
    botId: r.bot_id,
    state: r.state,
    lastSeq: Number(r.last_seq),
    assignedAt: r.assigned_at === null ? null : Number(r.assigned_at),
    context: parseObject(r.context),
  };
}

function parseObject(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export class BotsRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insert(b: Omit<BotRow, 'updatedAt'>): Promise<BotRow> {
    const row = {
      id: b.id,
      name: b.name,
      kind: b.kind,
      settings: JSON.stringify(b.settings ?? {}),
      secret_sealed: b.secretSealed,
      created_at: b.createdAt,
      updated_at: b.createdAt,
    };
    await this.db.insertInto('bots').values(row).execute();
    return toBot(row);
  }

  async get(id: string): Promise<BotRow | undefined> {
    const r = await this.db.selectFrom('bots').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toBot(r) : undefined;
  }

  /** By name, then id. */
  async list(): Promise<BotRow[]> {
    const rows = await this.db.selectFrom('bots').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toBot);
  }

  async update(id: string, patch: BotPatch): Promise<BotRow | undefined> {
    const set: Partial<Selectable<BotsTable>> = { updated_at: patch.updatedAt };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
    if (patch.secretSealed !== undefined) set.secret_sealed = patch.secretSealed;
    const r = await this.db.updateTable('bots').set(set).where('id', '=', id).executeTakeFirst();
    if (Number(r.numUpdatedRows) === 0) return undefined;
    return this.get(id);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('bots').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Workstreams whose routing settings name this bot. */
  async workstreamsUsing(botId: string): Promise<Array<{ id: string; name: string }>> {
    const rows = await this.db.selectFrom('workstreams').select(['id', 'name', 'settings']).orderBy('name').execute();
    return rows.filter((r) => parseObject(r.settings).botId === botId).map((r) => ({ id: r.id, name: r.name }));
  }

  // ── the bot side of conversations ────────────────────────────────────────────────────────

  async conversation(id: string): Promise<BotConversation | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .select(CONVERSATION_COLUMNS)
      .where('id', '=', id)
      .executeTakeFirst();
    return r && toBotConversation(r);
  }

  /** Open conversations a bot holds (the runner's safety net looks for ones it never started). */
  async heldByBots(limit = 500): Promise<BotConversation[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(CONVERSATION_COLUMNS)
      .where('state', '=', 'open')
      .where('bot_id', 'is not', null)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map(toBotConversation);
  }

  /**
   * Reads the conversation and, when `decide` returns a new context, writes it, in one
   * transaction holding the row (FOR UPDATE on PostgreSQL; SQLite has one writer): two hub
   * processes cannot both claim the same customer message for the bot.
   */
  async updateConversation<T>(id: string, decide: (c: BotConversation) => { context?: Record<string, unknown>; result: T }): Promise<T | undefined> {
    return this.db.transaction().execute(async (trx) => {
      let q = trx.selectFrom('conversations').select(CONVERSATION_COLUMNS).where('id', '=', id);
      if (this.dialect === 'postgres') q = q.forUpdate();
      const r = await q.executeTakeFirst();
      if (!r) return undefined;
      const out = decide(toBotConversation(r));
      if (out.context) await trx.updateTable('conversations').set({ context: JSON.stringify(out.context) }).where('id', '=', id).execute();
      return out.result;
    });
  }
}
