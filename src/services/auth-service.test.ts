import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../errors.js';
import { ManualClock } from '../lib/clock.js';
import { UsersRepo } from '../store/users-repo.js';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import { AuthService, LOGIN_LIMITS, sha256Hex, SlidingWindowCounter } from './auth-service.js';
import { verifyPassword } from './passwords.js';

const PW = 'a long enough password';

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | 'ok'> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
}

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(e instanceof AppError)) throw new Error(`expected an AppError, got ${String(e)}`);
  return e;
}

describe.each(STORE_KINDS)('AuthService on %s', (kind) => {
  let repo: UsersRepo;
  let clock: ManualClock;
  let auth: AuthService;
  let cleanup: () => Promise<void>;
  let n = 0;
  /** A fresh email per test so the in-memory limits of one test do not leak into the next. */
  const email = () => `person${++n}@example.com`;

  beforeAll(async () => {
    const t = await createTestStore(kind);
    repo = new UsersRepo(t.store.db);
    clock = new ManualClock();
    auth = new AuthService({ users: repo, clock });
    cleanup = t.cleanup;
  });
  afterAll(async () => {
    await cleanup();
  });

  it('creates users with a verified scrypt hash, never the password', async () => {
    const e = email();
    const u = await auth.createUser({ email: e.toUpperCase(), displayName: ' Ann ', password: PW, role: 'agent' });
    expect(u).toMatchObject({ email: e, displayName: 'Ann', role: 'agent', canViewSecrets: false, disabled: false });
    expect(u.id).toMatch(/^usr_/);
    const creds = await repo.getCredentialsByEmail(e);
    expect(creds?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(creds?.passwordHash).not.toContain(PW);
    expect(await verifyPassword(PW, creds?.passwordHash ?? '')).toBe(true);
  });

  it('validates new users', async () => {
    expect(await codeOf(auth.createUser({ email: email(), displayName: 'A', password: 'short', role: 'agent' }))).toBe('bad_request');
    expect(await codeOf(auth.createUser({ email: email(), displayName: 'A', password: '123456789', role: 'agent' }))).toBe('bad_request');
    expect(await codeOf(auth.createUser({ email: 'not-an-email', displayName: 'A', password: PW, role: 'agent' }))).toBe('bad_request');
    expect(await codeOf(auth.createUser({ email: email(), displayName: '  ', password: PW, role: 'agent' }))).toBe('bad_request');
    const e = email();
    expect(await codeOf(auth.createUser({ email: e, displayName: 'A', password: '1234567890', role: 'agent' }))).toBe('ok');
    expect(await codeOf(auth.createUser({ email: e, displayName: 'B', password: PW, role: 'agent' }))).toBe('conflict');
  });

  it('signs in with a random cookie stored only as its sha256', async () => {
    const e = email();
    await auth.createUser({ email: e, displayName: 'Bo', password: PW, role: 'supervisor' });
    const r = await auth.login(` ${e.toUpperCase()} `, PW, '10.0.0.1');
    expect(r.sessionCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(r.csrfToken).not.toBe(r.sessionCookie);
    expect(r.user).toMatchObject({ email: e, role: 'supervisor' });
    expect(await repo.getValidSession(r.sessionCookie, clock.now())).toBeUndefined();
    const stored = await repo.getValidSession(sha256Hex(r.sessionCookie), clock.now());
    expect(stored).toMatchObject({ userId: r.user.id, csrfToken: r.csrfToken, expiresAt: clock.now() + 12 * 3600_000 });

    const s = await auth.resolveSession(r.sessionCookie);
    expect(s?.user.id).toBe(r.user.id);
    expect(s?.csrfToken).toBe(r.csrfToken);
    expect(await auth.resolveSession('x'.repeat(43))).toBeUndefined();
    expect(await auth.resolveSession(undefined)).toBeUndefined();

    await auth.logout(r.sessionCookie);
    expect(await auth.resolveSession(r.sessionCookie)).toBeUndefined();
  });

  it('ends sessions after their time to live, and purges them', async () => {
    const e = email();
    await auth.createUser({ email: e, displayName: 'Cy', password: PW, role: 'agent' });
    const short = new AuthService({ users: repo, clock, sessionTtlMs: 60_000 });
    const r = await short.login(e, PW, '10.0.0.2');
    clock.advance(59_999);
    expect(await short.resolveSession(r.sessionCookie)).toBeDefined();
    clock.advance(1);
    expect(await short.resolveSession(r.sessionCookie)).toBeUndefined();
    expect(await short.purgeExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await repo.getValidSession(sha256Hex(r.sessionCookie), 0)).toBeUndefined();
  });

  it('answers a wrong password and an unknown email alike', async () => {
    const e = email();
    await auth.createUser({ email: e, displayName: 'Di', password: PW, role: 'agent' });
    const wrong = await errorOf(auth.login(e, 'not the password', '10.0.0.3'));
    const missing = await errorOf(auth.login(email(), 'not the password', '10.0.0.3'));
    expect(wrong.code).toBe('invalid_credentials');
    expect(missing.code).toBe('invalid_credentials');
    expect(missing.message).toBe(wrong.message);
    expect(wrong.status).toBe(401);
    // Both paths run one scrypt (a dummy hash for unknown emails); timing is not asserted in unit tests.
  });

  it('limits failed sign-ins per email, and lifts the limit as the window slides', async () => {
    const e = email();
    await auth.createUser({ email: e, displayName: 'Ed', password: PW, role: 'agent' });
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      expect(await codeOf(auth.login(e, 'wrong password', `10.1.0.${i}`))).toBe('invalid_credentials');
      clock.advance(60_000);
    }
    // Even the right password is refused now, from any address.
    const limited = await errorOf(auth.login(e, PW, '10.1.1.1'));
    expect(limited.code).toBe('rate_limited');
    expect(limited.status).toBe(429);
    // The first failure was 10 minutes ago: it ages out in 5 more.
    expect(limited.message).toMatch(/try again in 5 minutes/);
    expect(limited.details).toMatchObject({ retryAfterSeconds: 300 });
    clock.advance(5 * 60_000 - 1000);
    expect(await codeOf(auth.login(e, PW, '10.1.1.1'))).toBe('rate_limited');
    clock.advance(1000);
    expect(await codeOf(auth.login(e, PW, '10.1.1.1'))).toBe('ok');
    // A good sign-in clears the email's count.
    expect(await codeOf(auth.login(e, 'wrong password', '10.1.1.1'))).toBe('invalid_credentials');
    expect(await codeOf(auth.login(e, PW, '10.1.1.1'))).toBe('ok');
  });

  it('limits failed sign-ins per IP address across emails', async () => {
    const ip = '192.0.2.77';
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      expect(await codeOf(auth.login(email(), 'wrong password', ip))).toBe('invalid_credentials');
    }
    const e = email();
    await auth.createUser({ email: e, displayName: 'Flo', password: PW, role: 'agent' });
    expect(await codeOf(auth.login(e, PW, ip))).toBe('rate_limited');
    expect(await codeOf(auth.login(e, PW, '192.0.2.78'))).toBe('ok');
    clock.advance(LOGIN_LIMITS.windowMs);
    expect(await codeOf(auth.login(e, PW, ip))).toBe('ok');
  });

  it('refuses disabled users: sign-in, sessions and tokens', async () => {
    const e = email();
    const u = await auth.createUser({ email: e, displayName: 'Gus', password: PW, role: 'agent' });
    const admin = await auth.createUser({ email: email(), displayName: 'Root', password: PW, role: 'admin' });
    const r = await auth.login(e, PW, '10.2.0.1');
    const tok = await auth.createApiToken(u.id, 'script');
    await repo.updateUser(u.id, { disabled: true });
    expect(await auth.resolveSession(r.sessionCookie)).toBeUndefined();
    expect(await auth.resolveApiToken(tok.token)).toBeUndefined();
    // A wrong password still says only "wrong"; the right one learns the account is disabled.
    expect(await codeOf(auth.login(e, 'wrong password', '10.2.0.1'))).toBe('invalid_credentials');
    expect(await codeOf(auth.login(e, PW, '10.2.0.1'))).toBe('forbidden');
    await auth.updateUser(u.id, { disabled: false });
    expect(await codeOf(auth.login(e, PW, '10.2.0.1'))).toBe('ok');
    expect(admin.role).toBe('admin');
  });

  it('ends sessions when an admin changes the password or disables the user', async () => {
    const e = email();
    const u = await auth.createUser({ email: e, displayName: 'Hal', password: PW, role: 'agent' });
    const r1 = await auth.login(e, PW, '10.3.0.1');
    const updated = await auth.updateUser(u.id, { password: 'a brand new password', displayName: 'Hal 2', canViewSecrets: true });
    expect(updated).toMatchObject({ displayName: 'Hal 2', canViewSecrets: true });
    expect(await auth.resolveSession(r1.sessionCookie)).toBeUndefined();
    expect(await codeOf(auth.login(e, PW, '10.3.0.1'))).toBe('invalid_credentials');
    const r2 = await auth.login(e, 'a brand new password', '10.3.0.1');
    await auth.updateUser(u.id, { disabled: true });
    expect(await repo.getValidSession(sha256Hex(r2.sessionCookie), clock.now())).toBeUndefined();
    expect(await codeOf(auth.updateUser(u.id, { password: 'short' }))).toBe('bad_request');
    expect(await codeOf(auth.updateUser('usr_missing', { displayName: 'x' }))).toBe('not_found');
  });

  it('keeps at least one enabled admin', async () => {
    const { store, cleanup: done } = await createTestStore(kind);
    try {
      const solo = new AuthService({ users: new UsersRepo(store.db), clock });
      const a = await solo.createUser({ email: 'a@example.com', displayName: 'A', password: PW, role: 'admin' });
      expect(await codeOf(solo.updateUser(a.id, { role: 'agent' }))).toBe('conflict');
      expect(await codeOf(solo.updateUser(a.id, { disabled: true }))).toBe('conflict');
      expect(await codeOf(solo.updateUser(a.id, { displayName: 'Still admin' }))).toBe('ok');
      const b = await solo.createUser({ email: 'b@example.com', displayName: 'B', password: PW, role: 'admin' });
      expect(await codeOf(solo.updateUser(a.id, { role: 'supervisor' }))).toBe('ok');
      expect(await codeOf(solo.updateUser(b.id, { disabled: true }))).toBe('conflict');
    } finally {
      await done();
    }
  });

  it('issues API tokens shown once, resolves and revokes them', async () => {
    const owner = await auth.createUser({ email: email(), displayName: 'Ivy', password: PW, role: 'agent' });
    const other = await auth.createUser({ email: email(), displayName: 'Jo', password: PW, role: 'supervisor' });
    const admin = await auth.createUser({ email: email(), displayName: 'Kim', password: PW, role: 'admin' });
    const t = await auth.createApiToken(owner.id, ' ci ');
    expect(t.token).toMatch(/^sbt_[A-Za-z0-9_-]{43}$/);
    expect(t).toMatchObject({ name: 'ci', userId: owner.id, lastUsedAt: null });
    const listed = await auth.listApiTokens(owner.id);
    expect(listed).toEqual([{ id: t.id, userId: owner.id, name: 'ci', createdAt: t.createdAt, lastUsedAt: null }]);
    expect(JSON.stringify(listed)).not.toContain(t.token);

    const resolved = await auth.resolveApiToken(t.token);
    expect(resolved?.user.id).toBe(owner.id);
    expect(resolved?.token.lastUsedAt).toBe(clock.now());
    expect(await auth.resolveApiToken(t.token + 'x')).toBeUndefined();
    expect(await auth.resolveApiToken(t.token.slice(4))).toBeUndefined();

    expect(await codeOf(auth.revokeApiToken(t.id, other))).toBe('not_found');
    expect(await auth.resolveApiToken(t.token)).toBeDefined();
    expect(await codeOf(auth.revokeApiToken(t.id, owner))).toBe('ok');
    expect(await auth.resolveApiToken(t.token)).toBeUndefined();

    const t2 = await auth.createApiToken(owner.id, 'second');
    expect(await codeOf(auth.revokeApiToken(t2.id, admin))).toBe('ok');
    expect(await codeOf(auth.revokeApiToken(t2.id, admin))).toBe('not_found');
    expect(await codeOf(auth.createApiToken(owner.id, '   '))).toBe('bad_request');
  });
});

describe('SlidingWindowCounter', () => {
  it('counts hits inside the window and forgets older ones', () => {
    const clock = new ManualClock(0);
    const c = new SlidingWindowCounter(clock, 1000);
    c.record('k');
    clock.advance(400);
    c.record('k');
    expect(c.blockedUntil('k', 2)).toBe(1000);
    expect(c.blockedUntil('k', 3)).toBeUndefined();
    clock.advance(600);
    expect(c.blockedUntil('k', 2)).toBeUndefined();
    expect(c.blockedUntil('k', 1)).toBe(1400);
    c.reset('k');
    expect(c.blockedUntil('k', 1)).toBeUndefined();
  });
});
