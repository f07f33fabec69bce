/**
 * Routing configuration: queues and their members, workstreams, channel instances. JSON settings
 * are parsed here and passed through; the routing-config service validates them.
 * Channel instances are soft-deleted (conversations keep pointing at them); queues and workstreams
 * are deleted for real, and the service refuses while something still refers to them.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ChannelInstancesTable, Database, QueuesTable, WorkstreamsTable } from './schema.js';

export interface Queue {
  id: string;
  name: string;
  priority: number;
  createdAt: number;
}

export interface Workstream {
  id: string;
  name: string;
  mode: 'push' | 'pick';
  fallbackQueueId: string;
  settings: Record<string, unknown>;
  createdAt: number;
}

export interface ChannelInstance {
  id: string;
  accountId: string;
  workstreamId: string;
  name: string;
  language: string;
  /** Provider address served (a WhatsApp number...); '' for the account's default instance. */
  address: string;
  settings: Record<string, unknown>;
  createdAt: number;
  deletedAt: number | null;
}

export type QueuePatch = Partial<Pick<Queue, 'name' | 'priority'>>;
export type WorkstreamPatch = Partial<Pick<Workstream, 'name' | 'fallbackQueueId' | 'settings'>>;
export type ChannelInstancePatch = Partial<
  Pick<ChannelInstance, 'workstreamId' | 'name' | 'language' | 'address' | 'settings'>
>;

