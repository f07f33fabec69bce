/**
 * What agents and supervisors do with routed work: accept or decline offers, pick from a queue,
 * transfer, consult, monitor, assign and force-close. Every action that touches capacity runs
 * under the distribution lock, so it cannot race a distribution pass or another hub process.
 */
import { checkCapacity, effectivePresence, isFull, type BasePresence, type WorkLoad } from '../domain/routing/index.js';
import { AppError } from '../errors.js';
import type { AuthUser } from '../http/route.js';
import type { Clock } from '../lib/clock.js';
import { ConversationsRepo, type Conversation } from '../store/conversations-repo.js';
import type { DistributionRepo } from '../store/distribution-repo.js';
import type { ConversationsService } from './conversations-service.js';
import { holdsCapacity, offerView, type DistributionService } from './distribution.js';
import { summarize } from './event-bus.js';
import { readAgentRouting, readWorkstreamRouting } from './routing-settings.js';

const isSupervisor = (u: AuthUser) => u.role === 'admin' || u.role === 'supervisor';

export interface AgentState {
  id: string;
  displayName: string;
  presence: string;
  presenceLabel: string | null;
  /** What others see: Busy when capacity is full. */
  effectivePresence: string;
  capacity: ReturnType<typeof readAgentRouting>['capacity'];
  load: WorkLoad[];
  conversations: number;
  full: boolean;
}

export class RoutingActions {
  constructor(
    private readonly d: {
      engine: DistributionService;
      conversations: ConversationsService;
      clock: Clock;
    },
  ) {}

  private async agentLoad(repo: DistributionRepo, agentId: string, now: number): Promise<WorkLoad[]> {
    const held = await repo.held([agentId]);
    const ws = new Map((await repo.workstreams([...new Set(held.map((h) => h.workstreamId))])).map((w) => [w.id, readWorkstreamRouting(w.settings)]));
    return held.filter((h) => holdsCapacity(h, ws.get(h.workstreamId), now)).map((h) => ({ units: h.units, ...(h.capacityProfile ? { profile: h.capacityProfile } : {}) }));
  }

  private async ensureCapacity(repo: DistributionRepo, agentId: string, item: { units: number; capacityProfile: string | null }, now: number, excludeConversation?: string): Promise<void> {
    const [agent] = await repo.agents([agentId]);
    if (!agent || agent.disabled) throw new AppError('not_found', `No agent ${agentId}`);
    const held = await repo.held([agentId]);
    const ws = new Map((await repo.workstreams([...new Set(held.map((h) => h.workstreamId))])).map((w) => [w.id, readWorkstreamRouting(w.settings)]));
    const load = held
      .filter((h) => h.conversationId !== excludeConversation && holdsCapacity(h, ws.get(h.workstreamId), now))
      .map((h) => ({ units: h.units, ...(h.capacityProfile ? { profile: h.capacityProfile } : {}) }));
    const check = checkCapacity(readAgentRouting(agent.routing).capacity, load, { units: item.units, ...(item.capacityProfile ? { profile: item.capacityProfile } : {}) });
    if (!check.ok) throw new AppError('conflict', `Not enough capacity: ${check.reason}`);
  }

  /** An agent accepts a push offer: the conversation becomes theirs. */
  async accept(user: AuthUser, offerId: string): Promise<Conversation> {
    const conv = await this.d.engine.locked(async (repo, trx, out) => {
      const now = this.d.clock.now();
      const offer = await repo.offer(offerId);
      if (!offer || offer.agentId !== user.id) throw new AppError('not_found', `No offer ${offerId}`);
      if (offer.state !== 'offered') throw new AppError('invalid_state', `The offer was ${offer.state}`);
      if (offer.expiresAt <= now) {
        await repo.decideOffer(offer.id, 'expired', now);
        throw new AppError('invalid_state', 'The offer expired');
      }
      const moved = await new ConversationsRepo(trx).transition(offer.conversationId, 'open', 'active', { agentId: user.id }, now);
      if (!moved) {
        await repo.decideOffer(offer.id, 'withdrawn', now);
        throw new AppError('conflict', 'The conversation is no longer waiting');
      }
      await repo.decideOffer(offer.id, 'accepted', now);
      await repo.touchAgent(user.id, now);
      out.events.push({ type: 'offer.ended', offer: { ...offerView(offer), state: 'accepted' }, conversation: summarize(moved) });
      out.events.push({ type: 'conversation.updated', conversation: summarize(moved) });
      out.lifecycle.push({ type: 'agent_assigned', conversationId: moved.id, agentId: user.id });
      return moved;
    });
    await this.d.conversations.signal(conv, 'representative_joined', user.id);
    return conv;
  }

