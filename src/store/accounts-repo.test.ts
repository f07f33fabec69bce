import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { AccountsRepo, type NewMessagingAccount } from './accounts-repo.js';
import type { Store } from './db.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function account(id: string, kind = 'line', createdAt = T0): NewMessagingAccount {
  return {
    id,
    kind,
    name: `Account ${id}`,
    settings: { botUserId: 'Ubot' },
    credentialsPublic: { channelId: '12345' },
    credentialsSealed: 'v1.iv.tag.data',
    createdAt,
  };
}

describe.each(STORE_KINDS)('AccountsRepo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: AccountsRepo;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    repo = new AccountsRepo(store.db);
  });
  afterAll(async () => cleanup());

  it('inserts and reads back an account with its JSON parsed and times as numbers', async () => {
    const inserted = await repo.insert(account('acc_1'));
    const got = await repo.get('acc_1');
    expect(got).toEqual(inserted);
    expect(got).toMatchObject({
      id: 'acc_1',
      kind: 'line',
      settings: { botUserId: 'Ubot' },
      credentialsPublic: { channelId: '12345' },
      credentialsSealed: 'v1.iv.tag.data',
      createdAt: T0,
      updatedAt: T0,
      deletedAt: null,
    });
    expect(await repo.get('nope')).toBeUndefined();
  });

  it('lists oldest first, optionally by kind', async () => {
    await repo.insert(account('acc_2', 'twilio-whatsapp', T0 + 10));
    await repo.insert(account('acc_3', 'line', T0 + 20));
    expect((await repo.list()).map((a) => a.id)).toEqual(['acc_1', 'acc_2', 'acc_3']);
    expect((await repo.list({ kind: 'line' })).map((a) => a.id)).toEqual(['acc_1', 'acc_3']);
    expect((await repo.list({ kind: 'gbm' })).map((a) => a.id)).toEqual([]);
  });

  it('updates only the given columns', async () => {
    const u = await repo.update('acc_3', { name: 'Renamed', credentialsSealed: 'v1.x.y.z', updatedAt: T0 + 100 });
    expect(u).toMatchObject({
      name: 'Renamed',
      credentialsSealed: 'v1.x.y.z',
      credentialsPublic: { channelId: '12345' },
      settings: { botUserId: 'Ubot' },
      createdAt: T0 + 20,
      updatedAt: T0 + 100,
    });
    const u2 = await repo.update('acc_3', { settings: {}, credentialsPublic: { channelId: '9' }, updatedAt: T0 + 200 });
    expect(u2).toMatchObject({ name: 'Renamed', settings: {}, credentialsPublic: { channelId: '9' } });
    expect(await repo.update('missing', { name: 'x', updatedAt: T0 })).toBeUndefined();
  });

  it('soft-deletes: hidden from get and list, kept for history, no longer updatable', async () => {
    expect(await repo.softDelete('acc_2', T0 + 500)).toBe(true);
    expect(await repo.softDelete('acc_2', T0 + 600)).toBe(false);
    expect(await repo.softDelete('missing', T0)).toBe(false);
    expect(await repo.get('acc_2')).toBeUndefined();
    expect(await repo.get('acc_2', { includeDeleted: true })).toMatchObject({ id: 'acc_2', deletedAt: T0 + 500 });
    expect((await repo.list()).map((a) => a.id)).toEqual(['acc_1', 'acc_3']);
    expect((await repo.list({ includeDeleted: true })).map((a) => a.id)).toEqual(['acc_1', 'acc_2', 'acc_3']);
    expect(await repo.update('acc_2', { name: 'zombie', updatedAt: T0 + 700 })).toBeUndefined();
    const raw = await store.db.selectFrom('messaging_accounts').selectAll().where('id', '=', 'acc_2').executeTakeFirstOrThrow();
    expect(raw.name).toBe('Account acc_2');
  });
});
