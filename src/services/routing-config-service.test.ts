import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { AppError } from '../errors.js';
import { ManualClock } from '../lib/clock.js';
import { AccountsRepo } from '../store/accounts-repo.js';
import type { Store } from '../store/db.js';
import { RoutingConfigRepo } from '../store/routing-config-repo.js';
import { RoutingConfigService } from './routing-config-service.js';

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe.each(STORE_KINDS)('RoutingConfigService on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: RoutingConfigRepo;
  let accounts: AccountsRepo;
  let clock: ManualClock;
  let svc: RoutingConfigService;
  let routeChanges = 0;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    repo = new RoutingConfigRepo(store.db);
    accounts = new AccountsRepo(store.db);
    clock = new ManualClock();
    svc = new RoutingConfigService({ repo, accounts, clock, onRouteChange: () => routeChanges++ });
    await store.db
      .insertInto('users')
      .values({ id: 'u1', email: 'u1@example.com', display_name: 'U1', password_hash: 'x', role: 'agent', can_view_secrets: 0, presence: 'offline', disabled: 0, created_at: clock.now() })
      .execute();
    for (const id of ['acc_1', 'acc_2', 'acc_gone']) {
      await accounts.insert({ id, kind: 'line', name: id, settings: {}, credentialsPublic: {}, credentialsSealed: 's', createdAt: clock.now() });
    }
    await accounts.softDelete('acc_gone', clock.now());
  });
  afterAll(async () => cleanup());

  it('creates a "<name> fallback queue" for a workstream created without one', async () => {
    const w = await svc.createWorkstream({ name: 'Live chat', mode: 'push' });
    const q = await svc.getQueue(w.fallbackQueueId);
    expect(q.name).toBe('Live chat fallback queue');
    expect(w).toMatchObject({ name: 'Live chat', mode: 'push', settings: {}, createdAt: clock.now() });
    expect(w.id).toMatch(/^ws_/);
  });

  it('uses a given fallback queue, which must exist, and passes settings through', async () => {
    const q = await svc.createQueue({ name: 'Tier 1', priority: 2 });
    const before = (await svc.listQueues()).length;
    const w = await svc.createWorkstream({ name: 'Pick work', mode: 'pick', fallbackQueueId: q.id, settings: { capacity: 2, bot: { id: 'b1' } } });
    expect(w).toMatchObject({ fallbackQueueId: q.id, mode: 'pick', settings: { capacity: 2, bot: { id: 'b1' } } });
    expect((await svc.listQueues()).length).toBe(before);
    const e = await appError(svc.createWorkstream({ name: 'Broken', mode: 'push', fallbackQueueId: 'q_missing' }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain('fallbackQueueId');
    expect((await svc.listWorkstreams()).some((x) => x.name === 'Broken')).toBe(false);
    expect((await appError(svc.createWorkstream({ name: 'Odd', mode: 'round-robin' as 'push' }))).code).toBe('bad_request');
  });

  it("fixes a workstream's mode after creation", async () => {
    const w = await svc.createWorkstream({ name: 'Fixed', mode: 'push' });
    const e = await appError(svc.updateWorkstream(w.id, { mode: 'pick' }));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain('mode');
    expect((await svc.getWorkstream(w.id)).mode).toBe('push');
    const q = await svc.createQueue({ name: 'Other' });
    const u = await svc.updateWorkstream(w.id, { mode: 'push', name: 'Fixed 2', fallbackQueueId: q.id, settings: { capacity: 4 } });
    expect(u).toMatchObject({ name: 'Fixed 2', mode: 'push', fallbackQueueId: q.id, settings: { capacity: 4 } });
    expect((await appError(svc.updateWorkstream(w.id, { fallbackQueueId: 'q_missing' }))).code).toBe('bad_request');
    expect((await appError(svc.updateWorkstream('ws_missing', { name: 'x' }))).code).toBe('not_found');
  });

  it('manages queue members; a fallback queue cannot be deleted', async () => {
    const q = await svc.createQueue({ name: 'Members' });
    expect(q.priority).toBe(0);
    await svc.addMember(q.id, 'u1');
    await svc.addMember(q.id, 'u1');
    expect(await svc.listMembers(q.id)).toEqual(['u1']);
    expect((await svc.listQueuesOfUser('u1')).map((x) => x.id)).toEqual([q.id]);
    expect((await appError(svc.addMember(q.id, 'nobody'))).code).toBe('bad_request');
    expect((await appError(svc.addMember('q_missing', 'u1'))).code).toBe('not_found');
    await svc.removeMember(q.id, 'u1');
    expect((await appError(svc.removeMember(q.id, 'u1'))).code).toBe('not_found');
    expect(await svc.listMembers(q.id)).toEqual([]);
    expect(await svc.updateQueue(q.id, { priority: 7 })).toMatchObject({ name: 'Members', priority: 7 });
    await svc.deleteQueue(q.id);
    expect((await appError(svc.getQueue(q.id))).code).toBe('not_found');

    const w = await svc.createWorkstream({ name: 'Holds', mode: 'push' });
    const e = await appError(svc.deleteQueue(w.fallbackQueueId));
    expect(e.code).toBe('conflict');
    expect(e.message).toContain('Holds');
  });

  it('creates channel instances with attachment switches off by default and other settings kept', async () => {
    const w = await svc.createWorkstream({ name: 'Instances', mode: 'push' });
    const c = await svc.createChannelInstance({ accountId: 'acc_1', workstreamId: w.id, name: 'LINE Japan', language: 'ja-jp' });
    expect(c).toMatchObject({
      accountId: 'acc_1',
      workstreamId: w.id,
      language: 'ja-JP',
      address: '',
      settings: { customersCanSendAttachments: false, agentsCanSendAttachments: false },
    });
    const c2 = await svc.createChannelInstance({
      accountId: 'acc_1',
      workstreamId: w.id,
      name: 'Number',
      language: 'en-US',
      address: '+15550001',
      settings: { customersCanSendAttachments: true, agentsCanSendAttachments: false, greeting: 'Hi' },
    });
    expect(c2.settings).toEqual({ customersCanSendAttachments: true, agentsCanSendAttachments: false, greeting: 'Hi' });
    expect((await svc.findChannelInstance('acc_1', '+15550001'))?.id).toBe(c2.id);
    expect((await svc.findChannelInstance('acc_1', '+15559999'))?.id).toBe(c.id);
    expect((await svc.findChannelInstance('acc_1'))?.id).toBe(c.id);

    const u = await svc.updateChannelInstance(c.id, { settings: { agentsCanSendAttachments: true } });
    expect(u.settings).toEqual({ customersCanSendAttachments: false, agentsCanSendAttachments: true });
    expect((await appError(svc.updateChannelInstance(c.id, { settings: { agentsCanSendAttachments: 'yes' } }))).code).toBe('bad_request');
    expect((await appError(svc.updateChannelInstance(c.id, { address: '+15550001' }))).code).toBe('conflict');
    expect((await svc.updateChannelInstance(c.id, { name: 'Renamed', language: 'fr' })).language).toBe('fr');
  });

  it('checks what a channel instance refers to and its language tag', async () => {
    const w = await svc.createWorkstream({ name: 'Checks', mode: 'pick' });
    const base = { workstreamId: w.id, name: 'x', language: 'en-US' };
    expect((await appError(svc.createChannelInstance({ ...base, accountId: 'acc_missing' }))).message).toContain('accountId');
    expect((await appError(svc.createChannelInstance({ ...base, accountId: 'acc_gone' }))).code).toBe('bad_request');
    expect((await appError(svc.createChannelInstance({ ...base, accountId: 'acc_2', workstreamId: 'ws_missing' }))).message).toContain('workstreamId');
    const lang = await appError(svc.createChannelInstance({ ...base, accountId: 'acc_2', language: 'not a language' }));
    expect(lang.code).toBe('bad_request');
    expect(lang.message).toContain('language');
    await svc.createChannelInstance({ ...base, accountId: 'acc_2' });
    expect((await appError(svc.createChannelInstance({ ...base, accountId: 'acc_2' }))).code).toBe('conflict');
  });

  it('soft-deletes channel instances; a used workstream cannot be deleted', async () => {
    const w = await svc.createWorkstream({ name: 'Short lived', mode: 'push' });
    const c = await svc.createChannelInstance({ accountId: 'acc_2', workstreamId: w.id, name: 'Temp', language: 'de-DE', address: 'room-1' });
    expect((await appError(svc.deleteWorkstream(w.id))).code).toBe('conflict');
    await svc.deleteChannelInstance(c.id);
    expect((await appError(svc.getChannelInstance(c.id))).code).toBe('not_found');
    expect((await appError(svc.deleteChannelInstance(c.id))).code).toBe('not_found');
    expect((await svc.findChannelInstance('acc_2', 'room-1'))?.id).not.toBe(c.id);
    expect((await svc.listChannelInstances({ accountId: 'acc_2' })).some((x) => x.id === c.id)).toBe(false);
    // The deleted instance keeps its workstream for history.
    expect((await appError(svc.deleteWorkstream(w.id))).code).toBe('conflict');
    const unused = await svc.createWorkstream({ name: 'Unused', mode: 'pick' });
    await svc.deleteWorkstream(unused.id);
    expect((await appError(svc.getWorkstream(unused.id))).code).toBe('not_found');
    // Its auto-created fallback queue is no longer held and can go.
    await svc.deleteQueue(unused.fallbackQueueId);
  });

  it('tells onRouteChange after every change to workstreams or channel instances, not after reads or queue changes', async () => {
    const counted = async (fn: () => Promise<unknown>) => {
      const before = routeChanges;
      await fn();
      return routeChanges - before;
    };
    const w = await svc.createWorkstream({ name: 'Routed', mode: 'push' });
    let ci = '';
    expect(await counted(async () => (ci = (await svc.createChannelInstance({ accountId: 'acc_1', workstreamId: w.id, name: 'R', language: 'en', address: 'route-test' })).id))).toBe(1);
    expect(await counted(() => svc.updateChannelInstance(ci, { language: 'fr' }))).toBe(1);
    expect(await counted(() => svc.updateWorkstream(w.id, { settings: { affinity: false } }))).toBe(1);
    expect(await counted(() => svc.findChannelInstance('acc_1', 'route-test'))).toBe(0);
    expect(await counted(() => svc.createQueue({ name: 'Unrelated' }))).toBe(0);
    expect(await counted(() => svc.deleteChannelInstance(ci))).toBe(1);
    const other = await svc.createWorkstream({ name: 'Gone soon', mode: 'push' });
    expect(await counted(() => svc.deleteWorkstream(other.id))).toBe(1);
    expect(await counted(() => svc.createWorkstream({ name: 'Another', mode: 'push' }))).toBe(1);
  });
});
