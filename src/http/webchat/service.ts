/**
 * What web chat customers may do, without HTTP: start a session, read their history, write,
 * upload, download their own media, type, acknowledge. Customers' messages go through the same
 * IngestService as every provider's webhook (one transaction, deduplicated by the widget's
 * clientMessageId); receipts go through it as status events, so statuses only move forward.
 * Everything is scoped to one account and one identity (`v:<visitorId>` or `c:<sub>`).
 */
import { randomUUID } from 'node:crypto';
import type { InboundEvent } from '../../channels/adapter.js';
import {
  checkPreChat,
  issueVisitorToken,
  missingPreChat,
  readVisitorToken,
  resolveWebChatSettings,
  verifyCustomerToken,
  VISITOR_TOKEN_TTL_MS,
  WEBCHAT_UPLOAD_TYPES,
  type ResolvedWebChatSettings,
  type Signer,
  type VisitorClaims,
} from '../../channels/webchat/index.js';
import { statusMovesForward, type MessageContent } from '../../domain/message.js';
import { AppError } from '../../errors.js';
import type { Clock } from '../../lib/clock.js';
import type { BlobStore } from '../../services/blob-store.js';
import { summarize, type EventBus, type HubEvent } from '../../services/event-bus.js';
import type { IngestService } from '../../services/ingest.js';
import { BlobsRepo } from '../../store/blobs-repo.js';
import { ConversationsRepo, type Conversation, type Identity, type Message } from '../../store/conversations-repo.js';
import type { Store } from '../../store/db.js';
import { toWidgetConversation, toWidgetMessage, type WidgetConversation, type WidgetMessage } from './present.js';
import { RateLimiter } from './rate-limit.js';
import { sniffMatches } from './sniff.js';

export interface WebChatAccount {
  id: string;
  settings: ResolvedWebChatSettings;
  identitySecret: string | undefined;
}

export interface WebChatServiceDeps {
  ingest: Pick<IngestService, 'submit'>;
  store: Store;
  blobs: BlobStore;
  bus: EventBus;
  clock: Clock;
  /** Signs and checks visitor tokens (the hub's Sealer). */
  signer: Signer;
  resolveAccount: (id: string) => Promise<{ id: string; kind: string; settings: unknown; credentials: unknown } | undefined>;
  /** The channel instance of a conversation, or (no id) the one that serves the account's new conversations. */
  channelInstance: (accountId: string, channelInstanceId?: string) => Promise<{ id: string; settings: Record<string, unknown> } | undefined>;
  displayNameOf: (userId: string) => Promise<string | undefined>;
}

export interface SessionInput {
  visitorId?: string;
  customerToken?: string;
  preChat?: Record<string, string>;
}

export interface SessionView {
  token: string;
  expiresAt: number;
  visitorId: string;
  displayName?: string;
  settings: {
    title: string;
    accentColor: string;
    preChatFields: ResolvedWebChatSettings['preChatFields'];
    maxMessageLength: number;
    attachments: boolean;
  };
  /** The pre-chat answers the token carries. */
  preChat: Record<string, string>;
  /** True when a new conversation needs the pre-chat form first. */
  preChatNeeded: boolean;
  conversation: WidgetConversation | null;
  messages: WidgetMessage[];
}

export interface HistoryView {
  conversation: WidgetConversation | null;
  messages: WidgetMessage[];
}

/** Thrown when a visitor writes too fast; the route answers 429 with Retry-After. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterMs: number) {
    super('rate_limited', `Too many messages; wait ${Math.ceil(retryAfterMs / 1000)} s and send again`);
  }
}

const LIVE_STATES = new Set(['open', 'active', 'waiting']);
/** Conversations shown as history (oldest dropped first). */
const HISTORY_CONVERSATIONS = 5;
const TYPING_PER_MINUTE = 60;
const NAME_TTL_MS = 60_000;

export class WebChatService {
  private readonly repo: ConversationsRepo;
  private readonly blobsRepo: BlobsRepo;
  readonly limiter: RateLimiter;
  private readonly names = new Map<string, { name: string | undefined; at: number }>();