function parseObject(text: string): Record<string, unknown> {
  const v: unknown = JSON.parse(text);
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function toQueue(r: Selectable<QueuesTable>): Queue {
  return { id: r.id, name: r.name, priority: Number(r.priority), createdAt: Number(r.created_at) };
}

function toWorkstream(r: Selectable<WorkstreamsTable>): Workstream {
  return {
    id: r.id,
    name: r.name,
    mode: r.mode,
    fallbackQueueId: r.fallback_queue_id,
    settings: parseObject(r.settings),
    createdAt: Number(r.created_at),
  };
}

function toInstance(r: Selectable<ChannelInstancesTable>): ChannelInstance {
  return {
    id: r.id,
    accountId: r.account_id,
    workstreamId: r.workstream_id,
    name: r.name,
    language: r.language,
    address: r.address,
    settings: parseObject(r.settings),
    createdAt: Number(r.created_at),
    deletedAt: r.deleted_at === null ? null : Number(r.deleted_at),
  };
}

export class RoutingConfigRepo {
  /** Pass a transaction to take part in it. */
  constructor(private readonly db: Kysely<Database>) {}

  /** Runs `fn` in one transaction with a repository bound to it. */
  async transaction<T>(fn: (repo: RoutingConfigRepo) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new RoutingConfigRepo(trx)));
  }

  // ── queues ────────────────────────────────────────────────────────────────────────────────
  async insertQueue(q: Queue): Promise<Queue> {
    await this.db
      .insertInto('queues')
      .values({ id: q.id, name: q.name, priority: q.priority, created_at: q.createdAt })
      .execute();
    return { ...q };
  }

  async getQueue(id: string): Promise<Queue | undefined> {
    const r = await this.db.selectFrom('queues').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toQueue(r) : undefined;
  }

  /** By priority (lower number first), then name. */
  async listQueues(): Promise<Queue[]> {
    const rows = await this.db.selectFrom('queues').selectAll().orderBy('priority').orderBy('name').orderBy('id').execute();
    return rows.map(toQueue);
  }

  async updateQueue(id: string, patch: QueuePatch): Promise<Queue | undefined> {
    const set: Partial<Selectable<QueuesTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.priority !== undefined) set.priority = patch.priority;
    if (Object.keys(set).length > 0) await this.db.updateTable('queues').set(set).where('id', '=', id).execute();
    return this.getQueue(id);
  }

  /** Deletes the queue and its memberships; false when missing. */
  async deleteQueue(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('queues').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** Workstreams whose fallback queue this is. */
  async workstreamsUsingQueue(queueId: string): Promise<Workstream[]> {
    const rows = await this.db.selectFrom('workstreams').selectAll().where('fallback_queue_id', '=', queueId).execute();
    return rows.map(toWorkstream);
  }

  // ── queue members ─────────────────────────────────────────────────────────────────────────
  /** Idempotent. */
  async addMember(queueId: string, userId: string): Promise<void> {
    await this.db
      .insertInto('queue_members')
      .values({ queue_id: queueId, user_id: userId })
      .onConflict((oc) => oc.columns(['queue_id', 'user_id']).doNothing())
      .execute();
  }

  /** False when the user was not a member. */
  async removeMember(queueId: string, userId: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('queue_members')
      .where('queue_id', '=', queueId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async listMembers(queueId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('queue_members')
      .select('user_id')
      .where('queue_id', '=', queueId)
      .orderBy('user_id')
      .execute();
    return rows.map((r) => r.user_id);
  }

  /** The queues a user belongs to, by priority. */
  async listQueuesOfUser(userId: string): Promise<Queue[]> {
    const rows = await this.db
      .selectFrom('queues')
      .innerJoin('queue_members', 'queue_members.queue_id', 'queues.id')
      .selectAll('queues')
      .where('queue_members.user_id', '=', userId)
      .orderBy('queues.priority')
      .orderBy('queues.name')
      .orderBy('queues.id')
      .execute();
    return rows.map(toQueue);
  }

  async userExists(userId: string): Promise<boolean> {
    const r = await this.db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst();
    return r !== undefined;
  }

  // ── workstreams ───────────────────────────────────────────────────────────────────────────
  async insertWorkstream(w: Workstream): Promise<Workstream> {
    await this.db
      .insertInto('workstreams')
      .values({
        id: w.id,
        name: w.name,
        mode: w.mode,
        fallback_queue_id: w.fallbackQueueId,
        settings: JSON.stringify(w.settings),
        created_at: w.createdAt,
      })
      .execute();
    return { ...w };
  }

  async getWorkstream(id: string): Promise<Workstream | undefined> {
    const r = await this.db.selectFrom('workstreams').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toWorkstream(r) : undefined;
  }

  async listWorkstreams(): Promise<Workstream[]> {
    const rows = await this.db.selectFrom('workstreams').selectAll().orderBy('name').orderBy('id').execute();
    return rows.map(toWorkstream);
  }

  /** The mode is fixed after creation, so it cannot be patched here. */
  async updateWorkstream(id: string, patch: WorkstreamPatch): Promise<Workstream | undefined> {
    const set: Partial<Selectable<WorkstreamsTable>> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.fallbackQueueId !== undefined) set.fallback_queue_id = patch.fallbackQueueId;
    if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
    if (Object.keys(set).length > 0) await this.db.updateTable('workstreams').set(set).where('id', '=', id).execute();
    return this.getWorkstream(id);
  }

  async deleteWorkstream(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('workstreams').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** How many channel instances (deleted ones too, unless told) point at a workstream. */
  async countInstancesOfWorkstream(workstreamId: string, opts: { includeDeleted?: boolean } = {}): Promise<number> {
    let q = this.db
      .selectFrom('channel_instances')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('workstream_id', '=', workstreamId);
    if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
    const r = await q.executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  // ── channel instances ─────────────────────────────────────────────────────────────────────
  async insertChannelInstance(c: Omit<ChannelInstance, 'deletedAt'>): Promise<ChannelInstance> {
    await this.db
      .insertInto('channel_instances')
      .values({
        id: c.id,
        account_id: c.accountId,
        workstream_id: c.workstreamId,
        name: c.name,
        language: c.language,
        address: c.address,
        settings: JSON.stringify(c.settings),
        created_at: c.createdAt,
        deleted_at: null,
      })
      .execute();
    return { ...c, deletedAt: null };
  }

  async getChannelInstance(id: string, opts: { includeDeleted?: boolean } = {}): Promise<ChannelInstance | undefined> {
    let q = this.db.selectFrom('channel_instances').selectAll().where('id', '=', id);
    if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
    const r = await q.executeTakeFirst();
    return r ? toInstance(r) : undefined;
  }

  async listChannelInstances(
    opts: { accountId?: string; workstreamId?: string; includeDeleted?: boolean } = {},
  ): Promise<ChannelInstance[]> {
    let q = this.db.selectFrom('channel_instances').selectAll();
    if (opts.accountId !== undefined) q = q.where('account_id', '=', opts.accountId);
    if (opts.workstreamId !== undefined) q = q.where('workstream_id', '=', opts.workstreamId);
    if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(toInstance);
  }

  /** Updates a live instance; undefined when missing or deleted. */
  async updateChannelInstance(id: string, patch: ChannelInstancePatch): Promise<ChannelInstance | undefined> {
    const set: Partial<Selectable<ChannelInstancesTable>> = {};
    if (patch.workstreamId !== undefined) set.workstream_id = patch.workstreamId;
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.language !== undefined) set.language = patch.language;
    if (patch.address !== undefined) set.address = patch.address;
    if (patch.settings !== undefined) set.settings = JSON.stringify(patch.settings);
    if (Object.keys(set).length > 0) {
      await this.db
        .updateTable('channel_instances')
        .set(set)
        .where('id', '=', id)
        .where('deleted_at', 'is', null)
        .execute();
    }
    return this.getChannelInstance(id);
  }

  /** False when missing or already deleted. */
  async softDeleteChannelInstance(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('channel_instances')
      .set({ deleted_at: at })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /**
   * The live instance serving an account at an address: the one with exactly that address, else
   * the account's instance with address ''. Oldest first when several match.
   */
  async findChannelInstance(accountId: string, address = ''): Promise<ChannelInstance | undefined> {
    const addresses = address === '' ? [''] : [address, ''];
    const rows = await this.db
      .selectFrom('channel_instances')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('address', 'in', addresses)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const exact = rows.find((r) => r.address === address);
    const r = exact ?? rows.find((x) => x.address === '');
    return r ? toInstance(r) : undefined;
  }
}