  async decline(user: AuthUser, offerId: string): Promise<void> {
    await this.d.engine.locked(async (repo, trx, out) => {
      const offer = await repo.offer(offerId);
      if (!offer || offer.agentId !== user.id) throw new AppError('not_found', `No offer ${offerId}`);
      if (!(await repo.decideOffer(offer.id, 'declined', this.d.clock.now()))) throw new AppError('invalid_state', `The offer was ${offer.state}`);
      const conv = await new ConversationsRepo(trx).getConversation(offer.conversationId);
      if (conv) out.events.push({ type: 'offer.ended', offer: { ...offerView(offer), state: 'declined' }, conversation: summarize(conv) });
    });
    this.d.engine.poke();
  }

  async myOffers(user: AuthUser) {
    return this.d.engine.locked(async (repo) => (await repo.liveOffers({ agentId: user.id })).map(offerView));
  }

  /** Pick mode (and supervisors anywhere): take an open conversation, within capacity for agents. */
  async pick(user: AuthUser, conversationId: string): Promise<Conversation> {
    await this.d.conversations.load(user, conversationId);
    const conv = await this.d.engine.locked(async (repo, trx, out) => {
      const now = this.d.clock.now();
      const item = await repo.item(conversationId);
      if (!item) throw new AppError('not_found', `No conversation ${conversationId}`);
      if (item.state !== 'open') throw new AppError('invalid_state', `The conversation is ${item.state}, not open`);
      if (item.botId && !isSupervisor(user)) throw new AppError('invalid_state', 'A bot is handling this conversation');
      if (item.botId) await repo.setBot(conversationId, null, now);
      if (!isSupervisor(user)) await this.ensureCapacity(repo, user.id, item, now);
      for (const o of await repo.withdrawOffers(conversationId, now)) {
        out.events.push({ type: 'offer.ended', offer: { ...offerView(o), state: 'withdrawn' }, conversation: summarize((await new ConversationsRepo(trx).getConversation(conversationId))!) });
      }
      const moved = await new ConversationsRepo(trx).transition(conversationId, 'open', 'active', { agentId: user.id }, now);
      if (!moved) throw new AppError('conflict', 'Someone else took it');
      await repo.touchAgent(user.id, now);
      out.events.push({ type: 'conversation.updated', conversation: summarize(moved) });
      out.lifecycle.push({ type: 'agent_assigned', conversationId, agentId: user.id });
      return moved;
    });
    await this.d.conversations.signal(conv, 'representative_joined', user.id);
    return conv;
  }

  /** Transfer to a queue (back to Open there) or to an agent (who must have capacity). */
  async transfer(user: AuthUser, conversationId: string, to: { queueId: string } | { agentId: string }): Promise<Conversation> {
    const before = await this.d.conversations.load(user, conversationId);
    if (!isSupervisor(user) && before.agentId !== user.id) throw new AppError('forbidden', 'Only the assigned agent or a supervisor can transfer');
    if (before.state !== 'active' && before.state !== 'waiting' && before.state !== 'open') {
      throw new AppError('invalid_state', `Cannot transfer a conversation that is ${before.state}`);
    }
    const conv = await this.d.engine.locked(async (repo, trx, out) => {
      const now = this.d.clock.now();
      const convRepo = new ConversationsRepo(trx);
      await repo.withdrawOffers(conversationId, now);
      let moved: Conversation | undefined;
      if ('queueId' in to) {
        if ((await repo.queueRows([to.queueId])).length === 0) throw new AppError('bad_request', `No queue ${to.queueId}`);
        moved = await convRepo.transition(conversationId, before.state, 'open', { agentId: null, queueId: to.queueId }, now);
        if (moved) out.lifecycle.push({ type: 'transferred', conversationId, toQueueId: to.queueId });
      } else {
        const item = (await repo.item(conversationId))!;
        await this.ensureCapacity(repo, to.agentId, item, now, conversationId);
        moved = await convRepo.transition(conversationId, before.state, 'active', { agentId: to.agentId }, now);
        if (moved) {
          await repo.touchAgent(to.agentId, now);
          out.lifecycle.push({ type: 'transferred', conversationId, toAgentId: to.agentId });
        }
      }
      if (!moved) throw new AppError('conflict', 'The conversation changed meanwhile; reload it');
      out.events.push({ type: 'conversation.updated', conversation: summarize(moved) });
      return moved;
    });
    this.d.engine.poke();
    return conv;
  }

