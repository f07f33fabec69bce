import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { ManualClock } from '../../lib/clock.js';
import { AuthService } from '../../services/auth-service.js';
import { verifyPassword } from '../../services/passwords.js';
import { UsersRepo } from '../../store/users-repo.js';
import { createTestStore } from '../../../test/support/stores.js';
import { HttpAuthenticator } from '../auth.js';
import { defineRoute, openApiDocument, registerRoutes } from '../route.js';
import { authRoutes } from './auth-routes.js';
import { usersRoutes } from './users-routes.js';

const PW = 'a long enough password';

const adminOnlyProbe = defineRoute({
  method: 'GET',
  path: '/api/probe/admin',
  summary: 'probe',
  tag: 'test',
  auth: ['admin'],
  handler: async () => ({ ok: true }),
});

describe('users routes', () => {
  let app: FastifyInstance;
  let auth: AuthService;
  let users: UsersRepo;
  let cleanup: () => Promise<void>;
  const bearer: Record<'admin' | 'supervisor' | 'agent', { authorization: string }> = {} as never;
  const ids: Record<'admin' | 'supervisor' | 'agent', string> = {} as never;

  beforeAll(async () => {
    const t = await createTestStore('sqlite');
    cleanup = t.cleanup;
    users = new UsersRepo(t.store.db);
    auth = new AuthService({ users, clock: new ManualClock() });
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      const u = await auth.createUser({ email: `${role}@example.com`, displayName: role, password: PW, role });
      ids[role] = u.id;
      bearer[role] = { authorization: `Bearer ${(await auth.createApiToken(u.id, 'test')).token}` };
    }

    app = Fastify();
    await app.register(fastifyCookie);
    app.setErrorHandler((err, _req, reply) => {
      if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      return reply.code(status).send({ error: { code: status === 500 ? 'internal' : 'bad_request', message: String(err) } });
    });
    registerRoutes(app, [...authRoutes({ auth, secureCookies: false }), ...usersRoutes({ auth, users }), adminOnlyProbe], new HttpAuthenticator(auth));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('refuses admin routes to an agent and a supervisor (403)', async () => {
    for (const role of ['agent', 'supervisor'] as const) {
      const res = await app.inject({ method: 'GET', url: '/api/probe/admin', headers: bearer[role] });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    expect((await app.inject({ method: 'GET', url: '/api/probe/admin', headers: bearer.admin })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/users', headers: bearer.agent })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: `/api/users/${ids.admin}`, headers: bearer.agent })).statusCode).toBe(403);
  });

  it('lets admins and supervisors list and read users, without password hashes', async () => {
    for (const role of ['admin', 'supervisor'] as const) {
      const list = await app.inject({ method: 'GET', url: '/api/users', headers: bearer[role] });
      expect(list.statusCode).toBe(200);
      expect((list.json().users as Array<{ email: string }>).map((u) => u.email)).toEqual(
        expect.arrayContaining(['admin@example.com', 'supervisor@example.com', 'agent@example.com']),
      );
      expect(list.body).not.toContain('scrypt');
      const one = await app.inject({ method: 'GET', url: `/api/users/${ids.agent}`, headers: bearer[role] });
      expect(one.json()).toMatchObject({ id: ids.agent, role: 'agent', canViewSecrets: false });
    }
    const missing = await app.inject({ method: 'GET', url: '/api/users/usr_nope', headers: bearer.admin });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses POST /api/users to a supervisor; an admin creates users', async () => {
    const payload = { email: 'new@example.com', displayName: 'New', password: PW, role: 'agent' };
    const denied = await app.inject({ method: 'POST', url: '/api/users', headers: bearer.supervisor, payload });
    expect(denied.statusCode).toBe(403);
    expect(await users.getUserByEmail('new@example.com')).toBeUndefined();

    const created = await app.inject({ method: 'POST', url: '/api/users', headers: bearer.admin, payload: { ...payload, canViewSecrets: true } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new@example.com', role: 'agent', canViewSecrets: true, disabled: false });
    expect(created.body).not.toContain(PW);
    const creds = await users.getCredentialsByEmail('new@example.com');
    expect(creds?.passwordHash).not.toBe(PW);
    expect(await verifyPassword(PW, creds?.passwordHash ?? '')).toBe(true);

    const dup = await app.inject({ method: 'POST', url: '/api/users', headers: bearer.admin, payload: { ...payload, email: 'NEW@example.com' } });
    expect(dup.statusCode).toBe(409);
    const short = await app.inject({ method: 'POST', url: '/api/users', headers: bearer.admin, payload: { ...payload, email: 'x@example.com', password: 'short' } });
    expect(short.statusCode).toBe(400);
    const badRole = await app.inject({ method: 'POST', url: '/api/users', headers: bearer.admin, payload: { ...payload, email: 'y@example.com', role: 'owner' } });
    expect(badRole.statusCode).toBe(400);
  });

  it('lets an admin change role, name, secured-field permission and password', async () => {
    const u = await auth.createUser({ email: 'patch@example.com', displayName: 'Patch', password: PW, role: 'agent' });
    const denied = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: bearer.supervisor, payload: { role: 'admin' } });
    expect(denied.statusCode).toBe(403);

    const res = await app.inject({
      method: 'PATCH',
      url: `/api/users/${u.id}`,
      headers: bearer.admin,
      payload: { role: 'supervisor', displayName: 'Patched', canViewSecrets: true, password: 'another long password' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ role: 'supervisor', displayName: 'Patched', canViewSecrets: true });
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'patch@example.com', password: PW } })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'patch@example.com', password: 'another long password' } })).statusCode,
    ).toBe(200);

    const unknownField = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: bearer.admin, payload: { email: 'x@example.com' } });
    expect(unknownField.statusCode).toBe(400);
    const missing = await app.inject({ method: 'PATCH', url: '/api/users/usr_nope', headers: bearer.admin, payload: { displayName: 'x' } });
    expect(missing.statusCode).toBe(404);
  });

  it('refuses a disabled user: sign-in, sessions and tokens', async () => {
    const u = await auth.createUser({ email: 'gone@example.com', displayName: 'Gone', password: PW, role: 'agent' });
    const tok = { authorization: `Bearer ${(await auth.createApiToken(u.id, 't')).token}` };
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'gone@example.com', password: PW } });
    const cookie = `sb_session=${login.cookies.find((c) => c.name === 'sb_session')?.value ?? ''}`;
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(200);

    const off = await app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: bearer.admin, payload: { disabled: true } });
    expect(off.statusCode).toBe(200);
    expect(off.json().disabled).toBe(true);

    expect((await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/me', headers: tok })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'gone@example.com', password: PW } });
    expect(again.statusCode).toBe(403);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('will not demote or disable the last enabled admin', async () => {
    const res = await app.inject({ method: 'PATCH', url: `/api/users/${ids.admin}`, headers: bearer.admin, payload: { role: 'agent' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('conflict');
  });

  it('documents every route in the OpenAPI document', () => {
    const doc = openApiDocument([...authRoutes({ auth, secureCookies: false }), ...usersRoutes({ auth, users })], { version: 'test', serverUrl: 'http://localhost' });
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/auth/login', '/api/auth/logout', '/api/me', '/api/tokens', '/api/tokens/{id}', '/api/users', '/api/users/{id}']);
    const patch = doc.paths['/api/users/{id}']?.patch as { 'x-roles': string[]; requestBody: unknown };
    expect(patch['x-roles']).toEqual(['admin']);
    expect(JSON.stringify(patch.requestBody)).toContain('canViewSecrets');
  });
});
