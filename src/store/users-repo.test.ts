import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { TOKEN_TOUCH_INTERVAL_MS, UsersRepo, type NewUser } from './users-repo.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function newUser(n: number, over: Partial<NewUser> = {}): NewUser {
  return {
    id: `usr_${n}`,
    email: `user${n}@example.com`,
    displayName: `User ${n}`,
    passwordHash: `scrypt$hash-${n}`,
    role: 'agent',
    createdAt: T0 + n,
    ...over,
  };
}

describe.each(STORE_KINDS)('UsersRepo on %s', (kind) => {
  let repo: UsersRepo;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const t = await createTestStore(kind);
    repo = new UsersRepo(t.store.db);
    cleanup = t.cleanup;
  });
  afterAll(async () => {
    await cleanup();
  });

  it('creates users as camelCase domain objects without the password hash', async () => {
    const u = await repo.createUser(newUser(1, { email: '  User1@Example.COM ', role: 'admin', canViewSecrets: true }));
    expect(u).toEqual({
      id: 'usr_1',
      email: 'user1@example.com',
      displayName: 'User 1',
      role: 'admin',
      canViewSecrets: true,
      presence: 'offline',
      disabled: false,
      createdAt: T0 + 1,
    });
    expect(await repo.getUser('usr_1')).toEqual(u);
    expect(await repo.getUserByEmail('USER1@example.com')).toEqual(u);
    expect(JSON.stringify(await repo.getUser('usr_1'))).not.toContain('scrypt');
    expect(await repo.getUser('nope')).toBeUndefined();
    expect(await repo.getUserByEmail('nope@example.com')).toBeUndefined();
  });

  it('refuses a second user with the same email (any case) as a conflict', async () => {
    await repo.createUser(newUser(2));
    const err = await repo.createUser(newUser(3, { email: 'USER2@example.com' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('conflict');
    expect(await repo.getUser('usr_3')).toBeUndefined();
  });

  it('reads the password hash only through getCredentialsByEmail', async () => {
    const c = await repo.getCredentialsByEmail('user2@EXAMPLE.com');
    expect(c?.passwordHash).toBe('scrypt$hash-2');
    expect(c?.user.id).toBe('usr_2');
    expect(await repo.getCredentialsByEmail('missing@example.com')).toBeUndefined();
    expect(await repo.setPasswordHash('usr_2', 'scrypt$new')).toBe(true);
    expect((await repo.getCredentialsByEmail('user2@example.com'))?.passwordHash).toBe('scrypt$new');
    expect(await repo.setPasswordHash('nope', 'x')).toBe(false);
  });

  it('updates only the given fields, lists and counts', async () => {
    const u = await repo.updateUser('usr_2', { displayName: 'Two', role: 'supervisor', canViewSecrets: true, presence: 'busy_dnd' });
    expect(u).toMatchObject({ displayName: 'Two', role: 'supervisor', canViewSecrets: true, presence: 'busy_dnd', disabled: false });
    expect(await repo.updateUser('usr_2', { disabled: true })).toMatchObject({ displayName: 'Two', disabled: true });
    expect(await repo.updateUser('usr_2', {})).toMatchObject({ id: 'usr_2' });
    expect(await repo.updateUser('nope', { displayName: 'x' })).toBeUndefined();

    expect((await repo.listUsers()).map((x) => x.id)).toEqual(['usr_1', 'usr_2']);
    expect((await repo.listUsers({ includeDisabled: false })).map((x) => x.id)).toEqual(['usr_1']);
    expect((await repo.listUsers({ role: 'supervisor' })).map((x) => x.id)).toEqual(['usr_2']);
    expect(await repo.countUsers()).toBe(2);
    expect(await repo.countUsers({ role: 'admin', includeDisabled: false })).toBe(1);
    expect(await repo.countUsers({ role: 'supervisor', includeDisabled: false })).toBe(0);
  });

  it('keeps sessions until they expire and deletes them', async () => {
    await repo.createSession({ id: 'h1', userId: 'usr_1', csrfToken: 'c1', createdAt: T0, expiresAt: T0 + 1000 });
    await repo.createSession({ id: 'h2', userId: 'usr_1', csrfToken: 'c2', createdAt: T0, expiresAt: T0 + 5000 });
    await repo.createSession({ id: 'h3', userId: 'usr_2', csrfToken: 'c3', createdAt: T0, expiresAt: T0 + 5000 });
    expect(await repo.getValidSession('h1', T0 + 999)).toEqual({ id: 'h1', userId: 'usr_1', csrfToken: 'c1', createdAt: T0, expiresAt: T0 + 1000 });
    expect(await repo.getValidSession('h1', T0 + 1000)).toBeUndefined();
    expect(await repo.getValidSession('unknown', T0)).toBeUndefined();

    expect(await repo.deleteExpiredSessions(T0 + 1000)).toBe(1);
    expect(await repo.getValidSession('h2', T0)).toBeDefined();
    expect(await repo.deleteSession('h2')).toBe(true);
    expect(await repo.deleteSession('h2')).toBe(false);
    expect(await repo.deleteSessionsForUser('usr_2')).toBe(1);
    expect(await repo.getValidSession('h3', T0)).toBeUndefined();
  });

  it('stores API tokens by hash, lists them per user and deletes them', async () => {
    const a = await repo.createApiToken({ id: 'tok_a', userId: 'usr_1', name: 'ci', tokenHash: 'ha', createdAt: T0 });
    await repo.createApiToken({ id: 'tok_b', userId: 'usr_1', name: 'bot', tokenHash: 'hb', createdAt: T0 + 1 });
    await repo.createApiToken({ id: 'tok_c', userId: 'usr_2', name: 'other', tokenHash: 'hc', createdAt: T0 });
    expect(a).toEqual({ id: 'tok_a', userId: 'usr_1', name: 'ci', createdAt: T0, lastUsedAt: null });
    const listed = await repo.listApiTokensForUser('usr_1');
    expect(listed.map((t) => t.id)).toEqual(['tok_a', 'tok_b']);
    expect(JSON.stringify(listed)).not.toContain('"ha"');
    expect(await repo.getApiToken('tok_c')).toMatchObject({ userId: 'usr_2' });
    await expect(repo.createApiToken({ id: 'tok_d', userId: 'usr_2', name: 'dup', tokenHash: 'hc', createdAt: T0 })).rejects.toThrow();

    expect(await repo.deleteApiToken('tok_b')).toBe(true);
    expect(await repo.deleteApiToken('tok_b')).toBe(false);
    expect(await repo.findApiTokenByHash('hb', T0)).toBeUndefined();
  });

  it('records last use of a token at most once a minute', async () => {
    const t1 = T0 + 10_000;
    expect((await repo.findApiTokenByHash('ha', t1))?.lastUsedAt).toBe(t1);
    expect((await repo.findApiTokenByHash('ha', t1 + 30_000))?.lastUsedAt).toBe(t1);
    expect((await repo.getApiToken('tok_a'))?.lastUsedAt).toBe(t1);
    const t2 = t1 + TOKEN_TOUCH_INTERVAL_MS;
    expect((await repo.findApiTokenByHash('ha', t2))?.lastUsedAt).toBe(t2);
    expect((await repo.getApiToken('tok_a'))?.lastUsedAt).toBe(t2);
  });

  it('refuses a session for an unknown user (foreign key)', async () => {
    await expect(
      repo.createSession({ id: 'orphan', userId: 'no-such-user', csrfToken: 'c', createdAt: T0, expiresAt: T0 + 1 }),
    ).rejects.toThrow();
  });
});
