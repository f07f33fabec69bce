/**
 * The distribution engine (unified routing): routes new conversations through the workstream's
 * classification and route-to-queue rules, then offers queued work to agents in push mode.
 *
 * Event-driven: a new conversation, a presence change, freed capacity, a queue membership change,
 * a declined or expired offer each poke the engine, which runs a pass at once. Passes are
 * serialized: within a process by a promise chain, across processes by a PostgreSQL advisory
 * lock held for the pass's transaction, so one conversation is never offered twice and an
 * agent's capacity (held conversations + pending offers) is never exceeded.
 */
import type { Kysely } from 'kysely';
import {
  checkCapacity,
  chooseAgent,
  classify,
  isAssignablePresence,
  isFull,
  isOpen,
  orderWorkItems,
  routeToQueue,
  type AgentCandidate,
  type BasePresence,
  type WorkLoad,
} from '../domain/routing/index.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ConversationsRepo } from '../store/conversations-repo.js';
import type { Store } from '../store/db.js';
import { DistributionRepo, type HeldItem, type WorkItem } from '../store/distribution-repo.js';
import type { Database } from '../store/schema.js';
import { summarize, type EventBus, type HubEvent, type OfferView } from './event-bus.js';
import type { Lifecycle, LifecycleEvent } from './lifecycle.js';
import { readAgentRouting, readQueueRouting, readWorkstreamRouting, type OverflowAction, type QueueRouting, type WorkstreamRouting } from './routing-settings.js';

export interface DistributionDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  lifecycle: Lifecycle;
  random?: () => number;
  /** Safety-net pass interval (other processes' changes, timers); default 1 s. */
  tickMs?: number;
}

type WorkItemState = 'active' | 'waiting' | 'wrapup';

/** Effects of a pass, announced after its commit. */
interface Outbox {
  events: HubEvent[];
  lifecycle: LifecycleEvent[];
}

export class DistributionService {
  private chain: Promise<void> = Promise.resolve();
  private pending = false;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private unsubscribe: (() => void) | undefined;
  private lastTimers = Number.NEGATIVE_INFINITY;

  constructor(private readonly d: DistributionDeps) {}

  start(): void {
    this.running = true;
    this.unsubscribe = this.d.bus.subscribe((e) => {
      if (e.type === 'conversation.created' || e.type === 'presence.updated') this.poke();
      else if (e.type === 'conversation.updated' && e.conversation.state !== 'active') this.poke();
    });
    this.tick();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.chain;
  }

  private tick(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.poke();
      this.tick();
    }, this.d.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Something changed: run a pass soon (coalesced with any pass already waiting). */
  poke(): void {
    if (this.pending) return;
    this.pending = true;
    this.chain = this.chain.then(async () => {
      this.pending = false;
      try {
        await this.pass();
      } catch (err) {
        this.d.log.error({ err }, 'distribution pass failed; the next poke retries');
      }
    });
  }

  /** Waits until every pass asked for so far has run (tests, shutdown). */
  async settle(): Promise<void> {
    let last: Promise<void>;
    do {
      last = this.chain;
      await last;
    } while (last !== this.chain);
  }

  /** Runs `fn` in a transaction holding the distribution lock, then announces its effects. */
  async locked<T>(fn: (repo: DistributionRepo, trx: Kysely<Database>, out: Outbox) => Promise<T>): Promise<T> {
    const out: Outbox = { events: [], lifecycle: [] };
    const result = await this.d.store.db.transaction().execute(async (trx) => {
      const repo = new DistributionRepo(trx, this.d.store.dialect);
      await repo.lock();
      return fn(repo, trx, out);
    });
    for (const e of out.events) this.d.bus.publish(e);
    for (const e of out.lifecycle) this.d.lifecycle.emit(e);
    return result;
  }

  /** One pass: lifecycle timers (at most once a second), expire due offers, route new conversations, offer work. */
  async pass(): Promise<void> {
    await this.locked(async (repo, trx, out) => {
      const now = this.d.clock.now();
      if (now - this.lastTimers >= 1000 || now < this.lastTimers) {
        this.lastTimers = now;
        await this.closeStale(repo, trx, now, out);
      }
      await this.expireOffers(repo, trx, now, out);
      await this.routeNew(repo, trx, now, out);
      await this.assign(repo, trx, now, out);
    });
  }

