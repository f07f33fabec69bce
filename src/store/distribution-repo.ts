/**
 * Queries of the distribution engine: work items, agents with their load, offers, queue cursors.
 * Every method runs on the Kysely instance it was built with (the engine's locked transaction).
 */
import { sql, type Kysely } from 'kysely';
import { newId } from '../lib/ids.js';
import type { Database, OffersTable } from './schema.js';
import type { Dialect } from './db.js';

export interface WorkItem {
  id: string;
  workstreamId: string;
  queueId: string;
  channelInstanceId: string;
  accountId: string;
  state: string;
  agentId: string | null;
  units: number;
  capacityProfile: string | null;
  priority: number | null;
  requiredSkills: Array<{ name: string; level?: number }>;
  context: Record<string, unknown>;
  lastCustomerAt: number | null;
  lastMessageAt: number;
  createdAt: number;
  queuedAt: number | null;
  routedAt: number | null;
  wrapupAt: number | null;
  botId: string | null;
}

export interface AgentRow {
  id: string;
  displayName: string;
  presence: string;
  presenceLabel: string | null;
  routing: unknown;
  lastAssignedAt: number | null;
  disabled: boolean;
}

export interface HeldItem {
  agentId: string;
  conversationId: string;
  state: string;
  units: number;
  capacityProfile: string | null;
  workstreamId: string;
  wrapupAt: number | null;
  /** 'conversation' for held conversations, 'offer' for pending offers (capacity reserved). */
  via: 'conversation' | 'offer';
}

export type OfferRow = {
  id: string;
  conversationId: string;
  agentId: string;
  state: OffersTable['state'];
  offeredAt: number;
  expiresAt: number;
  decidedAt: number | null;
};

const LOCK_KEY = 7_401_202_611; // arbitrary, fixed: "switchboard distribution"

function toItem(r: Record<string, unknown>): WorkItem {
  return {
    id: r.id as string,
    workstreamId: r.workstream_id as string,
    queueId: r.queue_id as string,
    channelInstanceId: r.channel_instance_id as string,
    accountId: r.account_id as string,
    state: r.state as string,
    agentId: (r.agent_id as string | null) ?? null,
    units: Number(r.units ?? 0),
    capacityProfile: (r.capacity_profile as string | null) ?? null,
    priority: r.priority == null ? null : Number(r.priority),
    requiredSkills: r.required_skills ? (JSON.parse(r.required_skills as string) as WorkItem['requiredSkills']) : [],
    context: JSON.parse(r.context as string) as Record<string, unknown>,
    lastCustomerAt: r.last_customer_at == null ? null : Number(r.last_customer_at),
    lastMessageAt: Number(r.last_message_at),
    createdAt: Number(r.created_at),
    queuedAt: r.queued_at == null ? null : Number(r.queued_at),
    routedAt: r.routed_at == null ? null : Number(r.routed_at),
    wrapupAt: r.wrapup_at == null ? null : Number(r.wrapup_at),
    botId: (r.bot_id as string | null) ?? null,
  };
}

const toOffer = (r: { id: string; conversation_id: string; agent_id: string; state: OfferRow['state']; offered_at: number; expires_at: number; decided_at: number | null }): OfferRow => ({
  id: r.id,
  conversationId: r.conversation_id,
  agentId: r.agent_id,
  state: r.state,
  offeredAt: Number(r.offered_at),
  expiresAt: Number(r.expires_at),
  decidedAt: r.decided_at == null ? null : Number(r.decided_at),
});

export class DistributionRepo {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Serializes distribution across hub processes (PostgreSQL advisory lock for this transaction). */
  async lock(): Promise<void> {
    if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(this.db);
  }

  async item(id: string): Promise<WorkItem | undefined> {
    const r = await this.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toItem(r as unknown as Record<string, unknown>) : undefined;
  }

