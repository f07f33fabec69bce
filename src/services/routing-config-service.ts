/**
 * Routing configuration as an admin sets it up: queues (priority, members), workstreams (push or
 * pick, fallback queue) and channel instances (an account or one of its addresses, a language,
 * behaviours such as the attachment switches). Later features keep their own settings in the
 * passthrough `settings` objects.
 */
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type {
  ChannelInstance,
  ChannelInstancePatch,
  Queue,
  RoutingConfigRepo,
  Workstream,
  WorkstreamPatch,
} from '../store/routing-config-repo.js';

export type { ChannelInstance, Queue, Workstream } from '../store/routing-config-repo.js';

export interface RoutingConfigServiceDeps {
  repo: RoutingConfigRepo;
  /** Only asked whether an account exists (and is not deleted). */
  accounts: { get(id: string): Promise<unknown> };
  clock: Clock;
  /** Queue membership changed: distribution should look again at once. */
  onMembershipChange?: () => void;
  /** Called after workstreams or channel instances changed (whoever caches routes forgets them). */
  onRouteChange?: () => void;
}

const name = z.string().trim().min(1).max(200);
const settingsObject = z.record(z.string(), z.unknown());

/** BCP-47, stored in canonical case ('en-us' → 'en-US'). */
export const languageTag = z
  .string()
  .trim()
  .min(2)
  .max(35)
  .transform((v, ctx) => {
    try {
      const [canonical] = Intl.getCanonicalLocales(v);
      if (canonical) return canonical;
    } catch {
      // RangeError: not a well-formed language tag.
    }
    ctx.addIssue({ code: 'custom', message: 'must be a BCP-47 language tag such as en-US' });
    return z.NEVER;
  });

export const workstreamMode = z.enum(['push', 'pick']);

export const createQueueInput = z.object({ name, priority: z.number().int().min(0).max(1_000_000).default(0) });
export const updateQueueInput = z.object({ name: name.optional(), priority: z.number().int().min(0).max(1_000_000).optional() });

export const createWorkstreamInput = z.object({
  name,
  mode: workstreamMode,
  /** Omitted: a queue named "<name> fallback queue" is created, as Dynamics does. */
  fallbackQueueId: z.string().min(1).optional(),
  settings: settingsObject.default({}),
});
export const updateWorkstreamInput = z.object({
  name: name.optional(),
  /** Fixed after creation: sending another mode is refused; the same one is accepted. */
  mode: workstreamMode.optional(),
  fallbackQueueId: z.string().min(1).optional(),
  /** Replaces the settings object. */
  settings: settingsObject.optional(),
});

export const channelInstanceSettings = z.looseObject({
  customersCanSendAttachments: z.boolean().default(false),
  agentsCanSendAttachments: z.boolean().default(false),
});
export type ChannelInstanceSettings = z.infer<typeof channelInstanceSettings>;

export const createChannelInstanceInput = z.object({
  accountId: z.string().min(1),
  workstreamId: z.string().min(1),
  name,
  language: languageTag,
  address: z.string().trim().max(200).default(''),
  settings: channelInstanceSettings.default({ customersCanSendAttachments: false, agentsCanSendAttachments: false }),
});
export const updateChannelInstanceInput = z.object({
  workstreamId: z.string().min(1).optional(),
  name: name.optional(),
  language: languageTag.optional(),
  address: z.string().trim().max(200).optional(),
  /** Merged into the stored settings (top-level keys). */
  settings: settingsObject.optional(),
});

export type CreateQueueInput = z.input<typeof createQueueInput>;
export type UpdateQueueInput = z.input<typeof updateQueueInput>;
export type CreateWorkstreamInput = z.input<typeof createWorkstreamInput>;
export type UpdateWorkstreamInput = z.input<typeof updateWorkstreamInput>;
export type CreateChannelInstanceInput = z.input<typeof createChannelInstanceInput>;
export type UpdateChannelInstanceInput = z.input<typeof updateChannelInstanceInput>;

/** A channel instance with its settings' defaults applied. */
export type ChannelInstanceView = Omit<ChannelInstance, 'settings' | 'deletedAt'> & { settings: ChannelInstanceSettings };

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const message = r.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
    throw new AppError('bad_request', message, r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })));
  }
  return r.data;
}

export class RoutingConfigService {
  constructor(private readonly deps: RoutingConfigServiceDeps) {}

  // ── queues ────────────────────────────────────────────────────────────────────────────────
  async createQueue(input: CreateQueueInput): Promise<Queue> {
    const q = parse(createQueueInput, input);
    return this.deps.repo.insertQueue({ id: newId('q'), name: q.name, priority: q.priority, createdAt: this.deps.clock.now() });
  }

  listQueues(): Promise<Queue[]> {
    return this.deps.repo.listQueues();
  }

  /** The queues a user (an agent) belongs to. */
  listQueuesOfUser(userId: string): Promise<Queue[]> {
    return this.deps.repo.listQueuesOfUser(userId);
  }