  /**
   * A bot hands the conversation to people (escalation): it is routed like a new one, with the
   * variables the bot set available to the routing rules; the transcript stays in the conversation.
   */
  async handOverFromBot(conversationId: string, variables: Record<string, unknown>): Promise<void> {
    await this.locked(async (repo) => {
      const item = await repo.item(conversationId);
      if (!item || item.botId === null) return;
      const prior = (item.context.variables ?? {}) as Record<string, unknown>;
      await repo.resetRouting(conversationId, { ...item.context, botDone: true, variables: { ...prior, ...variables } }, this.d.clock.now());
    });
    this.poke();
  }

  /** Runs the timers now (tests move a manual clock, then call this), then a pass. */
  async runTimers(): Promise<void> {
    await this.settle();
    this.lastTimers = Number.NEGATIVE_INFINITY;
    await this.pass();
  }

  /** Wrap-up, Waiting and inactivity auto-close, per workstream. */
  private async closeStale(repo: DistributionRepo, trx: Kysely<Database>, now: number, out: Outbox): Promise<void> {
    const convRepo = new ConversationsRepo(trx);
    for (const ws of await repo.allWorkstreams()) {
      const r = readWorkstreamRouting(ws.settings);
      const rules: Array<[WorkItemState, 'last_message_at' | 'updated_at' | 'wrapup_at', number | undefined, string]> = [
        ['wrapup', 'wrapup_at', r.wrapUpAutoCloseSec, 'wrap-up time ended'],
        ['waiting', 'updated_at', r.waitingAutoCloseSec, 'waiting too long'],
        ['active', 'last_message_at', r.autoCloseAfterInactivitySec, 'inactivity'],
      ];
      for (const [state, column, seconds, reason] of rules) {
        if (seconds === undefined) continue;
        for (const item of await repo.stale(state, column, ws.id, now - seconds * 1000)) {
          const closed = await convRepo.transition(item.id, state, 'closed', {}, now);
          if (!closed) continue;
          await repo.setCloseReason(item.id, reason);
          await repo.endParticipations(item.id, now);
          out.events.push({ type: 'conversation.updated', conversation: summarize(closed) });
          out.lifecycle.push({ type: 'closed', conversationId: item.id, reason });
        }
      }
    }
  }

  private async expireOffers(repo: DistributionRepo, trx: Kysely<Database>, now: number, out: Outbox): Promise<void> {
    for (const o of await repo.dueOffers(now)) {
      if (!(await repo.decideOffer(o.id, 'expired', now))) continue;
      const conv = await new ConversationsRepo(trx).getConversation(o.conversationId);
      if (conv) out.events.push({ type: 'offer.ended', offer: { ...offerView(o), state: 'expired' }, conversation: summarize(conv) });
    }
  }

  // --- routing -------------------------------------------------------------------------

  private async routeNew(repo: DistributionRepo, trx: Kysely<Database>, now: number, out: Outbox): Promise<void> {
    const items = await repo.unrouted();
    if (items.length === 0) return;
    const workstreams = new Map((await repo.workstreams([...new Set(items.map((i) => i.workstreamId))])).map((w) => [w.id, w]));
    for (const item of items) {
      const ws = workstreams.get(item.workstreamId);
      if (!ws) continue;
      const settings = readWorkstreamRouting(ws.settings);
      if (settings.botId && item.context.botDone !== true) {
        await repo.setBot(item.id, settings.botId, now);
        out.lifecycle.push({ type: 'bot_engaged', conversationId: item.id, botId: settings.botId });
        continue;
      }
      await this.routeOne(repo, trx, item, settings, ws.fallbackQueueId, now, out);
    }
  }