  /** Bring in another agent to advise; the consultant uses no capacity and the customer is unaware. */
  async consult(user: AuthUser, conversationId: string, agentId: string): Promise<void> {
    const c = await this.d.conversations.load(user, conversationId);
    if (!isSupervisor(user) && c.agentId !== user.id) throw new AppError('forbidden', 'Only the assigned agent can consult');
    await this.d.engine.locked(async (repo) => {
      if ((await repo.agents([agentId])).length === 0) throw new AppError('bad_request', `No agent ${agentId}`);
      if (!(await repo.isParticipant(conversationId, agentId))) await repo.addParticipant(conversationId, agentId, 'consult', this.d.clock.now());
    });
  }

  async monitor(user: AuthUser, conversationId: string): Promise<void> {
    if (!isSupervisor(user)) throw new AppError('forbidden', 'Only supervisors monitor');
    await this.d.conversations.load(user, conversationId);
    await this.d.engine.locked(async (repo) => {
      if (!(await repo.isParticipant(conversationId, user.id))) await repo.addParticipant(conversationId, user.id, 'monitor', this.d.clock.now());
    });
  }

  async participants(user: AuthUser, conversationId: string) {
    await this.d.conversations.load(user, conversationId);
    return this.d.engine.locked((repo) => repo.participants(conversationId));
  }

  /** A supervisor assigns an open (or someone else's) conversation to an agent. */
  async assign(user: AuthUser, conversationId: string, agentId: string): Promise<Conversation> {
    if (!isSupervisor(user)) throw new AppError('forbidden', 'Only supervisors assign');
    const c = await this.d.conversations.load(user, conversationId);
    if (c.state === 'open') {
      const conv = await this.d.engine.locked(async (repo, trx, out) => {
        const now = this.d.clock.now();
        await repo.withdrawOffers(conversationId, now);
        // A supervisor taking over from a bot ends the bot's part.
        await repo.setBot(conversationId, null, now);
        const moved = await new ConversationsRepo(trx).transition(conversationId, 'open', 'active', { agentId }, now);
        if (!moved) throw new AppError('conflict', 'The conversation changed meanwhile; reload it');
        await repo.touchAgent(agentId, now);
        out.events.push({ type: 'conversation.updated', conversation: summarize(moved) });
        out.lifecycle.push({ type: 'agent_assigned', conversationId, agentId });
        return moved;
      });
      await this.d.conversations.signal(conv, 'representative_joined', agentId);
      return conv;
    }
    return this.transfer(user, conversationId, { agentId });
  }

  async forceClose(user: AuthUser, conversationId: string): Promise<Conversation> {
    if (!isSupervisor(user)) throw new AppError('forbidden', 'Only supervisors force-close');
    const closed = await this.d.conversations.act(user, conversationId, 'close');
    this.d.engine.poke();
    return closed;
  }

  /** Agents with presence, effective presence (Busy when full) and load against capacity. */
  async agentStates(agentIds?: string[]): Promise<AgentState[]> {
    return this.d.engine.locked(async (repo) => {
      const now = this.d.clock.now();
      const ids = agentIds ?? [...new Set([...(await repo.members(await this.allQueueIds(repo))).values()].flat())];
      const agents = await repo.agents(ids);
      const out: AgentState[] = [];
      for (const a of agents) {
        const routing = readAgentRouting(a.routing);
        const load = await this.agentLoad(repo, a.id, now);
        const full = isFull(routing.capacity, load);
        out.push({
          id: a.id,
          displayName: a.displayName,
          presence: a.presence,
          presenceLabel: a.presenceLabel,
          effectivePresence: effectivePresence(a.presence as BasePresence, full),
          capacity: routing.capacity,
          load,
          conversations: load.length,
          full,
        });
      }
      return out;
    });
  }

  private async allQueueIds(repo: DistributionRepo): Promise<string[]> {
    return (await repo.allQueues()).map((q) => q.id);
  }
}
