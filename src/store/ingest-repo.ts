/**
 * Set-based statements for the ingest transaction: one statement per batch of webhooks instead of
 * one per event. Group commit made the fsync shared; these make the statements shared too, which
 * is where ingest spent its time (five statements per customer message, each a round trip on
 * PostgreSQL and a query build + compile on both stores).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { MessageStatus } from '../domain/message.js';
import { toConversation, toConversationHead, toMessage, type Conversation, type ConversationHead, type ConversationHeadRow, type Message } from './conversations-repo.js';
import type { Dialect } from './db.js';
import { placeholders, runSql, sqlText, valuesList, type SqlParam } from './raw-sql.js';
import type { ConversationsTable, Database, MessagesTable } from './schema.js';

/** Rows per multi-row statement: far under SQLite's 32,766 and PostgreSQL's 65,535 parameters. */
const CHUNK = 500;

export interface EventRecord {
  accountId: string;
  eventId: string;
  eventType: string;
  payload: string;
  at: number;
}

export interface MessageRow {
  id: string;
  conversationId: string;
  seq: number;
  content: string;
  providerMessageId: string | null;
  at: number;
}

export interface Bump {
  conversationId: string;
  count: number;
  /** The newest reply token among the appended messages, if any carried one. */
  replyToken?: string;
}

/** A sender's live conversation and what their identity says of them. */
export interface SenderConversation {
  conversationId: string;
  displayName: string | null;
  language: string | null;
}

/**
 * A conversation as it is after a bump: what its events' summary, a resume and the bot runner
 * need (not its context, which is costly to read and parse for every batch).
 */
export type BumpedConversation = ConversationHead & { botId: string | null; assignedAt: number | null };

type BumpedRow = ConversationHeadRow & Pick<Selectable<ConversationsTable>, 'bot_id' | 'assigned_at'>;

const BUMPED_COLUMNS = [
  'id', 'account_id', 'channel_instance_id', 'identity_id', 'contact_id', 'workstream_id', 'queue_id', 'agent_id', 'state', 'last_seq', 'last_message_at',
  'last_customer_at', 'bot_id', 'assigned_at',
].map((c) => `conversations.${c}`).join(', ');

function toBumped(r: BumpedRow): BumpedConversation {
  return { ...toConversationHead(r), botId: r.bot_id, assignedAt: r.assigned_at };
}

/** A delivery status to record on a message, if it still has the status it was read with. */
export interface StatusChange {
  messageId: string;
  expected: MessageStatus;
  status: MessageStatus;
  errorCode?: string;
  errorMessage?: string;
  /** Set when the message did not know its provider id yet (a callback outran the send's answer). */
  providerMessageId?: string;
}

export const eventKey = (accountId: string, eventId: string) => `${accountId}\u0000${eventId}`;
export const identityKey = (accountId: string, providerUserId: string) => `${accountId}\u0000${providerUserId}`;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