  private async routeOne(
    repo: DistributionRepo,
    trx: Kysely<Database>,
    item: WorkItem,
    ws: WorkstreamRouting,
    fallbackQueueId: string,
    now: number,
    out: Outbox,
  ): Promise<void> {
    // Rules may also read the customer's phone number and the linked contact's fields.
    const facts = await repo.customerFacts(item.id);
    const classified = classify(ws.classification, { ...facts, ...item.context });
    const candidateQueues = new Set<string>([fallbackQueueId]);
    for (const rule of ws.routeToQueue?.rules ?? []) {
      if ('queueId' in rule && rule.queueId) candidateQueues.add(rule.queueId);
      if ('split' in rule && rule.split) for (const s of rule.split) candidateQueues.add(s.queueId);
    }
    const queues = new Map((await repo.queueRows([...candidateQueues])).map((q) => [q.id, { ...q, routing: readQueueRouting(q.settings) }]));
    const full = new Set<string>();
    for (const [id, q] of queues) {
      const limit = q.routing.overflow.beforeQueue?.maxItems;
      if (limit !== undefined && (await repo.countOpenInQueue(id)) >= limit) full.add(id);
    }
    const routed = routeToQueue(ws.routeToQueue, classified.context, {
      fallbackQueueId,
      isOverflowing: (id) => full.has(id) || !queues.has(id),
      random: this.d.random ?? Math.random,
    });
    let queueId = routed.queueId;
    const queue = queues.get(queueId);
    // The fallback queue is never skipped by the rules; its own before-queue overflow still applies.
    const overflowAction = full.has(queueId) ? queue?.routing.overflow.beforeQueue?.then : undefined;
    const units = ws.capacity.mode === 'units' ? ws.capacity.units : 1;
    const capacityProfile = classified.capacityProfile ?? (ws.capacity.mode === 'profile' ? ws.capacity.profile : null);
    const context = { ...classified.context, routing: { queueId, ruleId: routed.ruleId ?? null, reason: routed.reason } };
    await repo.setRouting(item.id, {
      queueId,
      units,
      capacityProfile,
      priority: classified.priority ?? null,
      requiredSkills: classified.skills,
      context,
      at: now,
    });
    if (overflowAction) {
      queueId = (await this.applyOverflow(repo, trx, { ...item, queueId }, overflowAction, 'the queue is full', now, out)) ?? queueId;
    }
    const routedItem = await repo.item(item.id);
    if (!routedItem || routedItem.state !== 'open') return;
    const position = await repo.positionInQueue(routedItem);
    out.lifecycle.push({ type: 'queued', conversationId: item.id, queueId, position });
    // Queued while the queue is closed: announced once, here (assignment passes only wait or overflow).
    const hours = (queues.get(queueId)?.routing ?? readQueueRouting((await repo.queueRows([queueId]))[0]?.settings)).operatingHours;
    const open = hours ? isOpen(hours, now) : undefined;
    if (open && !open.open) out.lifecycle.push({ type: 'out_of_hours', conversationId: item.id, queueId, ...(open.holiday ? { holiday: open.holiday } : {}) });
    const conv = await new ConversationsRepo(trx).getConversation(item.id);
    if (conv) out.events.push({ type: 'conversation.updated', conversation: summarize(conv) });
  }

  /** Transfer, end, or let it be assigned anyway; returns the new queue when transferred. */
  private async applyOverflow(
    repo: DistributionRepo,
    trx: Kysely<Database>,
    item: WorkItem,
    action: OverflowAction,
    why: string,
    now: number,
    out: Outbox,
  ): Promise<string | undefined> {
    if (action.action === 'transfer') {
      await repo.moveToQueue(item.id, action.queueId, now);
      out.lifecycle.push({ type: 'transferred', conversationId: item.id, toQueueId: action.queueId });
      return action.queueId;
    }
    if (action.action === 'end') {
      const closed = await new ConversationsRepo(trx).transition(item.id, 'open', 'closed', {}, now);
      await repo.setCloseReason(item.id, `overflow: ${why}`);
      if (closed) {
        out.events.push({ type: 'conversation.updated', conversation: summarize(closed) });
        out.lifecycle.push({ type: 'assignment_failed', conversationId: item.id, reason: why });
        out.lifecycle.push({ type: 'closed', conversationId: item.id, reason: 'overflow' });
      }
    }
    return undefined;
  }