  /** Open conversations not yet placed by the routing rules. */
  async unrouted(limit = 500): Promise<WorkItem[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('state', '=', 'open')
      .where('routed_at', 'is', null)
      .where('bot_id', 'is', null)
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => toItem(r as unknown as Record<string, unknown>));
  }

  /** Routed open conversations in the given queues without a live offer. */
  async waiting(queueIds: readonly string[]): Promise<WorkItem[]> {
    if (queueIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('state', '=', 'open')
      .where('routed_at', 'is not', null)
      .where('bot_id', 'is', null)
      .where('queue_id', 'in', [...queueIds])
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('offers').select('offers.id').whereRef('offers.conversation_id', '=', 'conversations.id').where('offers.state', '=', 'offered'))),
      )
      .execute();
    return rows.map((r) => toItem(r as unknown as Record<string, unknown>));
  }

  /**
   * What routing rules may read beyond the conversation's own context: the customer's phone
   * number (when the provider id is one, as on WhatsApp) and the linked contact's fields.
   */
  async customerFacts(conversationId: string): Promise<{ phone?: string; contact?: Record<string, unknown> }> {
    const r = await this.db
      .selectFrom('conversations')
      .innerJoin('identities', 'identities.id', 'conversations.identity_id')
      .leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .select(['identities.provider_user_id', 'contacts.id as contact_id', 'contacts.display_name', 'contacts.email', 'contacts.phone', 'contacts.fields'])
      .where('conversations.id', '=', conversationId)
      .executeTakeFirst();
    if (!r) return {};
    const phone = /^\+[1-9]\d{6,14}$/.test(r.provider_user_id) ? r.provider_user_id : (r.phone ?? undefined);
    const contact = r.contact_id
      ? { id: r.contact_id, displayName: r.display_name, email: r.email, phone: r.phone, ...(JSON.parse(r.fields ?? '{}') as Record<string, unknown>) }
      : undefined;
    return { ...(phone ? { phone } : {}), ...(contact ? { contact } : {}) };
  }

  async countOpenInQueue(queueId: string): Promise<number> {
    const r = await this.db
      .selectFrom('conversations')
      .select(sql<number>`count(*)`.as('n'))
      .where('queue_id', '=', queueId)
      .where('state', '=', 'open')
      .where('routed_at', 'is not', null)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  /** 1-based position of an open item in its queue (oldest customer interaction first). */
  async positionInQueue(item: WorkItem): Promise<number> {
    const since = item.lastCustomerAt ?? item.createdAt;
    const r = await this.db
      .selectFrom('conversations')
      .select(sql<number>`count(*)`.as('n'))
      .where('queue_id', '=', item.queueId)
      .where('state', '=', 'open')
      .where('routed_at', 'is not', null)
      .where(sql<number>`coalesce(last_customer_at, created_at)`, '<', since)
      .executeTakeFirst();
    return Number(r?.n ?? 0) + 1;
  }

  async setRouting(
    id: string,
    r: { queueId: string; units: number; capacityProfile: string | null; priority: number | null; requiredSkills: unknown[]; context: Record<string, unknown>; at: number },
  ): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({
        queue_id: r.queueId,
        units: r.units,
        capacity_profile: r.capacityProfile,
        priority: r.priority,
        required_skills: JSON.stringify(r.requiredSkills),
        context: JSON.stringify(r.context),
        routed_at: r.at,
        queued_at: r.at,
        updated_at: r.at,
      })
      .where('id', '=', id)
      .execute();
  }

  async moveToQueue(id: string, queueId: string, at: number): Promise<void> {
    await this.db.updateTable('conversations').set({ queue_id: queueId, queued_at: at, updated_at: at }).where('id', '=', id).execute();
  }

  /** The bot handed over: route it again (now to people), with the context the bot gathered. */
  async resetRouting(id: string, context: Record<string, unknown>, at: number): Promise<void> {
    await this.db
      .updateTable('conversations')
      .set({ bot_id: null, routed_at: null, context: JSON.stringify(context), updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async setBot(id: string, botId: string | null, at: number): Promise<void> {
    await this.db.updateTable('conversations').set({ bot_id: botId, updated_at: at }).where('id', '=', id).execute();
  }

  async members(queueIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (queueIds.length === 0) return out;
    const rows = await this.db.selectFrom('queue_members').select(['queue_id', 'user_id']).where('queue_id', 'in', [...queueIds]).execute();
    for (const r of rows) (out.get(r.queue_id) ?? out.set(r.queue_id, []).get(r.queue_id)!).push(r.user_id);
    return out;
  }

  async agents(ids: readonly string[]): Promise<AgentRow[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'display_name', 'presence', 'presence_label', 'routing', 'last_assigned_at', 'disabled'])
      .where('id', 'in', [...ids])
      .execute();
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      presence: r.presence,
      presenceLabel: r.presence_label,
      routing: JSON.parse(r.routing) as unknown,
      lastAssignedAt: r.last_assigned_at == null ? null : Number(r.last_assigned_at),
      disabled: r.disabled === 1,
    }));
  }

  /** What agents hold: active, waiting and wrap-up conversations, plus pending offers (reserved capacity). */
  async held(agentIds: readonly string[]): Promise<HeldItem[]> {
    if (agentIds.length === 0) return [];
    const convs = await this.db
      .selectFrom('conversations')
      .select(['agent_id', 'id', 'state', 'units', 'capacity_profile', 'workstream_id', 'wrapup_at'])
      .where('agent_id', 'in', [...agentIds])
      .where('state', 'in', ['active', 'waiting', 'wrapup'])
      .execute();
    const offers = await this.db
      .selectFrom('offers')
      .innerJoin('conversations', 'conversations.id', 'offers.conversation_id')
      .select(['offers.agent_id', 'conversations.id', 'conversations.units', 'conversations.capacity_profile', 'conversations.workstream_id'])
      .where('offers.agent_id', 'in', [...agentIds])
      .where('offers.state', '=', 'offered')
      .execute();
    return [
      ...convs.map((c) => ({
        agentId: c.agent_id!,
        conversationId: c.id,
        state: c.state,
        units: Number(c.units ?? 0),
        capacityProfile: c.capacity_profile,
        workstreamId: c.workstream_id,
        wrapupAt: c.wrapup_at == null ? null : Number(c.wrapup_at),
        via: 'conversation' as const,
      })),
      ...offers.map((o) => ({
        agentId: o.agent_id,
        conversationId: o.id,
        state: 'offered',
        units: Number(o.units ?? 0),
        capacityProfile: o.capacity_profile,
        workstreamId: o.workstream_id,
        wrapupAt: null,
        via: 'offer' as const,
      })),
    ];
  }

  async queueRows(ids: readonly string[]): Promise<Array<{ id: string; name: string; priority: number; settings: unknown; rrCursor: string | null }>> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('queues').select(['id', 'name', 'priority', 'settings', 'rr_cursor']).where('id', 'in', [...ids]).execute();
    return rows.map((r) => ({ id: r.id, name: r.name, priority: r.priority, settings: JSON.parse(r.settings) as unknown, rrCursor: r.rr_cursor }));
  }

  async pushQueueIds(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .innerJoin('workstreams', 'workstreams.id', 'conversations.workstream_id')
      .select('conversations.queue_id')
      .distinct()
      .where('conversations.state', '=', 'open')
      .where('workstreams.mode', '=', 'push')
      .where('conversations.queue_id', 'is not', null)
      .execute();
    return rows.map((r) => r.queue_id!);
  }

  async workstreams(ids: readonly string[]): Promise<Array<{ id: string; name: string; mode: string; fallbackQueueId: string; settings: unknown }>> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('workstreams').selectAll().where('id', 'in', [...ids]).execute();
    return rows.map((r) => ({ id: r.id, name: r.name, mode: r.mode, fallbackQueueId: r.fallback_queue_id, settings: JSON.parse(r.settings) as unknown }));
  }

  async allQueues(): Promise<Array<{ id: string; name: string; priority: number }>> {
    return this.db.selectFrom('queues').select(['id', 'name', 'priority']).orderBy('priority').orderBy('name').execute();
  }

  /** Waiting items and the longest wait per queue. */
  async queueStats(now: number): Promise<Array<{ queueId: string; waiting: number; longestWaitMs: number }>> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['queue_id', sql<number>`count(*)`.as('n'), sql<number>`min(coalesce(queued_at, created_at))`.as('oldest')])
      .where('state', '=', 'open')
      .where('queue_id', 'is not', null)
      .groupBy('queue_id')
      .execute();
    return rows.map((r) => ({ queueId: r.queue_id!, waiting: Number(r.n), longestWaitMs: Math.max(0, now - Number(r.oldest)) }));
  }

  async setQueueRouting(queueId: string, settings: unknown): Promise<boolean> {
    const r = await this.db.updateTable('queues').set({ settings: JSON.stringify(settings) }).where('id', '=', queueId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setAgentRouting(userId: string, routing: unknown): Promise<boolean> {
    const r = await this.db.updateTable('users').set({ routing: JSON.stringify(routing) }).where('id', '=', userId).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setWorkstreamSettings(id: string, settings: unknown): Promise<boolean> {
    const r = await this.db.updateTable('workstreams').set({ settings: JSON.stringify(settings) }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async setPresence(userId: string, presence: string, label: string | null): Promise<void> {
    await this.db.updateTable('users').set({ presence, presence_label: label }).where('id', '=', userId).execute();
  }

  async setRrCursor(queueId: string, agentId: string): Promise<void> {
    await this.db.updateTable('queues').set({ rr_cursor: agentId }).where('id', '=', queueId).execute();
  }

  async touchAgent(agentId: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_assigned_at: at }).where('id', '=', agentId).execute();
  }

  // --- offers ---

  async createOffer(conversationId: string, agentId: string, at: number, expiresAt: number): Promise<OfferRow | undefined> {
    const row = await this.db
      .insertInto('offers')
      .values({ id: newId('ofr'), conversation_id: conversationId, agent_id: agentId, state: 'offered', offered_at: at, expires_at: expiresAt, decided_at: null })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst();
    return row && toOffer(row);
  }

  async offer(id: string): Promise<OfferRow | undefined> {
    const r = await this.db.selectFrom('offers').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toOffer(r);
  }

  async liveOffers(f: { agentId?: string; conversationId?: string }): Promise<OfferRow[]> {
    let q = this.db.selectFrom('offers').selectAll().where('state', '=', 'offered');
    if (f.agentId) q = q.where('agent_id', '=', f.agentId);
    if (f.conversationId) q = q.where('conversation_id', '=', f.conversationId);
    return (await q.orderBy('offered_at').execute()).map(toOffer);
  }

  async dueOffers(now: number): Promise<OfferRow[]> {
    return (await this.db.selectFrom('offers').selectAll().where('state', '=', 'offered').where('expires_at', '<=', now).execute()).map(toOffer);
  }

  /** Moves an offer out of 'offered'; false when it already left that state. */
  async decideOffer(id: string, state: Exclude<OfferRow['state'], 'offered'>, at: number): Promise<boolean> {
    const r = await this.db.updateTable('offers').set({ state, decided_at: at }).where('id', '=', id).where('state', '=', 'offered').executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async withdrawOffers(conversationId: string, at: number): Promise<OfferRow[]> {
    const live = await this.liveOffers({ conversationId });
    for (const o of live) await this.decideOffer(o.id, 'withdrawn', at);
    return live;
  }

  /** Declined or expired offers of one conversation, per agent. */
  async declines(conversationId: string): Promise<Record<string, number>> {
    const rows = await this.db
      .selectFrom('offers')
      .select(['agent_id', sql<number>`count(*)`.as('n')])
      .where('conversation_id', '=', conversationId)
      .where('state', 'in', ['declined', 'expired'])
      .groupBy('agent_id')
      .execute();
    return Object.fromEntries(rows.map((r) => [r.agent_id, Number(r.n)]));
  }

  /** Agents who declined or let expire an offer of this conversation since `since`. */
  async recentRefusals(conversationId: string, since: number): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('offers')
      .select('agent_id')
      .where('conversation_id', '=', conversationId)
      .where('state', 'in', ['declined', 'expired'])
      .where('decided_at', '>=', since)
      .execute();
    return new Set(rows.map((r) => r.agent_id));
  }

  async nextOfferExpiry(): Promise<number | undefined> {
    const r = await this.db.selectFrom('offers').select(sql<number | null>`min(expires_at)`.as('t')).where('state', '=', 'offered').executeTakeFirst();
    return r?.t == null ? undefined : Number(r.t);
  }

  // --- lifecycle timers ---

  /** Conversations in a state whose timestamp column is older than `before`, in the given workstream. */
  async stale(state: 'active' | 'waiting' | 'wrapup' | 'open', column: 'last_message_at' | 'updated_at' | 'wrapup_at' | 'queued_at', workstreamId: string, before: number): Promise<WorkItem[]> {
    const rows = await this.db
      .selectFrom('conversations')
      .selectAll()
      .where('state', '=', state)
      .where('workstream_id', '=', workstreamId)
      .where(column, '<', before)
      .limit(500)
      .execute();
    return rows.map((r) => toItem(r as unknown as Record<string, unknown>));
  }

  async setWrapupAt(id: string, at: number | null): Promise<void> {
    await this.db.updateTable('conversations').set({ wrapup_at: at }).where('id', '=', id).execute();
  }

  async setCloseReason(id: string, reason: string): Promise<void> {
    await this.db.updateTable('conversations').set({ close_reason: reason }).where('id', '=', id).execute();
  }

  async setAssignedAt(id: string, at: number): Promise<void> {
    await this.db.updateTable('conversations').set({ assigned_at: at }).where('id', '=', id).execute();
  }

  async allWorkstreams(): Promise<Array<{ id: string; mode: string; settings: unknown; fallbackQueueId: string }>> {
    const rows = await this.db.selectFrom('workstreams').select(['id', 'mode', 'settings', 'fallback_queue_id']).execute();
    return rows.map((r) => ({ id: r.id, mode: r.mode, settings: JSON.parse(r.settings) as unknown, fallbackQueueId: r.fallback_queue_id }));
  }

  // --- participants (consult, monitor) ---

  async addParticipant(conversationId: string, userId: string, role: 'consult' | 'monitor', at: number): Promise<void> {
    await this.db.insertInto('conversation_participants').values({ conversation_id: conversationId, user_id: userId, role, joined_at: at, left_at: null }).execute();
  }

  async participants(conversationId: string): Promise<Array<{ userId: string; role: string; joinedAt: number }>> {
    const rows = await this.db
      .selectFrom('conversation_participants')
      .select(['user_id', 'role', 'joined_at'])
      .where('conversation_id', '=', conversationId)
      .where('left_at', 'is', null)
      .execute();
    return rows.map((r) => ({ userId: r.user_id, role: r.role, joinedAt: Number(r.joined_at) }));
  }

  async endParticipations(conversationId: string, at: number, userId?: string): Promise<void> {
    let q = this.db.updateTable('conversation_participants').set({ left_at: at }).where('conversation_id', '=', conversationId).where('left_at', 'is', null);
    if (userId) q = q.where('user_id', '=', userId);
    await q.execute();
  }

  async isParticipant(conversationId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .selectFrom('conversation_participants')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('left_at', 'is', null)
      .executeTakeFirst();
    return r !== undefined;
  }
}
