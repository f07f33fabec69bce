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
import { eventKey, identityKey, IngestRepo, type SenderConversation } from '../store/ingest-repo.js';
import { JobsRepo } from '../store/jobs-repo.js';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/db.js';
import { summarize, type EventBus, type HubEvent } from './event-bus.js';
import type { Lifecycle, LifecycleEvent } from './lifecycle.js';
import type { Metrics } from './metrics.js';
import { CustomerMessageBatch, customerContent, isCustomerEvent, type CustomerEvent } from './ingest-batch.js';
import { advanceStatuses, type AccountStatus } from './status-updates.js';

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

/**
 * The live conversation a customer event can be appended to in a batch: the sender has one and
 * tells nothing new about themselves (else their identity is refreshed the one-at-a-time way).
 */
function liveConversationFor(accountId: string, event: CustomerEvent, live: Map<string, SenderConversation>): string | undefined {
  const found = live.get(identityKey(accountId, event.user.id));
  if (!found) return undefined;
  const { displayName, language } = event.user;
  if ((displayName !== undefined && displayName !== found.displayName) || (language !== undefined && language !== found.language)) return undefined;
  return found.conversationId;
}

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
  /**
   * Batches committed at the same time (default 1). More lanes overlap one commit's round trips
   * with another's, but each batch is smaller, so every webhook pays for more round trips: on
   * PostgreSQL (2 cores, LINE, 100 known senders, alternating 8 s runs) 1 lane took 4,582 and
   * 4,449/s at 165–171 µs of hub CPU a webhook (batches of 25), 2 lanes 4,293 and 3,736/s at
   * 198–225 µs (batches of 13); at a steady 1,000/s the webhook → agent p99 was the same (15–19 ms)
   * with a third less hub CPU. (An older, slower machine had favoured 2 lanes by 8 %.) A
   * customer's webhooks always take the same lane, so their messages keep their order.
   */
  lanes?: number;
  /** See MessageInterceptor. */
  interceptors?: MessageInterceptor[];
  /** Whether a channel can tell a new customer's profile (a fetch is queued); every kind if absent. */
  fetchesProfiles?: (kind: string) => boolean;
}

/** One sequence of batches: committed one after another. */
interface Lane {
  queue: Pending[];
  flushing: boolean;
}