  // --- assignment ----------------------------------------------------------------------

  private async assign(repo: DistributionRepo, trx: Kysely<Database>, now: number, out: Outbox): Promise<void> {
    const queueIds = await repo.pushQueueIds();
    if (queueIds.length === 0) return;
    const queues = new Map((await repo.queueRows(queueIds)).map((q) => [q.id, { ...q, routing: readQueueRouting(q.settings) }]));
    const members = await repo.members(queueIds);
    const agentIds = [...new Set([...members.values()].flat())];
    const agents = new Map((await repo.agents(agentIds)).map((a) => [a.id, a]));
    const held = await repo.held(agentIds);
    const allWs = new Map((await repo.workstreams([...new Set(held.map((h) => h.workstreamId))])).map((w) => [w.id, readWorkstreamRouting(w.settings)]));
    const loads = new Map<string, WorkLoad[]>();
    for (const h of held) {
      if (!holdsCapacity(h, allWs.get(h.workstreamId), now)) continue;
      (loads.get(h.agentId) ?? loads.set(h.agentId, []).get(h.agentId)!).push(workLoad(h));
    }
    // Each agent's settings parsed once per pass, and the (queue, workstream, workload) kinds that no
    // member can take now. Presence is read once and loads only grow during a pass, so once nobody
    // in a queue can take an item, nobody can take a like item later in the same pass: skip those
    // before asking the database for their declines (two queries per waiting item otherwise).
    const routingOf = new Map([...agents.values()].map((a) => [a.id, readAgentRouting(a.routing)]));
    const saturated = new Set<string>();
    // Waiting items are read only from queues where something can happen: a member (not offline,
    // not disabled) has capacity left, or the queue has rules that act whatever the agents' load
    // (operating hours, after-queue overflow). With every agent full, a pass reads no items at all.
    const reachable = queueIds.filter((id) => {
      const q = queues.get(id);
      if (!q || q.routing.operatingHours || q.routing.overflow.afterQueue) return true;
      return (members.get(id) ?? []).some((agentId) => {
        const a = agents.get(agentId);
        return a !== undefined && !a.disabled && a.presence !== 'offline' && !isFull(routingOf.get(agentId)!.capacity, loads.get(agentId) ?? []);
      });
    });
    const waiting = await repo.waiting(reachable);
    if (waiting.length === 0) return;
    const wsRows = await repo.workstreams([...new Set(waiting.map((i) => i.workstreamId))]);
    const workstreams = new Map(wsRows.map((w) => [w.id, { ...w, routing: readWorkstreamRouting(w.settings) }]));
    const ordered = orderWorkItems(
      waiting.map((w) => ({ ...w, queuePriority: queues.get(w.queueId)?.priority ?? 0, itemPriority: w.priority, lastCustomerInteractionAt: w.lastCustomerAt })),
    );
    for (const item of ordered) {
      const queue = queues.get(item.queueId);
      const ws = workstreams.get(item.workstreamId);
      if (!queue || !ws || ws.mode !== 'push') continue;
      let ignoreCapacity = false;
      const hours = queue.routing.operatingHours ? isOpen(queue.routing.operatingHours, now) : undefined;
      if (hours && !hours.open) {
        if (queue.routing.outOfHours.action === 'wait') continue;
        if (queue.routing.outOfHours.action !== 'assign_anyway') {
          await this.applyOverflow(repo, trx, item, queue.routing.outOfHours as OverflowAction, 'out of operating hours', now, out);
          continue;
        }
      }
      const after = queue.routing.overflow.afterQueue;
      if (after && item.queuedAt !== null && now - item.queuedAt > after.maxWaitSec * 1000) {
        if (after.then.action === 'assign_anyway') ignoreCapacity = true;
        else {
          await this.applyOverflow(repo, trx, item, after.then, `waited over ${after.maxWaitSec} s`, now, out);
          continue;
        }
      }
      const itemLoad = workLoad({ units: item.units, capacityProfile: item.capacityProfile });
      const allowedPresences = ws.routing.allowedPresences.filter((p) => p !== 'offline');
      const pool = (members.get(item.queueId) ?? []).map((id) => agents.get(id)).filter((a): a is NonNullable<typeof a> => a !== undefined && !a.disabled);
      const kind = `${item.queueId}\u0000${ws.id}\u0000${item.units}\u0000${item.capacityProfile ?? ''}`;
      if (!ignoreCapacity) {
        if (saturated.has(kind)) continue;
        // chooseAgent would exclude every member on presence or capacity alone.
        const anyFits = pool.some(
          (a) => isAssignablePresence(a.presence as BasePresence, allowedPresences) && checkCapacity(routingOf.get(a.id)!.capacity, loads.get(a.id) ?? [], itemLoad).ok,
        );
        if (!anyFits) {
          saturated.add(kind);
          continue;
        }
      }
      const declines = await repo.declines(item.id);
      // Decline or timeout → the next agent: whoever just refused it is not asked again for one
      // offer period (they are again later, until maxDeclines).
      const cooling = await repo.recentRefusals(item.id, now - ws.routing.offerTimeoutSec * 1000);
      const candidates: AgentCandidate[] = pool
        .filter((a) => !cooling.has(a.id))
        .map((a) => {
          const routing = routingOf.get(a.id)!;
          return {
            agentId: a.id,
            presence: a.presence as BasePresence,
            capacity: ignoreCapacity ? { mode: 'units', total: Number.MAX_SAFE_INTEGER } : routing.capacity,
            load: loads.get(a.id) ?? [],
            skills: routing.skills,
            lastAssignedAt: a.lastAssignedAt,
            declinedCount: declines[a.id] ?? 0,
          };
        });
      const choice = chooseAgent(candidates, {
        method: queue.routing.assignmentMethod,
        allowedPresences,
        requiredSkills: item.requiredSkills,
        item: itemLoad,
        maxDeclines: ws.routing.maxDeclines,
        ...(queue.rrCursor ? { roundRobinCursor: queue.rrCursor } : {}),
        now,
      });
      if (choice.agentId === null) continue;
      const offer = await repo.createOffer(item.id, choice.agentId, now, now + ws.routing.offerTimeoutSec * 1000);
      if (!offer) continue;
      (loads.get(choice.agentId) ?? loads.set(choice.agentId, []).get(choice.agentId)!).push(
        workLoad({ units: item.units, capacityProfile: item.capacityProfile }),
      );
      queue.rrCursor = choice.agentId;
      await repo.setRrCursor(queue.id, choice.agentId);
      const conv = await new ConversationsRepo(trx).getConversation(item.id);
      if (conv) {
        out.events.push({
          type: 'offer.created',
          offer: {
            ...offerView(offer),
            customerName: typeof item.context.customerName === 'string' ? item.context.customerName : null,
            channel: typeof item.context.channel === 'string' ? item.context.channel : null,
            queueName: queue.name,
            firstMessage: typeof item.context.firstMessage === 'string' ? item.context.firstMessage : null,
          },
          conversation: summarize(conv),
        });
      }
    }
  }
}

export function offerView(o: { id: string; conversationId: string; agentId: string; state: string; offeredAt: number; expiresAt: number }): OfferView {
  return { id: o.id, conversationId: o.conversationId, agentId: o.agentId, state: o.state, offeredAt: o.offeredAt, expiresAt: o.expiresAt };
}

function workLoad(h: { units: number; capacityProfile: string | null }): WorkLoad {
  return { units: h.units, ...(h.capacityProfile ? { profile: h.capacityProfile } : {}) };
}

/** Whether a held item takes the agent's capacity now (wrap-up blocking per workstream). */
export function holdsCapacity(h: HeldItem, ws: WorkstreamRouting | undefined, now: number): boolean {
  if (h.state !== 'wrapup') return true;
  const blocking = ws?.wrapUpBlocking ?? 'always';
  if (blocking === 'always') return true;
  if (blocking === 'never') return false;
  return h.wrapupAt !== null && now - h.wrapupAt < blocking.seconds * 1000;
}

export type { QueueRouting };