  async getQueue(id: string): Promise<Queue> {
    const q = await this.deps.repo.getQueue(id);
    if (!q) throw new AppError('not_found', `No queue ${id}`);
    return q;
  }

  async updateQueue(id: string, input: UpdateQueueInput): Promise<Queue> {
    const patch = parse(updateQueueInput, input);
    const q = await this.deps.repo.updateQueue(id, patch);
    if (!q) throw new AppError('not_found', `No queue ${id}`);
    return q;
  }

  /** Refused (conflict) while a workstream falls back to it. Memberships go with it. */
  async deleteQueue(id: string): Promise<void> {
    await this.deps.repo.transaction(async (repo) => {
      const users = await repo.workstreamsUsingQueue(id);
      if (users.length > 0) {
        throw new AppError('conflict', `Queue ${id} is the fallback queue of ${users.map((w) => w.name).join(', ')}`);
      }
      if (!(await repo.deleteQueue(id))) throw new AppError('not_found', `No queue ${id}`);
    });
  }

  async listMembers(queueId: string): Promise<string[]> {
    await this.getQueue(queueId);
    return this.deps.repo.listMembers(queueId);
  }

  /** Idempotent. */
  async addMember(queueId: string, userId: string): Promise<void> {
    await this.getQueue(queueId);
    if (!(await this.deps.repo.userExists(userId))) throw new AppError('bad_request', `No user ${userId}`);
    await this.deps.repo.addMember(queueId, userId);
    this.deps.onMembershipChange?.();
  }

  async removeMember(queueId: string, userId: string): Promise<void> {
    await this.getQueue(queueId);
    if (!(await this.deps.repo.removeMember(queueId, userId))) {
      throw new AppError('not_found', `User ${userId} is not a member of queue ${queueId}`);
    }
  }

  // ── workstreams ───────────────────────────────────────────────────────────────────────────
  async createWorkstream(input: CreateWorkstreamInput): Promise<Workstream> {
    const w = parse(createWorkstreamInput, input);
    const now = this.deps.clock.now();
    return this.routesChanged(this.deps.repo.transaction(async (repo) => {
      let fallbackQueueId = w.fallbackQueueId;
      if (fallbackQueueId === undefined) {
        const q = await repo.insertQueue({ id: newId('q'), name: `${w.name} fallback queue`, priority: 0, createdAt: now });
        fallbackQueueId = q.id;
      } else if (!(await repo.getQueue(fallbackQueueId))) {
        throw new AppError('bad_request', `fallbackQueueId: no queue ${fallbackQueueId}`);
      }
      return repo.insertWorkstream({
        id: newId('ws'),
        name: w.name,
        mode: w.mode,
        fallbackQueueId,
        settings: w.settings,
        createdAt: now,
      });
    }));
  }

  listWorkstreams(): Promise<Workstream[]> {
    return this.deps.repo.listWorkstreams();
  }

  async getWorkstream(id: string): Promise<Workstream> {
    const w = await this.deps.repo.getWorkstream(id);
    if (!w) throw new AppError('not_found', `No workstream ${id}`);
    return w;
  }

  async updateWorkstream(id: string, input: UpdateWorkstreamInput): Promise<Workstream> {
    const p = parse(updateWorkstreamInput, input);
    return this.routesChanged(this.deps.repo.transaction(async (repo) => {
      const current = await repo.getWorkstream(id);
      if (!current) throw new AppError('not_found', `No workstream ${id}`);
      if (p.mode !== undefined && p.mode !== current.mode) {
        throw new AppError('bad_request', `mode: a workstream's mode is fixed after creation (this one is ${current.mode})`);
      }
      if (p.fallbackQueueId !== undefined && !(await repo.getQueue(p.fallbackQueueId))) {
        throw new AppError('bad_request', `fallbackQueueId: no queue ${p.fallbackQueueId}`);
      }
      const patch: WorkstreamPatch = {};
      if (p.name !== undefined) patch.name = p.name;
      if (p.fallbackQueueId !== undefined) patch.fallbackQueueId = p.fallbackQueueId;
      if (p.settings !== undefined) patch.settings = p.settings;
      const w = await repo.updateWorkstream(id, patch);
      if (!w) throw new AppError('not_found', `No workstream ${id}`);
      return w;
    }));
  }

  /**
   * Refused (conflict) while any channel instance, even a deleted one, points at it: deleted
   * instances keep their workstream so past conversations still make sense.
   */
  async deleteWorkstream(id: string): Promise<void> {
    await this.routesChanged(this.deps.repo.transaction(async (repo) => {
      if (!(await repo.getWorkstream(id))) throw new AppError('not_found', `No workstream ${id}`);
      const live = await repo.countInstancesOfWorkstream(id);
      const all = await repo.countInstancesOfWorkstream(id, { includeDeleted: true });
      if (all > 0) {
        throw new AppError(
          'conflict',
          `Workstream ${id} is used by ${live} channel instance(s)${all > live ? ` and kept by ${all - live} deleted one(s)` : ''}`,
        );
      }
      await repo.deleteWorkstream(id);
    }));
  }