/** FNV-1a: a cheap, stable spread of senders over lanes. */
function laneHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class IngestService {
  private readonly lanes: Lane[];

  constructor(private readonly deps: IngestDeps) {
    const n = Math.max(1, deps.lanes ?? 1);
    this.lanes = Array.from({ length: n }, () => ({ queue: [], flushing: false }));
  }

  /** Resolves once the events are committed; rejects if they could not be stored. */
  submit(account: IngestAccount, events: InboundEvent[], receivedAt = this.deps.clock.now()): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    const lane = this.laneOf(account, events);
    return new Promise((resolve, reject) => {
      lane.queue.push({ account, events, receivedAt, resolve, reject });
      if (!lane.flushing) {
        lane.flushing = true;
        setImmediate(() => void this.flush(lane));
      }
    });
  }

  /** By the first event's sender (status callbacks, which have none, by the account). */
  private laneOf(account: IngestAccount, events: InboundEvent[]): Lane {
    if (this.lanes.length === 1) return this.lanes[0]!;
    const first = events[0]!;
    const who = 'user' in first && first.user ? first.user.id : '';
    return this.lanes[laneHash(`${account.id}\u0000${who}`) % this.lanes.length]!;
  }

  private async flush(lane: Lane): Promise<void> {
    // At most one commit on its way to the disk while the next one is written: the next batch
    // gathers meanwhile (fewer, larger commits, each writing its pages once for many webhooks),
    // and a webhook never waits behind more than one flush (off the event loop on SQLite).
    let flushing: Promise<void> | undefined;
    for (;;) {
      if (lane.queue.length === 0) {
        if (!flushing) break;
        // Webhooks that arrive meanwhile are this loop's to commit (the lane is still flushing).
        await flushing;
        flushing = undefined;
        continue;
      }
      const batch = lane.queue.splice(0, this.deps.maxBatch ?? 256);
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
          await this.committed(alone, [p]);
        }
        continue;
      }
      const previous = flushing;
      flushing = this.committed(effects, batch);
      await previous;
    }
    lane.flushing = false;
  }

  /** Committed: agents may see it now; the webhooks are acknowledged once the commit is on disk. */
  private async committed(effects: Effects, batch: Pending[]): Promise<void> {
    this.after(effects, batch);
    try {
      await this.deps.store.durable();
    } catch (err) {
      // Stored but maybe not on disk: refuse, and the provider's retry is stored once (dedupe).
      this.deps.log.error({ err }, 'flushing the store to disk failed');
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) p.resolve();
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
      const now = this.deps.clock.now();
      const repo = new IngestRepo(trx, this.deps.store.dialect);
      const items = batch.flatMap((p) => p.events.map((event) => ({ account: p.account, event })));
      const fresh = await repo.recordEvents(
        items.map(({ account, event }) => ({ accountId: account.id, eventId: event.eventId, eventType: event.type, payload: JSON.stringify(event.raw), at: now })),
      );
      // A redelivery was stored before; the same event twice in one batch counts once.
      const todo = items.filter(({ account, event }) => fresh.delete(eventKey(account.id, event.eventId)));
      const customers = todo.flatMap(({ account, event }) => (isCustomerEvent(event) ? [{ accountId: account.id, providerUserId: event.user.id }] : []));
      const live = customers.length ? await repo.liveConversationsOfSenders(customers) : new Map<string, SenderConversation>();

      const pending = new CustomerMessageBatch<IngestAccount>(repo);
      // Status callbacks touch only outbound messages: they are applied together, last.
      const statuses: AccountStatus[] = [];
      const writePending = async () => {
        if (pending.size > 0) await this.storeBatch(trx, pending, routes, effects, now);
      };
      for (const { account, event } of todo) {
        if (event.type === 'status') {
          statuses.push({ accountId: account.id, event });
          continue;
        }
        const conversationId = isCustomerEvent(event) ? liveConversationFor(account.id, event, live) : undefined;
        if (conversationId && isCustomerEvent(event)) {
          pending.add(conversationId, { account, event, content: customerContent(event) });
          continue;
        }
        // Everything else goes one at a time, after what came before it (order within a conversation).
        await writePending();
        await this.storeEvent(trx, account, event, routes, effects, now);
      }
      await writePending();
      if (statuses.length > 0) effects.publish.push(...(await advanceStatuses(repo, statuses, now)));
    });
    return effects;
  }

  /** Writes the batched customer messages (see CustomerMessageBatch) and collects their effects. */
  private async storeBatch(
    trx: Kysely<Database>,
    pending: CustomerMessageBatch<IngestAccount>,
    routes: Map<string, RouteTarget | undefined>,
    fx: Effects,
    now: number,
  ): Promise<void> {
    const { groups, orphans } = await pending.write(now);
    const repo = new ConversationsRepo(trx);
    for (const { conversation, messages } of groups) {
      const first = messages[0]!.queued;
      const route = routes.get(routeKey(first.account.id, first.event.address ?? ''));
      const resumed = conversation.state === 'waiting' ? await this.resume(repo, conversation, route, now) : undefined;
      const summary = summarize(resumed ?? conversation);
      if (resumed) fx.publish.push({ type: 'conversation.updated', conversation: summary });
      // Read under the row lock: a bot engaged after this commits sees these messages in its transcript.
      const maybeBot = conversation.state === 'open' && conversation.botId !== null && conversation.assignedAt === null;
      for (const { queued, message } of messages) {
        fx.messagesStored++;
        fx.lifecycle.push({ type: 'customer_message', conversationId: conversation.id, messageId: message.id, maybeBot });
        fx.publish.push({ type: 'message.created', conversation: summary, message });
        await this.enqueueMediaDownload(trx, queued.account, message, now, fx);
      }
    }
    for (const q of orphans) {
      const route = routes.get(routeKey(q.account.id, q.event.address ?? ''));
      const stored = await this.storeCustomerMessage(trx, q.account, q.event, q.content, q.event.replyToken, route, fx);
      if (stored) await this.enqueueMediaDownload(trx, q.account, stored, now, fx);
    }
  }

  private async enqueueMediaDownload(trx: Kysely<Database>, account: IngestAccount, message: Message, now: number, fx: Effects): Promise<void> {
    const content = message.content;
    if (!isMediaContent(content) || !content.media.providerRef || content.media.blobId) return;
    await new JobsRepo(trx, this.deps.store.dialect).enqueue('download_media', { messageId: message.id, accountId: account.id }, now);
    fx.jobsAdded++;
  }

  /**
   * A customer who answers a Waiting conversation brings it back to the same agent (affinity);
   * without affinity it goes back to its queue for whoever is free.
   */
  private async resume(repo: ConversationsRepo, conv: Pick<Conversation, 'id' | 'workstreamId'>, route: RouteTarget | undefined, now: number): Promise<Conversation | undefined> {
    const keepAgent = route?.workstreamId !== conv.workstreamId || route.affinity !== false;
    return keepAgent ? repo.transition(conv.id, 'waiting', 'active', {}, now) : repo.transition(conv.id, 'waiting', 'open', { agentId: null }, now);
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
    now: number,
  ): Promise<void> {
    const repo = new ConversationsRepo(trx);
    switch (event.type) {
      case 'message':
      case 'postback': {
        const route = routes.get(routeKey(account.id, event.address ?? ''));
        const stored = await this.storeCustomerMessage(trx, account, event, customerContent(event), event.replyToken, route, fx);
        if (stored) await this.enqueueMediaDownload(trx, account, stored, now, fx);
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
      case 'status':
        return; // applied in batches (see commit)
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
    if (newIdentity && (this.deps.fetchesProfiles?.(account.kind) ?? true)) {
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
        fx.publish.push({ type: 'message.created', conversation: summarize({ ...last, lastMessageAt: now, lastCustomerAt: now }), message: answer });
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
    const resumed = conv.state === 'waiting' ? await this.resume(repo, conv, route, now) : undefined;
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
