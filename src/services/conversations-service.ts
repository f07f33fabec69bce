/**
 * What agents and supervisors do with conversations: list, pick, send, set aside, end, close.
 * The server enforces the lifecycle and who may act; the channel's capabilities and the channel
 * instance's switches decide what may be sent.
 */
import type { ChannelAdapter } from '../channels/adapter.js';
import { nextState, type ConversationAction, type ConversationState } from '../domain/conversation.js';
import type { MessageContent } from '../domain/message.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newIdempotencyKey } from '../lib/ids.js';
import type { AuthUser } from '../http/route.js';
import { ConversationsRepo, type Conversation, type Identity, type Message } from '../store/conversations-repo.js';
import type { Store } from '../store/db.js';
import { GroupCommit } from '../store/group-commit.js';
import { JobsRepo, type JobOrder } from '../store/jobs-repo.js';
import type { BlobStore } from './blob-store.js';
import { summarize, type EventBus } from './event-bus.js';
import type { Metrics } from './metrics.js';
import type { TemplatesService } from './templates-service.js';
import type { Lifecycle } from './lifecycle.js';
import type { MessageTemplate } from '../store/templates-repo.js';

export interface InstanceInfo {
  id: string;
  name: string;
  language: string;
  settings: { customersCanSendAttachments?: boolean; agentsCanSendAttachments?: boolean } & Record<string, unknown>;
}

export interface ConversationsDeps {
  store: Store;
  clock: Clock;
  bus: EventBus;
  metrics: Metrics;
  blobs: BlobStore;
  queuesOf: (userId: string) => Promise<string[]>;
  channelInstance: (id: string) => Promise<InstanceInfo | undefined>;
  accountKind: (accountId: string) => Promise<string | undefined>;
  adapterFor: (kind: string) => ChannelAdapter<unknown, unknown> | undefined;
  templates: TemplatesService;
  onJobs: () => void;
  lifecycle?: Lifecycle;
  /** Sends a typing signal to the customer right away (ephemeral: no job, no retry). */
  sendTyping?: (c: Conversation, isTyping: boolean, user: AuthUser) => Promise<void>;
}

/** What an agent may send; media by a blob uploaded first. */
export type OutgoingContent =
  | { kind: 'text'; text: string }
  | { kind: 'image' | 'video' | 'audio' | 'file'; blobId: string; caption?: string; durationMs?: number }
  | { kind: 'sticker'; packageId: string; stickerId: string }
  | { kind: 'location'; latitude: number; longitude: number; title?: string; address?: string }
  | { kind: 'template'; templateId: string; variables: Record<string, string> };

export interface ConversationView {
  conversation: Conversation;
  identity: Identity | undefined;
  channel: string | undefined;
  instance: InstanceInfo | undefined;
  /** When the channel's messaging window closes (null when the channel has none). */
  windowEndsAt: number | null;
}

const isPrivileged = (u: AuthUser) => u.role === 'admin' || u.role === 'supervisor';

export class ConversationsService {
  private readonly repo: ConversationsRepo;
  /** Agents' sends made at the same time share one commit (see store/group-commit.ts). */
  private readonly commits: GroupCommit;
  constructor(private readonly d: ConversationsDeps) {
    this.repo = new ConversationsRepo(d.store.db);
    this.commits = GroupCommit.of(d.store.db, d.store.dialect);
  }

  private async canSee(user: AuthUser, c: Conversation): Promise<boolean> {
    if (isPrivileged(user) || c.agentId === user.id) return true;
    return c.state === 'open' && c.queueId !== null && (await this.d.queuesOf(user.id)).includes(c.queueId);
  }

  /** Loads a conversation the user may see; others get not_found (no existence leak). */
  async load(user: AuthUser, id: string): Promise<Conversation> {
    const c = await this.repo.getConversation(id);
    if (!c || !(await this.canSee(user, c))) throw new AppError('not_found', `No conversation ${id}`);
    return c;
  }

  async view(user: AuthUser, id: string): Promise<ConversationView> {
    const conversation = await this.load(user, id);
    const [identity, channel, instance] = await Promise.all([
      this.repo.getIdentity(conversation.identityId),
      this.d.accountKind(conversation.accountId),
      this.d.channelInstance(conversation.channelInstanceId),
    ]);
    const hours = channel ? this.d.adapterFor(channel)?.capabilities.messagingWindowHours : undefined;
    const windowEndsAt = hours && conversation.lastCustomerAt ? conversation.lastCustomerAt + hours * 3_600_000 : null;
    return { conversation, identity, channel, instance, windowEndsAt };
  }