  // ── channel instances ─────────────────────────────────────────────────────────────────────
  async createChannelInstance(input: CreateChannelInstanceInput): Promise<ChannelInstanceView> {
    const c = parse(createChannelInstanceInput, input);
    if (!(await this.deps.accounts.get(c.accountId))) throw new AppError('bad_request', `accountId: no messaging account ${c.accountId}`);
    return this.routesChanged(this.deps.repo.transaction(async (repo) => {
      if (!(await repo.getWorkstream(c.workstreamId))) throw new AppError('bad_request', `workstreamId: no workstream ${c.workstreamId}`);
      await this.assertAddressFree(repo, c.accountId, c.address);
      const created = await repo.insertChannelInstance({
        id: newId('ci'),
        accountId: c.accountId,
        workstreamId: c.workstreamId,
        name: c.name,
        language: c.language,
        address: c.address,
        settings: c.settings,
        createdAt: this.deps.clock.now(),
      });
      return toView(created);
    }));
  }

  async listChannelInstances(opts: { accountId?: string; workstreamId?: string } = {}): Promise<ChannelInstanceView[]> {
    return (await this.deps.repo.listChannelInstances(opts)).map(toView);
  }

  async getChannelInstance(id: string): Promise<ChannelInstanceView> {
    const c = await this.deps.repo.getChannelInstance(id);
    if (!c) throw new AppError('not_found', `No channel instance ${id}`);
    return toView(c);
  }

  async updateChannelInstance(id: string, input: UpdateChannelInstanceInput): Promise<ChannelInstanceView> {
    const p = parse(updateChannelInstanceInput, input);
    return this.routesChanged(this.deps.repo.transaction(async (repo) => {
      const current = await repo.getChannelInstance(id);
      if (!current) throw new AppError('not_found', `No channel instance ${id}`);
      if (p.workstreamId !== undefined && !(await repo.getWorkstream(p.workstreamId))) {
        throw new AppError('bad_request', `workstreamId: no workstream ${p.workstreamId}`);
      }
      if (p.address !== undefined && p.address !== current.address) {
        await this.assertAddressFree(repo, current.accountId, p.address);
      }
      const patch: ChannelInstancePatch = {};
      if (p.workstreamId !== undefined) patch.workstreamId = p.workstreamId;
      if (p.name !== undefined) patch.name = p.name;
      if (p.language !== undefined) patch.language = p.language;
      if (p.address !== undefined) patch.address = p.address;
      if (p.settings !== undefined) {
        patch.settings = parse(channelInstanceSettings, { ...current.settings, ...p.settings });
      }
      const updated = await repo.updateChannelInstance(id, patch);
      if (!updated) throw new AppError('not_found', `No channel instance ${id}`);
      return toView(updated);
    }));
  }

  /** Soft delete: conversations keep pointing at it. */
  async deleteChannelInstance(id: string): Promise<void> {
    if (!(await this.routesChanged(this.deps.repo.softDeleteChannelInstance(id, this.deps.clock.now())))) {
      throw new AppError('not_found', `No channel instance ${id}`);
    }
  }

  /** The instance serving an account at an address (falls back to the account's '' instance). */
  async findChannelInstance(accountId: string, address = ''): Promise<ChannelInstanceView | undefined> {
    const c = await this.deps.repo.findChannelInstance(accountId, address);
    return c ? toView(c) : undefined;
  }

  /** After a change to where conversations go (workstreams, channel instances): cached routes are stale. */
  private async routesChanged<T>(change: Promise<T>): Promise<T> {
    try {
      return await change;
    } finally {
      this.deps.onRouteChange?.();
    }
  }

  private async assertAddressFree(repo: RoutingConfigRepo, accountId: string, address: string): Promise<void> {
    const taken = (await repo.listChannelInstances({ accountId })).find((x) => x.address === address);
    if (taken) {
      const what = address === '' ? 'its default (address-less) channel instance' : `a channel instance for ${address}`;
      throw new AppError('conflict', `Account ${accountId} already has ${what}: ${taken.id}`);
    }
  }
}

function toView(c: ChannelInstance): ChannelInstanceView {
  // Stored settings were validated on write; parsing again applies defaults added since.
  const settings = channelInstanceSettings.safeParse(c.settings);
  return {
    id: c.id,
    accountId: c.accountId,
    workstreamId: c.workstreamId,
    name: c.name,
    language: c.language,
    address: c.address,
    settings: settings.success ? settings.data : { ...c.settings, customersCanSendAttachments: false, agentsCanSendAttachments: false },
    createdAt: c.createdAt,
  };
}
