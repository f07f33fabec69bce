/**
 * Identities, conversations, messages and provider events. Every method runs on the Kysely
 * instance it was built with, so the ingest service builds one inside its transaction.
 */
import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { ConversationState } from '../domain/conversation.js';
import type { MessageContent, MessageDirection, MessageStatus, SenderType } from '../domain/message.js';
import { newId } from '../lib/ids.js';
import type { ConversationsTable, Database, IdentitiesTable, MessagesTable } from './schema.js';

export interface Identity {
  id: string;
  accountId: string;
  kind: string;
  providerUserId: string;
  contactId: string | null;
  displayName: string | null;
  pictureUrl: string | null;
  language: string | null;
  profileFetchedAt: number | null;
  createdAt: number;
}

export interface Conversation {
  id: string;
  accountId: string;
  channelInstanceId: string;
  identityId: string;
  contactId: string | null;
  workstreamId: string;
  queueId: string | null;
  agentId: string | null;
  state: ConversationState;
  context: Record<string, unknown>;
  lastSeq: number;
  lastMessageAt: number;
  lastCustomerAt: number | null;
  replyToken: string | null;
  replyTokenAt: number | null;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

export interface Message {
  id: string;
  conversationId: string;
  seq: number;
  direction: MessageDirection;
  senderType: SenderType;
  authorUserId: string | null;
  content: MessageContent;
  providerMessageId: string | null;
  status: MessageStatus;
  errorCode: string | null;
  errorMessage: string | null;
  idempotencyKey: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export function toIdentity(r: Selectable<IdentitiesTable>): Identity {
  return {
    id: r.id,
    accountId: r.account_id,
    kind: r.kind,
    providerUserId: r.provider_user_id,
    contactId: r.contact_id,
    displayName: r.display_name,
    pictureUrl: r.picture_url,
    language: r.language,
    profileFetchedAt: r.profile_fetched_at,
    createdAt: r.created_at,
  };
}

/** The fields a conversation's events and the ingest batch need: every column but the costly ones. */
export type ConversationHead = Pick<
  Conversation,
  'id' | 'accountId' | 'channelInstanceId' | 'identityId' | 'contactId' | 'workstreamId' | 'queueId' | 'agentId' | 'state' | 'lastSeq' | 'lastMessageAt' | 'lastCustomerAt'
>;
export type ConversationHeadRow = Pick<
  Selectable<ConversationsTable>,
  'id' | 'account_id' | 'channel_instance_id' | 'identity_id' | 'contact_id' | 'workstream_id' | 'queue_id' | 'agent_id' | 'state' | 'last_seq' | 'last_message_at' | 'last_customer_at'
>;

export function toConversationHead(r: ConversationHeadRow): ConversationHead {
  return {
    id: r.id,
    accountId: r.account_id,
    channelInstanceId: r.channel_instance_id,
    identityId: r.identity_id,
    contactId: r.contact_id,
    workstreamId: r.workstream_id,
    queueId: r.queue_id,
    agentId: r.agent_id,
    state: r.state,
    lastSeq: r.last_seq,
    lastMessageAt: r.last_message_at,
    lastCustomerAt: r.last_customer_at,
  };
}

export function toConversation(r: Selectable<ConversationsTable>): Conversation {
  return {
    ...toConversationHead(r),
    context: JSON.parse(r.context) as Record<string, unknown>,
    replyToken: r.reply_token,
    replyTokenAt: r.reply_token_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  };
}

export function toMessage(r: Selectable<MessagesTable>): Message {
  return {
    id: r.id,
    conversationId: r.conversation_id,
    seq: r.seq,
    direction: r.direction,
    senderType: r.sender_type,
    authorUserId: r.author_user_id,
    content: JSON.parse(r.content) as MessageContent,
    providerMessageId: r.provider_message_id,
    status: r.status as MessageStatus,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    idempotencyKey: r.idempotency_key,
    attempts: r.attempts,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface NewConversation {
  accountId: string;
  channelInstanceId: string;
  identityId: string;
  contactId: string | null;
  workstreamId: string;
  queueId: string;
  context: Record<string, unknown>;
  at: number;
}

export interface NewMessage {
  conversationId: string;
  direction: MessageDirection;
  senderType: SenderType;
  authorUserId?: string | null;
  content: MessageContent;
  providerMessageId?: string | null;
  status: MessageStatus;
  idempotencyKey?: string | null;
  at: number;
}

export class ConversationsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** Inserts or refreshes the identity of a provider user, race-free on (account, user id). */
  async upsertIdentity(
    accountId: string,
    kind: string,
    providerUserId: string,
    seen: { displayName?: string; language?: string },
    at: number,
  ): Promise<{ identity: Identity; created: boolean }> {
    const id = newId('idn');
    const row = await this.db
      .insertInto('identities')
      .values({
        id,
        account_id: accountId,
        kind,
        provider_user_id: providerUserId,
        contact_id: null,
        display_name: seen.displayName ?? null,
        picture_url: null,
        language: seen.language ?? null,
        profile_fetched_at: null,
        created_at: at,
      })
      .onConflict((oc) =>
        oc.columns(['account_id', 'provider_user_id']).doUpdateSet({
          display_name: sql`coalesce(excluded.display_name, identities.display_name)`,
          language: sql`coalesce(excluded.language, identities.language)`,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { identity: toIdentity(row), created: row.id === id };
  }

  async getIdentity(id: string): Promise<Identity | undefined> {
    const r = await this.db.selectFrom('identities').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toIdentity(r);
  }

  /** The identity of a provider user on an account (web chat looks its visitors up by it). */
  async identityByProviderUserId(accountId: string, providerUserId: string): Promise<Identity | undefined> {
    const r = await this.db
      .selectFrom('identities')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('provider_user_id', '=', providerUserId)
      .executeTakeFirst();
    return r && toIdentity(r);
  }

  async updateIdentityProfile(id: string, p: { displayName?: string; pictureUrl?: string; language?: string }, at: number): Promise<void> {
    await this.db
      .updateTable('identities')
      .set({
        display_name: p.displayName ?? null,
        picture_url: p.pictureUrl ?? null,
        language: p.language ?? null,
        profile_fetched_at: at,
      })
      .where('id', '=', id)
      .execute();
  }

  async setIdentityContact(identityId: string, contactId: string | null): Promise<void> {
    await this.db.updateTable('identities').set({ contact_id: contactId }).where('id', '=', identityId).execute();
    await this.db
      .updateTable('conversations')
      .set({ contact_id: contactId })
      .where('identity_id', '=', identityId)
      .where('state', '<>', 'closed')
      .execute();
  }

  async liveConversationOf(identityId: string): Promise<Conversation | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('identity_id', '=', identityId)
      .where('state', 'in', ['open', 'active', 'waiting'])
      .executeTakeFirst();
    return r && toConversation(r);
  }

  /** The identity's most recently closed conversation (where a late answer to a survey belongs). */
  async lastClosedConversationOf(identityId: string): Promise<Conversation | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('identity_id', '=', identityId)
      .where('state', '=', 'closed')
      .orderBy('closed_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && toConversation(r);
  }

  /** The live conversation of an identity, opening one if there is none (concurrency-safe). */
  async openOrContinue(n: NewConversation): Promise<{ conversation: Conversation; created: boolean }> {
    const existing = await this.liveConversationOf(n.identityId);
    if (existing) return { conversation: existing, created: false };
    const id = newId('conv');
    await this.db
      .insertInto('conversations')
      .values({
        id,
        account_id: n.accountId,
        channel_instance_id: n.channelInstanceId,
        identity_id: n.identityId,
        contact_id: n.contactId,
        workstream_id: n.workstreamId,
        queue_id: n.queueId,
        agent_id: null,
        state: 'open',
        context: JSON.stringify(n.context),
        last_seq: 0,
        last_message_at: n.at,
        last_customer_at: null,
        reply_token: null,
        reply_token_at: null,
        created_at: n.at,
        updated_at: n.at,
        closed_at: null,
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
    const live = await this.liveConversationOf(n.identityId);
    if (!live) throw new Error(`conversation for identity ${n.identityId} vanished while opening`);
    return { conversation: live, created: live.id === id };
  }

  async getConversation(id: string): Promise<Conversation | undefined> {
    const r = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toConversation(r);
  }

  /** Appends a message with the next sequence number of its conversation. */
  async appendMessage(m: NewMessage, customerActivity: { replyToken?: string } | undefined): Promise<Message> {
    const bumped = await this.db
      .updateTable('conversations')
      .set((eb) => ({
        last_seq: eb('last_seq', '+', 1),
        last_message_at: m.at,
        updated_at: m.at,
        ...(customerActivity
          ? {
              last_customer_at: m.at,
              ...(customerActivity.replyToken ? { reply_token: customerActivity.replyToken, reply_token_at: m.at } : {}),
            }
          : {}),
      }))
      .where('id', '=', m.conversationId)
      .returning(['last_seq'])
      .executeTakeFirstOrThrow();
    const row = await this.db
      .insertInto('messages')
      .values({
        id: newId('msg'),
        conversation_id: m.conversationId,
        seq: bumped.last_seq,
        direction: m.direction,
        sender_type: m.senderType,
        author_user_id: m.authorUserId ?? null,
        content: JSON.stringify(m.content),
        provider_message_id: m.providerMessageId ?? null,
        status: m.status,
        error_code: null,
        error_message: null,
        idempotency_key: m.idempotencyKey ?? null,
        attempts: 0,
        created_at: m.at,
        updated_at: m.at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMessage(row);
  }

  /** Moves the state only if it still is `from`: a concurrent change makes this a no-op. */
  async transition(
    id: string,
    from: ConversationState,
    to: ConversationState,
    patch: { agentId?: string | null; queueId?: string | null },
    at: number,
  ): Promise<Conversation | undefined> {
    const r = await this.db
      .updateTable('conversations')
      .set({
        state: to,
        updated_at: at,
        ...(patch.agentId !== undefined ? { agent_id: patch.agentId } : {}),
        ...(patch.queueId !== undefined ? { queue_id: patch.queueId } : {}),
        ...(to === 'closed' ? { closed_at: at } : {}),
        ...(to === 'wrapup' ? { wrapup_at: at } : {}),
        ...(to === 'open' ? { queued_at: at } : {}),
        ...(to === 'active' && from === 'open' ? { assigned_at: at } : {}),
      })
      .where('id', '=', id)
      .where('state', '=', from)
      .returningAll()
      .executeTakeFirst();
    return r && toConversation(r);
  }

  /** Whether an agent has written in the conversation. */
  async hasAgentMessage(conversationId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversationId)
      .where('sender_type', '=', 'agent')
      .limit(1)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Takes the reply token if it is still there and fresh; only one sender can win it. */
  async takeReplyToken(conversationId: string, notBefore: number): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('conversations')
      .select(['reply_token', 'reply_token_at'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!r?.reply_token || (r.reply_token_at ?? 0) < notBefore) return undefined;
    const taken = await this.db
      .updateTable('conversations')
      .set({ reply_token: null, reply_token_at: null })
      .where('id', '=', conversationId)
      .where('reply_token', '=', r.reply_token)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? r.reply_token : undefined;
  }

  async getMessage(id: string): Promise<Message | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMessage(r);
  }

  async messageByIdempotencyKey(key: string): Promise<Message | undefined> {
    const r = await this.db.selectFrom('messages').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    return r && toMessage(r);
  }

  async messages(conversationId: string, opts: { afterSeq?: number; limit?: number } = {}): Promise<Message[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', opts.afterSeq ?? 0)
      .orderBy('seq')
      .limit(opts.limit ?? 500)
      .execute();
    return rows.map(toMessage);
  }

  /** Whether a message of one of these conversations carries this blob (web chat customers may download it). */
  async conversationsReferenceBlob(conversationIds: ReadonlyArray<string>, blobId: string): Promise<boolean> {
    if (conversationIds.length === 0) return false;
    const needle = JSON.stringify({ blobId }).slice(1, -1); // "blobId":"<id>", as JSON.stringify stores it
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('messages')
      .select('content')
      .where('conversation_id', 'in', [...conversationIds])
      .where(sql<boolean>`content like ${pattern} escape '\\'`)
      .limit(5)
      .execute();
    return rows.some((r) => {
      const c = JSON.parse(r.content) as { media?: { blobId?: unknown } };
      return c.media?.blobId === blobId;
    });
  }

  /** Provider ids of the conversation's outbound messages other than `exceptMessageId`. */
  async providerIdsInConversation(conversationId: string, exceptMessageId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('messages')
      .select('provider_message_id')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'out')
      .where('id', '<>', exceptMessageId)
      .where('provider_message_id', 'is not', null)
      .execute();
    return rows.map((r) => r.provider_message_id!);
  }

  /** Finds one of our messages in an account's conversations by the provider's id. */
  async messageByProviderId(accountId: string, providerMessageId: string): Promise<Message | undefined> {
    const r = await this.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .selectAll('messages')
      .where('messages.provider_message_id', '=', providerMessageId)
      .where('conversations.account_id', '=', accountId)
      .executeTakeFirst();
    return r && toMessage(r);
  }

  async updateMessage(
    id: string,
    patch: Partial<{
      status: MessageStatus;
      providerMessageId: string | null;
      errorCode: string | null;
      errorMessage: string | null;
      attempts: number;
      content: MessageContent;
    }>,
    at: number,
    onlyIfStatusIn?: ReadonlyArray<MessageStatus>,
  ): Promise<Message | undefined> {
    let q = this.db
      .updateTable('messages')
      .set({
        updated_at: at,
        ...(patch.status !== undefined ? { status: patch.status } : {}),
        ...(patch.providerMessageId !== undefined ? { provider_message_id: patch.providerMessageId } : {}),
        ...(patch.errorCode !== undefined ? { error_code: patch.errorCode } : {}),
        ...(patch.errorMessage !== undefined ? { error_message: patch.errorMessage } : {}),
        ...(patch.attempts !== undefined ? { attempts: patch.attempts } : {}),
        ...(patch.content !== undefined ? { content: JSON.stringify(patch.content) } : {}),
      })
      .where('id', '=', id);
    if (onlyIfStatusIn) q = q.where('status', 'in', [...onlyIfStatusIn]);
    const r = await q.returningAll().executeTakeFirst();
    return r && toMessage(r);
  }

  /**
   * The provider accepted the message: records its id and moves it to `sent`, in one statement.
   * The id is recorded whatever the status, since a fast status callback may already have moved
   * the message past `sent` (it found it through the ?m= reference); answers the message as it is now.
   */
  async recordSent(id: string, providerMessageId: string | undefined, at: number): Promise<Message | undefined> {
    const waiting = (eb: ExpressionBuilder<Database, 'messages'>) => eb('status', 'in', ['queued', 'sending']);
    const r = await this.db
      .updateTable('messages')
      .set((eb) => ({
        updated_at: at,
        ...(providerMessageId ? { provider_message_id: providerMessageId } : {}),
        status: eb.case().when(waiting(eb)).then('sent').else(eb.ref('status')).end(),
        error_code: eb.case().when(waiting(eb)).then(sql.lit(null)).else(eb.ref('error_code')).end(),
        error_message: eb.case().when(waiting(eb)).then(sql.lit(null)).else(eb.ref('error_message')).end(),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toMessage(r);
  }

  async listConversations(f: {
    states?: ConversationState[];
    queueIds?: string[];
    agentId?: string;
    contactId?: string;
    identityId?: string;
    /** Leave out conversations a bot is handling (they are not waiting for people). */
    withoutBot?: boolean;
    limit?: number;
  }): Promise<Conversation[]> {
    let q = this.db.selectFrom('conversations').selectAll();
    if (f.withoutBot) q = q.where('bot_id', 'is', null);
    if (f.states?.length) q = q.where('state', 'in', f.states);
    if (f.queueIds) q = f.queueIds.length ? q.where('queue_id', 'in', f.queueIds) : q.where(sql<boolean>`1 = 0`);
    if (f.agentId) q = q.where('agent_id', '=', f.agentId);
    if (f.contactId) q = q.where('contact_id', '=', f.contactId);
    if (f.identityId) q = q.where('identity_id', '=', f.identityId);
    const rows = await q.orderBy('last_message_at', 'desc').limit(f.limit ?? 200).execute();
    return rows.map(toConversation);
  }
}
