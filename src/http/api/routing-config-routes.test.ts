import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../../test/support/stores.js';
import { AppError } from '../../errors.js';
import { ManualClock } from '../../lib/clock.js';
import { RoutingConfigService } from '../../services/routing-config-service.js';
import { AccountsRepo } from '../../store/accounts-repo.js';
import type { Store } from '../../store/db.js';
import { RoutingConfigRepo } from '../../store/routing-config-repo.js';
import { openApiDocument, registerRoutes, ROLES, type AnyRoute, type Authenticator, type Role } from '../route.js';
import { routingConfigRoutes } from './routing-config-routes.js';

/** Test-only: `x-test-user: <role>`; the user id is `u_<role>`. */
const testAuth: Authenticator = {
  async authenticate(req) {
    const role = req.headers['x-test-user'];
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) return undefined;
    return { id: `u_${role}`, email: `${role}@example.com`, displayName: role, role: role as Role, canViewSecrets: false, via: 'token' };
  },
};

function buildApp(routes: AnyRoute[]): FastifyInstance {
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status < 500 ? 'bad_request' : 'internal', message: String((err as Error).message) } });
  });
  registerRoutes(app, routes, testAuth);
  return app;
}

describe.each(STORE_KINDS)('routing config routes on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let routes: AnyRoute[];

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as?: Role, payload?: unknown) =>
    app.inject({ method, url, headers: as ? { 'x-test-user': as } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    const clock = new ManualClock();
    for (const role of ROLES) {
      await store.db
        .insertInto('users')
        .values({ id: `u_${role}`, email: `${role}@example.com`, display_name: role, password_hash: 'x', role, can_view_secrets: 0, presence: 'offline', disabled: 0, created_at: clock.now() })
        .execute();
    }
    const accounts = new AccountsRepo(store.db);
    await accounts.insert({ id: 'acc_1', kind: 'line', name: 'LINE', settings: {}, credentialsPublic: {}, credentialsSealed: 's', createdAt: clock.now() });
    const config = new RoutingConfigService({ repo: new RoutingConfigRepo(store.db), accounts, clock });
    routes = routingConfigRoutes({ config });
    app = buildApp(routes);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('creates a workstream with an auto-created fallback queue; admins write, supervisors read', async () => {
    const r = await call('POST', '/api/workstreams', 'admin', { name: 'Messaging', mode: 'push' });
    expect(r.statusCode).toBe(201);
    const w = r.json() as { id: string; fallbackQueueId: string; createdAt: string; settings: unknown };
    expect(w.settings).toEqual({});
    expect(w.createdAt).toBe('2026-01-01T00:00:00.000Z');
    const q = await call('GET', `/api/queues/${w.fallbackQueueId}`, 'supervisor');
    expect(q.json()).toMatchObject({ name: 'Messaging fallback queue' });
    expect((await call('GET', '/api/workstreams', 'supervisor')).json()).toMatchObject({ workstreams: [{ id: w.id }] });
    expect((await call('GET', `/api/workstreams/${w.id}`, 'supervisor')).statusCode).toBe(200);
    expect((await call('POST', '/api/workstreams', 'supervisor', { name: 'x', mode: 'push' })).statusCode).toBe(403);
    expect((await call('GET', '/api/workstreams', 'agent')).statusCode).toBe(403);
  });

  it("refuses to change a workstream's mode (400) but accepts other changes", async () => {
    const w = (await call('POST', '/api/workstreams', 'admin', { name: 'Pick', mode: 'pick' })).json() as { id: string };
    const bad = await call('PATCH', `/api/workstreams/${w.id}`, 'admin', { mode: 'push' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'bad_request' } });
    const ok = await call('PATCH', `/api/workstreams/${w.id}`, 'admin', { name: 'Pick 2', settings: { capacity: 3 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ name: 'Pick 2', mode: 'pick', settings: { capacity: 3 } });
    expect((await call('DELETE', `/api/workstreams/${w.id}`, 'admin')).statusCode).toBe(204);
    expect((await call('GET', `/api/workstreams/${w.id}`, 'admin')).statusCode).toBe(404);
  });

  it('manages queues and members; agents see only their own queues', async () => {
    const q = (await call('POST', '/api/queues', 'admin', { name: 'Billing', priority: 1 })).json() as { id: string };
    await call('POST', '/api/queues', 'admin', { name: 'Sales' });
    const add = await call('POST', `/api/queues/${q.id}/members`, 'admin', { userId: 'u_agent' });
    expect(add.statusCode).toBe(201);
    expect(add.json()).toEqual({ userIds: ['u_agent'] });
    expect((await call('POST', `/api/queues/${q.id}/members`, 'admin', { userId: 'u_nobody' })).statusCode).toBe(400);
    expect((await call('GET', `/api/queues/${q.id}/members`, 'supervisor')).json()).toEqual({ userIds: ['u_agent'] });

    const mine = await call('GET', '/api/queues', 'agent');
    expect(mine.statusCode).toBe(200);
    expect((mine.json() as { queues: Array<{ id: string }> }).queues.map((x) => x.id)).toEqual([q.id]);
    const all = (await call('GET', '/api/queues', 'supervisor')).json() as { queues: Array<{ name: string }> };
    expect(all.queues.map((x) => x.name)).toEqual(expect.arrayContaining(['Billing', 'Sales']));
    expect((await call('GET', '/api/queues?mine=true', 'supervisor')).json()).toEqual({ queues: [] });
    expect((await call('POST', '/api/queues', 'agent', { name: 'x' })).statusCode).toBe(403);
    expect((await call('GET', `/api/queues/${q.id}`, 'agent')).statusCode).toBe(403);

    expect((await call('PATCH', `/api/queues/${q.id}`, 'admin', { priority: 3 })).json()).toMatchObject({ priority: 3 });
    expect((await call('DELETE', `/api/queues/${q.id}/members/u_agent`, 'admin')).statusCode).toBe(204);
    expect((await call('DELETE', `/api/queues/${q.id}/members/u_agent`, 'admin')).statusCode).toBe(404);
    expect((await call('GET', '/api/queues', 'agent')).json()).toEqual({ queues: [] });
    expect((await call('DELETE', `/api/queues/${q.id}`, 'admin')).statusCode).toBe(204);
  });

  it('creates channel instances with both attachment switches off by default', async () => {
    const w = (await call('POST', '/api/workstreams', 'admin', { name: 'LINE work', mode: 'push' })).json() as { id: string };
    const r = await call('POST', '/api/channel-instances', 'admin', { accountId: 'acc_1', workstreamId: w.id, name: 'LINE JP', language: 'ja-JP' });
    expect(r.statusCode).toBe(201);
    const c = r.json() as { id: string };
    expect(r.json()).toMatchObject({ address: '', language: 'ja-JP', settings: { customersCanSendAttachments: false, agentsCanSendAttachments: false } });
    const u = await call('PATCH', `/api/channel-instances/${c.id}`, 'admin', { settings: { customersCanSendAttachments: true } });
    expect(u.json()).toMatchObject({ settings: { customersCanSendAttachments: true, agentsCanSendAttachments: false } });
    expect((await call('GET', `/api/channel-instances?accountId=acc_1`, 'supervisor')).json()).toMatchObject({ channelInstances: [{ id: c.id }] });
    expect((await call('POST', '/api/channel-instances', 'admin', { accountId: 'acc_missing', workstreamId: w.id, name: 'x', language: 'en' })).statusCode).toBe(400);
    expect((await call('POST', '/api/channel-instances', 'admin', { accountId: 'acc_1', workstreamId: w.id, name: 'x', language: 'en-US', address: 'a', settings: { agentsCanSendAttachments: 'no' } })).statusCode).toBe(400);
    expect((await call('POST', '/api/channel-instances', 'supervisor', { accountId: 'acc_1', workstreamId: w.id, name: 'x', language: 'en' })).statusCode).toBe(403);
    expect((await call('GET', '/api/channel-instances', 'agent')).statusCode).toBe(403);
    expect((await call('DELETE', `/api/channel-instances/${c.id}`, 'admin')).statusCode).toBe(204);
    expect((await call('GET', `/api/channel-instances/${c.id}`, 'admin')).statusCode).toBe(404);
  });

  it('feeds the OpenAPI document', () => {
    const doc = openApiDocument(routes, { version: 'test', serverUrl: 'https://hub.example.com' });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/workstreams/{id}', '/api/queues/{id}/members/{userId}', '/api/channel-instances']),
    );
  });
});
