import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { AccountsRepo } from './accounts-repo.js';
import type { Store } from './db.js';
import { RoutingConfigRepo } from './routing-config-repo.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

describe.each(STORE_KINDS)('RoutingConfigRepo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: RoutingConfigRepo;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    repo = new RoutingConfigRepo(store.db);
    for (const id of ['u1', 'u2']) {
      await store.db
        .insertInto('users')
        .values({ id, email: `${id}@example.com`, display_name: id, password_hash: 'x', role: 'agent', can_view_secrets: 0, presence: 'offline', disabled: 0, created_at: T0 })
        .execute();
    }
    const accounts = new AccountsRepo(store.db);
    for (const id of ['acc_a', 'acc_b']) {
      await accounts.insert({ id, kind: 'line', name: id, settings: {}, credentialsPublic: {}, credentialsSealed: 's', createdAt: T0 });
    }
  });
  afterAll(async () => cleanup());

  it('keeps queues, ordered by priority then name', async () => {
    await repo.insertQueue({ id: 'q_b', name: 'Billing', priority: 1, createdAt: T0 });
    await repo.insertQueue({ id: 'q_a', name: 'Accounts', priority: 1, createdAt: T0 });
    await repo.insertQueue({ id: 'q_v', name: 'VIP', priority: 0, createdAt: T0 });
    expect((await repo.listQueues()).map((q) => q.id)).toEqual(['q_v', 'q_a', 'q_b']);
    expect(await repo.getQueue('q_b')).toEqual({ id: 'q_b', name: 'Billing', priority: 1, createdAt: T0 });
    expect(await repo.updateQueue('q_b', { priority: 5 })).toMatchObject({ name: 'Billing', priority: 5 });
    expect(await repo.updateQueue('missing', { name: 'x' })).toBeUndefined();
  });

  it('adds members idempotently, removes them, and lists the queues of a user', async () => {
    await repo.addMember('q_a', 'u1');
    await repo.addMember('q_a', 'u1');
    await repo.addMember('q_a', 'u2');
    await repo.addMember('q_v', 'u1');
    expect(await repo.listMembers('q_a')).toEqual(['u1', 'u2']);
    expect((await repo.listQueuesOfUser('u1')).map((q) => q.id)).toEqual(['q_v', 'q_a']);
    expect(await repo.removeMember('q_a', 'u2')).toBe(true);
    expect(await repo.removeMember('q_a', 'u2')).toBe(false);
    expect(await repo.listMembers('q_a')).toEqual(['u1']);
    expect(await repo.userExists('u1')).toBe(true);
    expect(await repo.userExists('nobody')).toBe(false);
    await expect(repo.addMember('q_a', 'nobody')).rejects.toThrow();
  });

  it('keeps workstreams with JSON settings; deleting a queue drops its memberships', async () => {
    const w = await repo.insertWorkstream({ id: 'ws_1', name: 'Messaging', mode: 'push', fallbackQueueId: 'q_v', settings: { capacity: 3 }, createdAt: T0 });
    expect(await repo.getWorkstream('ws_1')).toEqual(w);
    expect(await repo.updateWorkstream('ws_1', { name: 'Chat', settings: { capacity: 5 } })).toMatchObject({ name: 'Chat', mode: 'push', settings: { capacity: 5 } });
    expect((await repo.workstreamsUsingQueue('q_v')).map((x) => x.id)).toEqual(['ws_1']);
    expect(await repo.listWorkstreams()).toHaveLength(1);
    expect(await repo.deleteQueue('q_b')).toBe(true);
    expect(await repo.deleteQueue('q_b')).toBe(false);
    await repo.insertQueue({ id: 'q_tmp', name: 'Tmp', priority: 0, createdAt: T0 });
    await repo.addMember('q_tmp', 'u2');
    expect(await repo.deleteQueue('q_tmp')).toBe(true);
    expect(await repo.listQueuesOfUser('u2')).toEqual([]);
  });

  it('finds the channel instance for an address, falling back to the account default', async () => {
    await repo.insertChannelInstance({ id: 'ci_default', accountId: 'acc_a', workstreamId: 'ws_1', name: 'Default', language: 'en-US', address: '', settings: { customersCanSendAttachments: true }, createdAt: T0 });
    await repo.insertChannelInstance({ id: 'ci_num', accountId: 'acc_a', workstreamId: 'ws_1', name: 'Number', language: 'ja-JP', address: '+15550001', settings: {}, createdAt: T0 + 1 });
    expect((await repo.findChannelInstance('acc_a'))?.id).toBe('ci_default');
    expect((await repo.findChannelInstance('acc_a', '+15550001'))?.id).toBe('ci_num');
    expect((await repo.findChannelInstance('acc_a', '+15559999'))?.id).toBe('ci_default');
    expect(await repo.findChannelInstance('acc_b', '+15550001')).toBeUndefined();
    expect((await repo.getChannelInstance('ci_default'))?.settings).toEqual({ customersCanSendAttachments: true });
    expect((await repo.listChannelInstances({ accountId: 'acc_a' })).map((c) => c.id)).toEqual(['ci_default', 'ci_num']);
    expect(await repo.countInstancesOfWorkstream('ws_1')).toBe(2);
  });

  it('soft-deletes channel instances: gone from lookups, kept for history', async () => {
    expect(await repo.softDeleteChannelInstance('ci_num', T0 + 50)).toBe(true);
    expect(await repo.softDeleteChannelInstance('ci_num', T0 + 60)).toBe(false);
    expect((await repo.findChannelInstance('acc_a', '+15550001'))?.id).toBe('ci_default');
    expect(await repo.getChannelInstance('ci_num')).toBeUndefined();
    expect(await repo.getChannelInstance('ci_num', { includeDeleted: true })).toMatchObject({ deletedAt: T0 + 50 });
    expect(await repo.updateChannelInstance('ci_num', { name: 'zombie' })).toBeUndefined();
    expect(await repo.countInstancesOfWorkstream('ws_1')).toBe(1);
    expect(await repo.countInstancesOfWorkstream('ws_1', { includeDeleted: true })).toBe(2);
    expect((await repo.listChannelInstances({ includeDeleted: true })).map((c) => c.id)).toEqual(['ci_default', 'ci_num']);
    const u = await repo.updateChannelInstance('ci_default', { language: 'fr-FR', settings: { agentsCanSendAttachments: true } });
    expect(u).toMatchObject({ language: 'fr-FR', settings: { agentsCanSendAttachments: true } });
  });

  it('rolls a transaction back as a whole', async () => {
    await expect(
      repo.transaction(async (trx) => {
        await trx.insertQueue({ id: 'q_rolled', name: 'Rolled back', priority: 0, createdAt: T0 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await repo.getQueue('q_rolled')).toBeUndefined();
  });
});
