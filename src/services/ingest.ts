/**
 * Stores verified provider events. Concurrent webhooks are coalesced into one transaction (group
 * commit): durable commits are the bottleneck, so N webhooks share one fsync, and each webhook is
 * acknowledged only after the commit that holds it. If a batch fails, its webhooks are retried one
 * by one so a single poisoned webhook cannot fail its neighbours.
 */
import type { Kysely } from 'kysely';
import type { InboundEvent } from '../channels/adapter.js';
import { isMediaContent, type MessageContent } from '../domain/message.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ConversationsRepo, type Conversation, type Message } from '../store/conversations-repo.js';
import { JobsRepo } from '../store/jobs-repo.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/db.js';
import { summarize, type EventBus, type HubEvent } from './event-bus.js';
import type { Lifecycle, LifecycleEvent } from './lifecycle.js';
import type { Metrics } from './metrics.js';
import { advanceStatus } from './status-updates.js';

export interface IngestAccount {
  id: string;
  kind: string;
}

/** Where a new conversation from an account (and business address) goes. */
export interface RouteTarget {
  channelInstanceId: string;
  workstreamId: string;
  queueId: string;
  language: string;
  /** The workstream keeps the same agent for the whole conversation (default true). */
  affinity?: boolean;
}

export type ResolveRoute = (accountId: string, address: string) => Promise<RouteTarget | undefined>;

const routeKey = (accountId: string, address: string) => `${accountId}\u0000${address}`;

interface Pending {
  account: IngestAccount;
  events: InboundEvent[];
  receivedAt: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

interface Effects {
  publish: HubEvent[];
  lifecycle: LifecycleEvent[];
  jobsAdded: number;
  messagesStored: number;
  /** Follow-ups interceptors asked for, run after the commit. */
  after: Array<() => void>;
}

/**
 * A customer message that arrives while the customer has no live conversation may answer
 * something the hub asked after the last one closed (a survey's 1–5 rating). Interceptors run in
 * order inside the ingest transaction (use `trx` for every read and write) and return true when
 * they consumed the message: then no conversation is opened, and the message is appended to the
 * identity's most recent closed conversation so its transcript shows it. `afterCommit` queues a
 * follow-up (a thank-you) that runs only once the transaction committed.
 */
export type MessageInterceptor = (m: {
  trx: Kysely<Database>;
  accountId: string;
  identityId: string;
  content: MessageContent;
  at: number;
  afterCommit: (fn: () => void) => void;
}) => Promise<boolean>;

export interface IngestDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  metrics: Metrics;
  resolveRoute: ResolveRoute;
  /** Side effects that must happen once (greetings, bots): emitted in this process only. */
  lifecycle?: Lifecycle;
  /** Called after a commit that enqueued jobs, so workers start at once. */
  onJobs: () => void;
  maxBatch?: number;
  /** See MessageInterceptor. */
  interceptors?: MessageInterceptor[];
}