  async list(user: AuthUser, f: { states?: ConversationState[]; queueId?: string; mine?: boolean }): Promise<Conversation[]> {
    if (f.mine || !isPrivileged(user)) {
      if (f.queueId) return this.queueItems(user, f.queueId);
      return this.repo.listConversations({ agentId: user.id, states: f.states ?? ['active', 'waiting', 'wrapup'] });
    }
    return this.repo.listConversations({ ...(f.states ? { states: f.states } : {}), ...(f.queueId ? { queueIds: [f.queueId] } : {}) });
  }

  /** Open conversations waiting in a queue, oldest customer interaction first. */
  async queueItems(user: AuthUser, queueId: string): Promise<Conversation[]> {
    if (!isPrivileged(user) && !(await this.d.queuesOf(user.id)).includes(queueId)) {
      throw new AppError('forbidden', 'You are not a member of this queue');
    }
    const items = await this.repo.listConversations({ queueIds: [queueId], states: ['open'], withoutBot: true, limit: 500 });
    return items.sort((a, b) => (a.lastCustomerAt ?? a.createdAt) - (b.lastCustomerAt ?? b.createdAt));
  }

  async messages(user: AuthUser, id: string, afterSeq?: number, limit?: number): Promise<Message[]> {
    await this.load(user, id);
    return this.repo.messages(id, { ...(afterSeq !== undefined ? { afterSeq } : {}), ...(limit ? { limit } : {}) });
  }

  /** An agent takes an open conversation from a queue they belong to. Two agents cannot both win. */
  async pick(user: AuthUser, id: string): Promise<Conversation> {
    const c = await this.load(user, id);
    if (c.state !== 'open') throw new AppError('invalid_state', `The conversation is ${c.state}, not open`);
    return this.move(c, 'assign', { agentId: user.id });
  }

  async act(user: AuthUser, id: string, action: Exclude<ConversationAction, 'assign' | 'customer_message'>): Promise<Conversation> {
    const c = await this.load(user, id);
    if (!isPrivileged(user) && c.agentId !== user.id) throw new AppError('forbidden', 'This conversation is assigned to someone else');
    return this.move(c, action, action === 'release' ? { agentId: null } : {});
  }

  private async move(c: Conversation, action: ConversationAction, patch: { agentId?: string | null }): Promise<Conversation> {
    const to = nextState(c.state, action);
    if (!to) throw new AppError('invalid_state', `Cannot ${action} a conversation that is ${c.state}`);
    const moved = await this.repo.transition(c.id, c.state, to, patch, this.d.clock.now());
    if (!moved) throw new AppError('conflict', 'The conversation changed meanwhile; reload it');
    this.d.bus.publish({ type: 'conversation.updated', conversation: summarize(moved) });
    if (action === 'end') this.d.lifecycle?.emit({ type: 'agent_ended', conversationId: moved.id, agentId: c.agentId });
    if (to === 'closed') this.d.lifecycle?.emit({ type: 'closed', conversationId: moved.id, reason: c.state === 'wrapup' ? 'agent' : 'closed by agent or supervisor' });
    const joined = action === 'assign' && moved.agentId;
    const left = c.agentId && (action === 'end' || action === 'release' || (action === 'close' && c.state !== 'wrapup'));
    if (joined || left) {
      await this.signal(moved, joined ? 'representative_joined' : 'representative_left', joined ? moved.agentId : c.agentId);
    }
    return moved;
  }

  /** Queues a joined/left signal for channels that show them to the customer. */
  async signal(c: Conversation, signal: 'representative_joined' | 'representative_left', userId: string | null): Promise<void> {
    const kind = await this.d.accountKind(c.accountId);
    if (!kind || !this.d.adapterFor(kind)?.capabilities.signals) return;
    await new JobsRepo(this.d.store.db, this.d.store.dialect).enqueue(
      'signal',
      { conversationId: c.id, signal, ...(userId ? { userId } : {}) },
      this.d.clock.now(),
    );
    this.d.onJobs();
  }

  /** The agent is typing: other watchers see it, and so does the customer where the channel shows it. */
  async agentTyping(user: AuthUser, id: string, isTyping: boolean): Promise<void> {
    const c = await this.load(user, id);
    if (c.agentId !== user.id) return;
    this.d.bus.publish({ type: 'typing', conversation: summarize(c), who: 'agent', isTyping });
    const kind = await this.d.accountKind(c.accountId);
    if (!kind || !this.d.adapterFor(kind)?.capabilities.signals || !this.d.sendTyping) return;
    await this.d.sendTyping(c, isTyping, user);
  }