export class IngestRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Records provider event ids; answers the keys (see eventKey) that were new. A redelivered event
   * (or the same event twice in one batch) is recorded once.
   */
  async recordEvents(rows: readonly EventRecord[]): Promise<Set<string>> {
    const fresh = new Set<string>();
    for (const part of chunks(rows)) {
      const text = sqlText(this.dialect, `recordEvents:${part.length}`, () =>
        `insert into inbound_events (account_id, event_id, event_type, payload, received_at) values ${valuesList(part.length, '(?, ?, ?, ?, ?)')}
        on conflict (account_id, event_id) do nothing returning account_id, event_id`,
      );
      const params: SqlParam[] = [];
      for (const r of part) params.push(r.accountId, r.eventId, r.eventType, r.payload, r.at);
      const inserted = await runSql<{ account_id: string; event_id: string }>(this.db, this.dialect, text, params);
      for (const r of inserted) fresh.add(eventKey(r.account_id, r.event_id));
    }
    return fresh;
  }

  /**
   * The live (open, active, waiting) conversations of these senders, by identityKey, with what
   * the sender's identity says of them — one statement: a sender without a live conversation is
   * stored the one-at-a-time way anyway. Only the ids: bump answers the rows it changed.
   */
  async liveConversationsOfSenders(keys: ReadonlyArray<{ accountId: string; providerUserId: string }>): Promise<Map<string, SenderConversation>> {
    const out = new Map<string, SenderConversation>();
    const byAccount = new Map<string, Set<string>>();
    for (const k of keys) byAccount.set(k.accountId, (byAccount.get(k.accountId) ?? new Set()).add(k.providerUserId));
    for (const [accountId, ids] of byAccount) {
      for (const part of chunks([...ids])) {
        const text = sqlText(this.dialect, `liveConversationsOfSenders:${part.length}`, () =>
          `select c.id, i.provider_user_id, i.display_name, i.language from conversations c
          inner join identities i on i.id = c.identity_id
          where i.account_id = ? and i.provider_user_id in (${placeholders(part.length)}) and c.state in ('open', 'active', 'waiting')`,
        );
        const rows = await runSql<{ id: string; provider_user_id: string; display_name: string | null; language: string | null }>(this.db, this.dialect, text, [
          accountId,
          ...part,
        ]);
        for (const r of rows) out.set(identityKey(accountId, r.provider_user_id), { conversationId: r.id, displayName: r.display_name, language: r.language });
      }
    }
    return out;
  }

  /**
   * Reserves `count` sequence numbers in each still-live conversation for customer messages and
   * records the customer's activity, in one statement. Answers the conversations as they are after
   * it, by id; a conversation missing from the answer is no longer live. On PostgreSQL the row
   * locks taken here order concurrent appenders until the transaction ends.
   */
  async bump(bumps: readonly Bump[], at: number): Promise<Map<string, BumpedConversation>> {
    const out = new Map<string, BumpedConversation>();
    for (const part of chunks(bumps)) {
      // The count's type is spelled out: PostgreSQL reads untyped VALUES parameters as text.
      const text = sqlText(this.dialect, `bump:${part.length}`, () =>
        `with v(bump_id, bump_n, bump_token) as (values ${valuesList(part.length, '(?, cast(? as integer), ?)')})
        update conversations set
          last_seq = conversations.last_seq + v.bump_n,
          last_message_at = ?,
          updated_at = ?,
          last_customer_at = ?,
          reply_token = coalesce(v.bump_token, conversations.reply_token),
          reply_token_at = case when v.bump_token is null then conversations.reply_token_at else ? end
        from v
        where conversations.id = v.bump_id and conversations.state in ('open', 'active', 'waiting')
        returning ${BUMPED_COLUMNS}`,
      );
      const params: SqlParam[] = [];
      for (const b of part) params.push(b.conversationId, b.count, b.replyToken ?? null);
      params.push(at, at, at, at);
      for (const r of await runSql<BumpedRow>(this.db, this.dialect, text, params)) out.set(r.id, toBumped(r));
    }
    return out;
  }

  /** Customer messages whose sequence numbers were reserved with bump. */
  async insertCustomerMessages(rows: readonly MessageRow[]): Promise<void> {
    for (const part of chunks(rows)) {
      const text = sqlText(this.dialect, `insertCustomerMessages:${part.length}`, () =>
        `insert into messages (id, conversation_id, seq, direction, sender_type, author_user_id, content, provider_message_id, status,
          error_code, error_message, idempotency_key, attempts, created_at, updated_at)
        values ${valuesList(part.length, "(?, ?, ?, 'in', 'customer', null, ?, ?, 'received', null, null, null, 0, ?, ?)")}`,
      );
      const params: SqlParam[] = [];
      for (const m of part) params.push(m.id, m.conversationId, m.seq, m.content, m.providerMessageId, m.at, m.at);
      await runSql(this.db, this.dialect, text, params);
    }
  }

  /** Messages by our own ids, with the account of their conversation. */
  async messagesByIds(ids: readonly string[]): Promise<Map<string, { message: Message; accountId: string }>> {
    const out = new Map<string, { message: Message; accountId: string }>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .selectAll('messages')
        .select('conversations.account_id as conversation_account_id')
        .where('messages.id', 'in', part)
        .execute();
      for (const r of rows) out.set(r.id, { message: toMessage(r), accountId: r.conversation_account_id });
    }
    return out;
  }

  /** An account's messages by the provider's ids. */
  async messagesByProviderIds(accountId: string, providerIds: readonly string[]): Promise<Map<string, Message>> {
    const out = new Map<string, Message>();
    for (const part of chunks([...new Set(providerIds)])) {
      const rows = await this.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .selectAll('messages')
        .where('conversations.account_id', '=', accountId)
        .where('messages.provider_message_id', 'in', part)
        .execute();
      for (const r of rows) if (r.provider_message_id) out.set(r.provider_message_id, toMessage(r));
    }
    return out;
  }

  /**
   * Records delivery statuses in one statement; a message whose status changed since it was read
   * (the delivery worker recorded "sent" meanwhile) is left alone and missing from the answer.
   */
  async applyStatuses(changes: readonly StatusChange[], at: number): Promise<Message[]> {
    const out: Message[] = [];
    for (const part of chunks(changes)) {
      const values = sql.join(
        part.map((c) => sql`(${c.messageId}, ${c.expected}, ${c.status}, ${c.errorCode ?? null}, ${c.errorMessage ?? null}, ${c.providerMessageId ?? null})`),
      );
      const rows = await sql<Selectable<MessagesTable>>`
        with v(change_id, change_expected, change_status, change_error_code, change_error_message, change_provider_id) as (values ${values})
        update messages set
          status = v.change_status,
          error_code = coalesce(v.change_error_code, messages.error_code),
          error_message = coalesce(v.change_error_message, messages.error_message),
          provider_message_id = coalesce(messages.provider_message_id, v.change_provider_id),
          updated_at = ${at}
        from v
        where messages.id = v.change_id and messages.status = v.change_expected
        returning *`.execute(this.db);
      out.push(...rows.rows.map(toMessage));
    }
    return out;
  }

  async conversations(ids: readonly string[]): Promise<Map<string, Conversation>> {
    const out = new Map<string, Conversation>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.selectFrom('conversations').selectAll().where('id', 'in', part).execute();
      for (const r of rows) out.set(r.id, toConversation(r));
    }
    return out;
  }
}