export class IngestService {
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly deps: IngestDeps) {}

  /** Resolves once the events are committed; rejects if they could not be stored. */
  submit(account: IngestAccount, events: InboundEvent[], receivedAt = this.deps.clock.now()): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ account, events, receivedAt, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.deps.maxBatch ?? 256);
      let effects: Effects;
      try {
        effects = await this.commit(batch);
      } catch (err) {
        if (batch.length === 1) {
          batch[0]!.reject(err);
          continue;
        }
        // Isolate the failing webhook: retry each alone.
        for (const p of batch) {
          let alone: Effects;
          try {
            alone = await this.commit([p]);
          } catch (e) {
            p.reject(e);
            continue;
          }
          this.after(alone, [p]);
          p.resolve();
        }
        continue;
      }
      // Committed: whatever happens next, these webhooks are stored and must be acknowledged.
      this.after(effects, batch);
      for (const p of batch) p.resolve();
    }
    this.flushing = false;
  }

  /** After a commit: metrics, wake the workers, tell the agents. Never throws (the data is stored). */
  private after(effects: Effects, batch: Pending[]): void {
    try {
      this.announce(effects, batch);
    } catch (err) {
      this.deps.log.error({ err }, 'announcing stored webhooks failed');
    }
  }

  private announce(effects: Effects, batch: Pending[]): void {
    const now = this.deps.clock.now();
    this.deps.metrics.ingestBatchSize.observe(batch.length);
    for (const p of batch) this.deps.metrics.ingestLatency.observe({ channel: p.account.kind }, (now - p.receivedAt) / 1000);
    if (effects.messagesStored) this.deps.metrics.messagesStored.inc({ direction: 'in' }, effects.messagesStored);
    if (effects.jobsAdded) this.deps.onJobs();
    for (const e of effects.publish) this.deps.bus.publish(e);
    for (const e of effects.lifecycle) this.deps.lifecycle?.emit(e);
    for (const fn of effects.after) fn();
  }

  private async commit(batch: Pending[]): Promise<Effects> {
    const effects: Effects = { publish: [], lifecycle: [], jobsAdded: 0, messagesStored: 0, after: [] };
    // Routes are read before the transaction: on SQLite the transaction holds the only connection.
    const routes = await this.resolveRoutes(batch);
    await this.deps.store.db.transaction().execute(async (trx) => {
      for (const p of batch) {
        for (const event of p.events) await this.storeEvent(trx, p.account, event, routes, effects);
      }
    });
    return effects;
  }

  private async resolveRoutes(batch: Pending[]): Promise<Map<string, RouteTarget | undefined>> {
    const routes = new Map<string, RouteTarget | undefined>();
    for (const p of batch) {
      for (const e of p.events) {
        if (e.type !== 'message' && e.type !== 'postback') continue;
        const key = routeKey(p.account.id, e.address ?? '');
        if (!routes.has(key)) routes.set(key, await this.deps.resolveRoute(p.account.id, e.address ?? ''));
      }
    }
    return routes;
  }

  private async storeEvent(
    trx: Kysely<Database>,
    account: IngestAccount,
    event: InboundEvent,
    routes: Map<string, RouteTarget | undefined>,
    fx: Effects,
  ): Promise<void> {
    const repo = new ConversationsRepo(trx);
    const now = this.deps.clock.now();
    const fresh = await repo.recordEvent(account.id, event.eventId, event.type, event.raw, now);
    if (!fresh) return; // a redelivery: stored before

    switch (event.type) {
      case 'message':
      case 'postback': {
        const content: MessageContent =
          event.type === 'message'
            ? event.content
            : { kind: 'postback', data: event.data, ...(event.label ? { label: event.label } : {}) };
        const replyToken = event.replyToken;
        const route = routes.get(routeKey(account.id, event.address ?? ''));
        const stored = await this.storeCustomerMessage(trx, account, event, content, replyToken, route, fx);
        if (!stored) return;
        if (isMediaContent(content) && content.media.providerRef && !content.media.blobId) {
          await new JobsRepo(trx, this.deps.store.dialect).enqueue('download_media', { messageId: stored.id, accountId: account.id }, now);
          fx.jobsAdded++;
        }
        return;
      }
      case 'follow':
      case 'unfollow': {
        const { identity } = await repo.upsertIdentity(account.id, account.kind, event.user.id, event.user, now);
        const live = await repo.liveConversationOf(identity.id);
        if (live) await this.appendSystem(repo, live, { kind: 'event', name: event.type }, now, fx);
        return;
      }
      case 'unsend': {
        const msg = await repo.messageByProviderId(account.id, event.providerMessageId);
        if (!msg) return;
        // The customer withdrew it: keep the slot (order), drop the content.
        const updated = await repo.updateMessage(msg.id, { content: { kind: 'event', name: 'unsent' } }, now);
        const conv = await repo.getConversation(msg.conversationId);
        if (updated && conv) fx.publish.push({ type: 'message.updated', conversation: summarize(conv), message: updated });
        return;
      }
      case 'status': {
        const updated = await advanceStatus(repo, account.id, event, now);
        if (updated) fx.publish.push(updated);
        return;
      }
      case 'typing': {
        const { identity } = await repo.upsertIdentity(account.id, account.kind, event.user.id, event.user, now);
        const live = await repo.liveConversationOf(identity.id);
        if (live) fx.publish.push({ type: 'typing', conversation: summarize(live), who: 'customer', isTyping: event.isTyping });
        return;
      }
      case 'escalate': {
        const { identity } = await repo.upsertIdentity(account.id, account.kind, event.user.id, event.user, now);
        const live = await repo.liveConversationOf(identity.id);
        if (live) {
          await this.appendSystem(repo, live, { kind: 'event', name: 'live_agent_requested' }, now, fx);
          fx.lifecycle.push({ type: 'live_agent_requested', conversationId: live.id });
        }
        return;
      }
      case 'unknown':
        this.deps.log.info({ accountId: account.id, eventType: event.eventType }, 'unknown provider event stored');
        return;
    }
  }

  private async storeCustomerMessage(
    trx: Kysely<Database>,
    account: IngestAccount,
    event: Extract<InboundEvent, { user: unknown }>,
    content: MessageContent,
    replyToken: string | undefined,
    route: RouteTarget | undefined,
    fx: Effects,
  ): Promise<Message | undefined> {
    const repo = new ConversationsRepo(trx);
    const now = this.deps.clock.now();
    const { identity, created: newIdentity } = await repo.upsertIdentity(account.id, account.kind, event.user.id, event.user, now);
    if (newIdentity) {
      await new JobsRepo(trx, this.deps.store.dialect).enqueue('fetch_profile', { identityId: identity.id, accountId: account.id }, now);
      fx.jobsAdded++;
    }
    let conv = await repo.liveConversationOf(identity.id);
    let created = false;
    if (!conv) {
      // No live conversation: an interceptor may take the message as an answer (see MessageInterceptor).
      for (const intercept of this.deps.interceptors ?? []) {
        const afterCommit = (fn: () => void) => void fx.after.push(fn);
        if (!(await intercept({ trx, accountId: account.id, identityId: identity.id, content, at: now, afterCommit }))) continue;
        const last = await repo.lastClosedConversationOf(identity.id);
        if (!last) return undefined; // kept in inbound_events only
        const answer = await repo.appendMessage(
          { conversationId: last.id, direction: 'in', senderType: 'customer', content, providerMessageId: event.type === 'message' ? event.providerMessageId : null, status: 'received', at: now },
          { ...(replyToken ? { replyToken } : {}) },
        );
        fx.messagesStored++;
        fx.publish.push({ type: 'message.created', conversation: summarize({ ...last, lastSeq: answer.seq, lastMessageAt: now, lastCustomerAt: now }), message: answer });
        return answer;
      }
      if (!route) {
        // Kept in inbound_events (nothing is lost); an admin must add a channel instance.
        this.deps.log.warn({ accountId: account.id, address: event.address }, 'no channel instance serves this account; message kept unrouted');
        return undefined;
      }
      const opened = await repo.openOrContinue({
        accountId: account.id,
        channelInstanceId: route.channelInstanceId,
        identityId: identity.id,
        contactId: identity.contactId,
        workstreamId: route.workstreamId,
        queueId: route.queueId,
        context: {
          channel: account.kind,
          customerName: identity.displayName ?? event.user.displayName ?? null,
          locale: event.user.language ?? identity.language ?? route.language,
          firstMessage: content.kind === 'text' ? content.text : null,
          address: event.address ?? null,
          ...event.context,
        },
        at: now,
      });
      conv = opened.conversation;
      created = opened.created;
    }
    const msg = await repo.appendMessage(
      {
        conversationId: conv.id,
        direction: 'in',
        senderType: 'customer',
        content,
        providerMessageId: event.type === 'message' ? event.providerMessageId : null,
        status: 'received',
        at: now,
      },
      { ...(replyToken ? { replyToken } : {}) },
    );
    fx.messagesStored++;
    // A customer who answers a Waiting conversation brings it back to the same agent (affinity);
    // without affinity it goes back to its queue for whoever is free.
    const keepAgent = route?.workstreamId !== conv.workstreamId || route.affinity !== false;
    const resumed =
      conv.state === 'waiting'
        ? keepAgent
          ? await repo.transition(conv.id, 'waiting', 'active', {}, now)
          : await repo.transition(conv.id, 'waiting', 'open', { agentId: null }, now)
        : undefined;
    conv = resumed ?? { ...conv, lastSeq: msg.seq, lastMessageAt: now, lastCustomerAt: now };
    const summary = summarize(conv);
    if (created) {
      fx.publish.push({ type: 'conversation.created', conversation: summary });
      fx.lifecycle.push({ type: 'conversation_opened', conversationId: conv.id });
    }
    fx.lifecycle.push({ type: 'customer_message', conversationId: conv.id, messageId: msg.id });
    if (resumed) fx.publish.push({ type: 'conversation.updated', conversation: summary });
    fx.publish.push({ type: 'message.created', conversation: summary, message: msg });
    return msg;
  }

  private async appendSystem(repo: ConversationsRepo, conv: Conversation, content: MessageContent, now: number, fx: Effects): Promise<void> {
    const msg = await repo.appendMessage(
      { conversationId: conv.id, direction: 'in', senderType: 'system', content, status: 'received', at: now },
      undefined,
    );
    fx.publish.push({ type: 'message.created', conversation: summarize(conv), message: msg });
  }
}