  async send(user: AuthUser, id: string, out: OutgoingContent, idempotencyKey?: string): Promise<Message> {
    if (idempotencyKey) {
      const earlier = await this.repo.messageByIdempotencyKey(idempotencyKey);
      if (earlier) {
        await this.load(user, earlier.conversationId);
        return earlier;
      }
    }
    const view = await this.view(user, id);
    const c = view.conversation;
    if (!isPrivileged(user) && c.agentId !== user.id) throw new AppError('forbidden', 'Only the assigned agent can reply');
    if (c.state !== 'active' && c.state !== 'waiting') {
      throw new AppError('invalid_state', `Cannot send in a conversation that is ${c.state}`);
    }
    const content = await this.toContent(user, c, view, out);
    // Outside the messaging window only an approved template may go; refuse before calling the provider.
    if (content.kind !== 'template' && view.windowEndsAt !== null && view.windowEndsAt < this.d.clock.now()) {
      const templates = (await this.templatesFor(user, c.id)).map((t) => ({ id: t.id, name: t.name, language: t.language, text: t.text }));
      throw new AppError(
        'outside_window',
        `The 24-hour messaging window closed at ${new Date(view.windowEndsAt).toISOString()}; only an approved template can be sent now`,
        { windowEndsAt: view.windowEndsAt, templates },
      );
    }
    const now = this.d.clock.now();
    const msg = await this.commits.run(async (trx) => {
      const m = await new ConversationsRepo(trx).appendMessage(
        {
          conversationId: c.id,
          direction: 'out',
          senderType: 'agent',
          authorUserId: user.id,
          content,
          status: 'queued',
          idempotencyKey: idempotencyKey ?? newIdempotencyKey(),
          at: now,
        },
        undefined,
      );
      await new JobsRepo(trx, this.d.store.dialect).enqueue('deliver', { messageId: m.id }, now, now, deliveryOrder(m));
      return m;
    });
    this.d.metrics.messagesStored.inc({ direction: 'out' });
    this.d.onJobs();
    this.d.bus.publish({ type: 'message.created', conversation: summarize({ ...c, lastMessageAt: now }), message: msg });
    return msg;
  }

  private async toContent(user: AuthUser, c: Conversation, view: ConversationView, out: OutgoingContent): Promise<MessageContent> {
    const caps = view.channel ? this.d.adapterFor(view.channel)?.capabilities : undefined;
    if (!caps) throw new AppError('invalid_state', 'The messaging account of this conversation no longer exists');
    if (!caps.outboundContent.includes(out.kind)) {
      throw new AppError('unsupported_content', `${view.channel} cannot send ${out.kind} messages`);
    }
    if (out.kind === 'text') {
      if (out.text.length > caps.maxTextLength) {
        throw new AppError('bad_request', `Text is ${out.text.length} characters; ${view.channel} allows ${caps.maxTextLength}`);
      }
      return { kind: 'text', text: out.text };
    }
    if (out.kind === 'sticker' || out.kind === 'location') return out;
    if (out.kind === 'template') return this.d.templates.contentFor(c.accountId, out.templateId, out.variables);
    if (!view.instance?.settings.agentsCanSendAttachments) {
      throw new AppError('attachments_disabled', `Agents cannot send attachments on channel ${view.instance?.name ?? c.channelInstanceId}`);
    }
    const blob = await this.d.blobs.get(out.blobId);
    if (!blob || (blob.uploadedBy !== user.id && blob.conversationId !== c.id && !isPrivileged(user))) {
      throw new AppError('not_found', `No attachment ${out.blobId}`);
    }
    const allowed = caps.outboundMediaTypes[out.kind];
    if (allowed && !allowed.includes(blob.contentType)) {
      throw new AppError('unsupported_content', `${view.channel} sends ${out.kind} as ${allowed.join(', ')}, not ${blob.contentType}`);
    }
    return {
      kind: out.kind,
      media: {
        blobId: blob.id,
        contentType: blob.contentType,
        size: blob.size,
        ...(blob.fileName ? { fileName: blob.fileName } : {}),
        ...(out.durationMs ? { durationMs: out.durationMs } : {}),
      },
      ...(out.caption ? { caption: out.caption } : {}),
    };
  }