  constructor(private readonly d: WebChatServiceDeps) {
    this.repo = new ConversationsRepo(d.store.db);
    this.blobsRepo = new BlobsRepo(d.store.db);
    this.limiter = new RateLimiter(d.clock);
  }

  /** The web chat account with its settings resolved; undefined for any other id or kind. */
  async account(accountId: string): Promise<WebChatAccount | undefined> {
    const a = await this.d.resolveAccount(accountId);
    if (!a || a.kind !== 'webchat') return undefined;
    const settings = resolveWebChatSettings(a.settings);
    if (!settings) return undefined;
    const creds = a.credentials as { identitySecret?: unknown } | null;
    const secret = typeof creds?.identitySecret === 'string' && creds.identitySecret ? creds.identitySecret : undefined;
    return { id: a.id, settings, identitySecret: secret };
  }

  /** The visitor a bearer token names; unauthenticated otherwise. */
  visitor(account: WebChatAccount, token: string | undefined): VisitorClaims {
    const claims = token ? readVisitorToken(this.d.signer, account.id, token, this.d.clock.now()) : undefined;
    if (!claims) {
      throw new AppError('unauthenticated', 'Send the visitor token of POST /webchat/:accountId/session as Authorization: Bearer <token>');
    }
    return claims;
  }

  async startSession(account: WebChatAccount, input: SessionInput): Promise<SessionView> {
    const now = this.d.clock.now();
    const visitorId = input.visitorId ?? randomUUID();
    let providerUserId = `v:${visitorId}`;
    let known: { name?: string; email?: string } = {};
    if (input.customerToken !== undefined) {
      if (!account.identitySecret) {
        throw new AppError('unauthenticated', 'This chat accepts no signed-in customers: its account has no identity secret');
      }
      const r = verifyCustomerToken(input.customerToken, account.identitySecret, now);
      if (!r.ok) throw new AppError('unauthenticated', `Customer token refused: ${r.reason}`);
      providerUserId = `c:${r.claims.sub}`;
      known = { ...(r.claims.name ? { name: r.claims.name } : {}), ...(r.claims.email ? { email: r.claims.email } : {}) };
    }
    const fields = account.settings.preChatFields;
    const pre = checkPreChat(fields, input.preChat, known);
    if (!pre.ok) throw new AppError('bad_request', `Pre-chat form: ${pre.problems.join('; ')}`, { problems: pre.problems });

    const identity = await this.repo.identityByProviderUserId(account.id, providerUserId);
    const conversations = identity ? await this.conversationsOf(identity) : [];
    const live = conversations.find((c) => LIVE_STATES.has(c.state));
    const displayName = known.name ?? pre.answers['name'] ?? identity?.displayName ?? undefined;
    const expiresAt = now + VISITOR_TOKEN_TTL_MS;
    const token = issueVisitorToken(this.d.signer, account.id, {
      providerUserId,
      expiresAt,
      ...(displayName ? { displayName } : {}),
      preChat: pre.answers,
    });
    const instance = await this.d.channelInstance(account.id, live?.channelInstanceId);
    const history = await this.historyOf(conversations, {});
    return {
      token,
      expiresAt,
      visitorId,
      ...(displayName ? { displayName } : {}),
      settings: {
        title: account.settings.title,
        accentColor: account.settings.accentColor,
        preChatFields: fields,
        maxMessageLength: account.settings.maxMessageLength,
        attachments: instance?.settings['customersCanSendAttachments'] === true,
      },
      preChat: pre.answers,
      preChatNeeded: !live && missingPreChat(fields, pre.answers).length > 0,
      ...history,
    };
  }

  async identityOf(account: WebChatAccount, visitor: VisitorClaims): Promise<Identity | undefined> {
    return this.repo.identityByProviderUserId(account.id, visitor.providerUserId);
  }

  /** Newest first from the store; returned oldest first. */
  private async conversationsOf(identity: Identity, limit = 50): Promise<Conversation[]> {
    const list = await this.repo.listConversations({ identityId: identity.id, limit });
    return list.filter((c) => c.accountId === identity.accountId).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  /**
   * The customer's history: the last few conversations in full; or, with `afterSeq`, what came
   * after that point of a conversation (default: the newest) plus every later conversation.
   */
  async history(account: WebChatAccount, visitor: VisitorClaims, q: { conversationId?: string; afterSeq?: number }): Promise<HistoryView> {
    const identity = await this.identityOf(account, visitor);
    if (!identity) return { conversation: null, messages: [] };
    return this.historyOf(await this.conversationsOf(identity), q);
  }

  private async historyOf(conversations: Conversation[], q: { conversationId?: string; afterSeq?: number }): Promise<HistoryView> {
    const latest = conversations.at(-1);
    if (!latest) return { conversation: null, messages: [] };
    const rows: Message[] = [];
    const from = q.conversationId ? conversations.findIndex((c) => c.id === q.conversationId) : conversations.length - 1;
    if (q.afterSeq !== undefined && from >= 0) {
      rows.push(...(await this.repo.messages(conversations[from]!.id, { afterSeq: q.afterSeq })));
      for (const c of conversations.slice(from + 1)) rows.push(...(await this.repo.messages(c.id)));
    } else {
      for (const c of conversations.slice(-HISTORY_CONVERSATIONS)) rows.push(...(await this.repo.messages(c.id)));
    }
    return { conversation: await this.conversationView(latest), messages: await this.present(rows) };
  }

  async conversationView(c: Conversation): Promise<WidgetConversation> {
    return toWidgetConversation(c, c.agentId ? await this.nameOf(c.agentId) : undefined);
  }

  private async present(rows: Message[]): Promise<WidgetMessage[]> {
    const out: WidgetMessage[] = [];
    for (const m of rows) {
      const w = toWidgetMessage(m, m.authorUserId ? await this.nameOf(m.authorUserId) : undefined);
      if (w) out.push(w);
    }
    return out;
  }

  async presentOne(m: Message): Promise<WidgetMessage | undefined> {
    return toWidgetMessage(m, m.authorUserId ? await this.nameOf(m.authorUserId) : undefined);
  }

  /** An agent's display name, cached for a minute (agents rarely rename themselves mid-chat). */
  async nameOf(userId: string): Promise<string | undefined> {
    const now = this.d.clock.now();
    const hit = this.names.get(userId);
    if (hit && now - hit.at < NAME_TTL_MS) return hit.name;
    const name = await this.d.displayNameOf(userId);
    if (this.names.size > 10_000) this.names.clear();
    this.names.set(userId, { name, at: now });
    return name;
  }

  async send(
    account: WebChatAccount,
    visitor: VisitorClaims,
    input: { clientMessageId: string; text?: string; blobId?: string },
  ): Promise<WidgetMessage> {
    const identity = await this.identityOf(account, visitor);
    // A retry of a message already stored answers with it, and costs no rate-limit token.
    const earlier = await this.repo.messageByProviderId(account.id, input.clientMessageId);
    if (earlier) return this.ownMessage(earlier, identity);

    const text = input.text ?? '';
    if (input.blobId === undefined && text.trim() === '') throw new AppError('bad_request', 'Write a message (text) or attach a file (blobId)');
    const max = account.settings.maxMessageLength;
    if (text.length > max) throw new AppError('bad_request', `The message is ${text.length} characters long; this chat accepts at most ${max}`);
    let content: MessageContent = { kind: 'text', text };
    let blob: Awaited<ReturnType<BlobStore['get']>>;
    if (input.blobId !== undefined) {
      blob = await this.d.blobs.get(input.blobId);
      if (!blob || blob.uploadedBy !== uploaderOf(account, visitor)) throw new AppError('not_found', `No upload ${input.blobId}`);
      content = {
        kind: blob.contentType.startsWith('image/') ? 'image' : 'file',
        media: { blobId: blob.id, contentType: blob.contentType, size: blob.size, ...(blob.fileName ? { fileName: blob.fileName } : {}) },
        ...(text.trim() ? { caption: text } : {}),
      };
    }
    const live = identity ? await this.repo.liveConversationOf(identity.id) : undefined;
    if (!live) {
      const missing = missingPreChat(account.settings.preChatFields, visitor.preChat);
      if (missing.length > 0) {
        throw new AppError('bad_request', `Fill in the pre-chat form first: ${missing.map((f) => f.label).join(', ')}`, {
          missing: missing.map((f) => f.name),
        });
      }
      if (!(await this.d.channelInstance(account.id))) {
        throw new AppError('invalid_state', 'This chat is not staffed yet: an admin must add a channel instance for its account');
      }
    }
    // Only a message that would be stored costs a token.
    const wait = this.limiter.take(`msg|${account.id}|${visitor.providerUserId}`, account.settings.messagesPerMinute);
    if (wait > 0) throw new RateLimitedError(wait);
    const now = this.d.clock.now();
    const event: InboundEvent = {
      type: 'message',
      eventId: input.clientMessageId,
      providerMessageId: input.clientMessageId,
      user: { id: visitor.providerUserId, ...(visitor.displayName ? { displayName: visitor.displayName } : {}) },
      content,
      at: new Date(now),
      raw: { clientMessageId: input.clientMessageId, ...(input.text !== undefined ? { text: input.text } : {}), ...(input.blobId ? { blobId: input.blobId } : {}) },
      ...(visitor.preChat ? { context: { preChat: visitor.preChat } } : {}),
    };
    await this.d.ingest.submit({ id: account.id, kind: 'webchat' }, [event], now);
    const stored = await this.repo.messageByProviderId(account.id, input.clientMessageId);
    if (!stored) throw new AppError('invalid_state', 'The message could not be routed: this chat has no channel instance');
    const mine = await this.ownMessage(stored, identity ?? (await this.identityOf(account, visitor)));
    if (blob && !blob.conversationId) await this.blobsRepo.attachToConversation(blob.id, stored.conversationId);
    return mine;
  }

  /** A stored message, if it is this customer's; a clientMessageId someone else used is a conflict. */
  private async ownMessage(m: Message, identity: Identity | undefined): Promise<WidgetMessage> {
    const conv = await this.repo.getConversation(m.conversationId);
    if (!identity || !conv || conv.identityId !== identity.id || m.direction !== 'in') {
      throw new AppError('conflict', 'This clientMessageId is already taken; send with a new one');
    }
    const w = await this.presentOne(m);
    if (!w) throw new AppError('conflict', 'This clientMessageId is already taken; send with a new one');
    return w;
  }

  async upload(
    account: WebChatAccount,
    visitor: VisitorClaims,
    file: { body: Buffer; contentType: string; fileName?: string },
  ): Promise<{ id: string; contentType: string; size: number; fileName: string | null }> {
    if (!WEBCHAT_UPLOAD_TYPES.includes(file.contentType)) {
      throw new AppError('unsupported_media_type', `Attachments may be ${WEBCHAT_UPLOAD_TYPES.join(', ')}; not ${file.contentType}`);
    }
    if (file.body.length === 0) throw new AppError('bad_request', 'The file is empty');
    if (!sniffMatches(file.contentType, file.body)) throw new AppError('bad_request', `The file is not a ${file.contentType} file`);
    const identity = await this.identityOf(account, visitor);
    const live = identity ? await this.repo.liveConversationOf(identity.id) : undefined;
    const instance = await this.d.channelInstance(account.id, live?.channelInstanceId);
    if (instance?.settings['customersCanSendAttachments'] !== true) {
      throw new AppError('attachments_disabled', 'This chat does not accept attachments from customers');
    }
    const wait = this.limiter.take(`upload|${account.id}|${visitor.providerUserId}`, account.settings.messagesPerMinute);
    if (wait > 0) throw new RateLimitedError(wait);
    const blob = await this.d.blobs.put(file.body, {
      contentType: file.contentType,
      fileName: file.fileName ? safeFileName(file.fileName) : null,
      uploadedBy: uploaderOf(account, visitor),
      conversationId: live?.id ?? null,
    });
    return { id: blob.id, contentType: blob.contentType, size: blob.size, fileName: blob.fileName };
  }

  /** A blob this customer may download: their own upload, or media of one of their conversations. */
  async blobFor(account: WebChatAccount, visitor: VisitorClaims, blobId: string) {
    const blob = await this.d.blobs.get(blobId);
    if (blob && blob.uploadedBy === uploaderOf(account, visitor)) return blob;
    const identity = blob && (await this.identityOf(account, visitor));
    if (blob && identity) {
      const ids = (await this.conversationsOf(identity, 200)).map((c) => c.id);
      if (blob.conversationId ? ids.includes(blob.conversationId) : await this.repo.conversationsReferenceBlob(ids, blob.id)) return blob;
    }
    throw new AppError('not_found', `No attachment ${blobId}`);
  }

  async typing(account: WebChatAccount, visitor: VisitorClaims, isTyping: boolean): Promise<void> {
    if (this.limiter.take(`typing|${account.id}|${visitor.providerUserId}`, TYPING_PER_MINUTE) > 0) return;
    const identity = await this.identityOf(account, visitor);
    const live = identity && (await this.repo.liveConversationOf(identity.id));
    if (live) this.d.bus.publish({ type: 'typing', conversation: summarize(live), who: 'customer', isTyping });
  }

  /** Moves the agent's messages of this customer's conversations forward to delivered or read. */
  async receipts(account: WebChatAccount, visitor: VisitorClaims, messageIds: string[], status: 'delivered' | 'read'): Promise<string[]> {
    const identity = await this.identityOf(account, visitor);
    if (!identity) return [];
    const at = this.d.clock.now();
    const owned = new Map<string, boolean>();
    const events: InboundEvent[] = [];
    const accepted: string[] = [];
    for (const id of new Set(messageIds)) {
      const m = await this.repo.getMessage(id);
      if (!m || m.direction !== 'out') continue;
      if (!owned.has(m.conversationId)) {
        const c = await this.repo.getConversation(m.conversationId);
        owned.set(m.conversationId, c?.identityId === identity.id && c.accountId === account.id);
      }
      if (!owned.get(m.conversationId) || !statusMovesForward(m.status, status)) continue;
      events.push({
        type: 'status',
        eventId: `receipt:${m.id}:${status}`,
        providerMessageId: m.providerMessageId ?? m.idempotencyKey ?? m.id,
        messageRef: m.id,
        status,
        at: new Date(at),
        raw: { messageId: m.id, status },
      });
      accepted.push(m.id);
    }
    await this.d.ingest.submit({ id: account.id, kind: 'webchat' }, events, at);
    return accepted;
  }

  /** A hub event as the widget sees it; undefined for what the customer is not told. */
  async widgetEvent(e: Exclude<HubEvent, { type: 'presence.updated' }>): Promise<unknown> {
    switch (e.type) {
      case 'message.created': {
        const message = await this.presentOne(e.message);
        return message && { type: 'message', message };
      }
      case 'message.updated':
        if (e.message.direction !== 'out') return undefined;
        return { type: 'status', messageId: e.message.id, conversationId: e.message.conversationId, status: e.message.status };
      case 'typing':
        if (e.who !== 'agent') return undefined;
        return {
          type: 'typing',
          conversationId: e.conversation.id,
          isTyping: e.isTyping,
          agentName: (e.conversation.agentId && (await this.nameOf(e.conversation.agentId))) ?? null,
        };
      case 'conversation.created':
      case 'conversation.updated': {
        const c = e.conversation;
        const held = c.agentId !== null && (c.state === 'active' || c.state === 'waiting' || c.state === 'wrapup');
        const agentName = held && c.agentId ? ((await this.nameOf(c.agentId)) ?? null) : null;
        return { type: 'conversation', conversation: { id: c.id, state: c.state, agentName } };
      }
    }
  }
}

/** Who uploaded a customer's blob (the blobs table's uploaded_by holds user ids or this). */
function uploaderOf(account: WebChatAccount, visitor: VisitorClaims): string {
  return `webchat:${account.id}:${visitor.providerUserId}`;
}

function safeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // Control characters out; length bounded; never empty.
  const cleaned = Array.from(base)
    .filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned || 'attachment';
}