  /**
   * A message from the hub itself (automated message, bot, survey): no user, no role checks.
   * Outside the channel's messaging window it falls back to `fallbackTemplate` when given, or is
   * skipped — and the skip is recorded in the conversation as an event with its reason, never silent.
   */
  async sendAutomated(
    conversationId: string,
    content: MessageContent,
    o: { senderType: 'system' | 'bot'; fallbackTemplate?: { templateId: string; variables: Record<string, string> }; purpose: string },
  ): Promise<{ sent: Message } | { skipped: string }> {
    const c = await this.repo.getConversation(conversationId);
    if (!c) throw new AppError('not_found', `No conversation ${conversationId}`);
    const kind = await this.d.accountKind(c.accountId);
    const caps = kind ? this.d.adapterFor(kind)?.capabilities : undefined;
    if (!caps) return this.recordSkip(c, o.purpose, 'the messaging account no longer exists');
    const hours = caps.messagingWindowHours;
    const windowClosed = hours !== undefined && (c.lastCustomerAt === null || c.lastCustomerAt + hours * 3_600_000 < this.d.clock.now());
    let out: MessageContent = content;
    if (windowClosed && content.kind !== 'template') {
      if (!o.fallbackTemplate) return this.recordSkip(c, o.purpose, `the ${hours}-hour messaging window is closed and no template is set`);
      try {
        out = await this.d.templates.contentFor(c.accountId, o.fallbackTemplate.templateId, o.fallbackTemplate.variables);
      } catch (e) {
        return this.recordSkip(c, o.purpose, `the messaging window is closed and the template cannot be used: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (!caps.outboundContent.includes(out.kind)) return this.recordSkip(c, o.purpose, `${kind} cannot send ${out.kind} messages`);
    if (out.kind === 'text' && out.text.length > caps.maxTextLength) out = { kind: 'text', text: out.text.slice(0, caps.maxTextLength) };
    const now = this.d.clock.now();
    const msg = await this.d.store.db.transaction().execute(async (trx) => {
      const m = await new ConversationsRepo(trx).appendMessage(
        { conversationId: c.id, direction: 'out', senderType: o.senderType, content: out, status: 'queued', idempotencyKey: newIdempotencyKey(), at: now },
        undefined,
      );
      await new JobsRepo(trx, this.d.store.dialect).enqueue('deliver', { messageId: m.id }, now, now, deliveryOrder(m));
      return m;
    });
    this.d.metrics.messagesStored.inc({ direction: 'out' });
    this.d.onJobs();
    this.d.bus.publish({ type: 'message.created', conversation: summarize({ ...c, lastMessageAt: now }), message: msg });
    return { sent: msg };
  }

  /** The hub closes a conversation (a bot ended it, a timer): from any live state or wrap-up. */
  async closeBySystem(conversationId: string, reason: string): Promise<Conversation | undefined> {
    const c = await this.repo.getConversation(conversationId);
    if (!c || c.state === 'closed') return undefined;
    const moved = await this.repo.transition(c.id, c.state, 'closed', {}, this.d.clock.now());
    if (!moved) return undefined;
    this.d.bus.publish({ type: 'conversation.updated', conversation: summarize(moved) });
    this.d.lifecycle?.emit({ type: 'closed', conversationId: moved.id, reason });
    if (c.agentId) await this.signal(moved, 'representative_left', c.agentId);
    return moved;
  }

  private async recordSkip(c: Conversation, purpose: string, reason: string): Promise<{ skipped: string }> {
    const now = this.d.clock.now();
    const note = await this.repo.appendMessage(
      { conversationId: c.id, direction: 'out', senderType: 'system', content: { kind: 'event', name: 'automated_message_skipped', detail: `${purpose}: ${reason}` }, status: 'failed', at: now },
      undefined,
    );
    await this.repo.updateMessage(note.id, { errorCode: 'skipped', errorMessage: reason }, now);
    this.d.bus.publish({ type: 'message.created', conversation: summarize(c), message: { ...note, errorCode: 'skipped', errorMessage: reason } });
    return { skipped: reason };
  }

  /** Approved templates an agent may send in this conversation, its language first. */
  async templatesFor(user: AuthUser, id: string): Promise<MessageTemplate[]> {
    const c = await this.load(user, id);
    const kind = await this.d.accountKind(c.accountId);
    if (!kind || !this.d.adapterFor(kind)?.capabilities.templates) return [];
    const all = await this.d.templates.list(c.accountId, { status: 'approved' });
    const lang = typeof c.context.locale === 'string' ? c.context.locale.toLowerCase() : '';
    const score = (t: MessageTemplate) => (t.language.toLowerCase() === lang ? 0 : t.language.slice(0, 2).toLowerCase() === lang.slice(0, 2) ? 1 : 2);
    return all.sort((a, b) => score(a) - score(b) || a.name.localeCompare(b.name));
  }

  /** Blobs an agent may download: their own uploads and media of conversations they may see. */
  async canReadBlob(user: AuthUser, blobId: string): Promise<boolean> {
    const blob = await this.d.blobs.get(blobId);
    if (!blob) return false;
    if (isPrivileged(user) || blob.uploadedBy === user.id) return true;
    if (!blob.conversationId) return false;
    const c = await this.repo.getConversation(blob.conversationId);
    return c !== undefined && (await this.canSee(user, c));
  }
}

/** A conversation's messages reach the customer in the order they were written (see JobOrder). */
function deliveryOrder(m: Message): JobOrder {
  return { key: m.conversationId, seq: m.seq };
}
