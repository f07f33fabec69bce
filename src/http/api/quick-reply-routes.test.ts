import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStore, STORE_KINDS } from '../../../test/support/stores.js';
import { AppError } from '../../errors.js';
import type { Store } from '../../store/db.js';
import { QuickRepliesRepo } from '../../store/quick-replies-repo.js';
import { openApiDocument, registerRoutes, ROLES, type Authenticator, type AuthUser, type Role } from '../route.js';
import { quickReplyRoutes } from './quick-reply-routes.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Test-only: `x-test-user: <role>`. */
const testAuth: Authenticator = {
  async authenticate(req) {
    const role = req.headers['x-test-user'];
    if (typeof role !== 'string' || !ROLES.includes(role as Role)) return undefined;
    const user: AuthUser = { id: `u_${role}`, email: `${role}@example.com`, displayName: role, role: role as Role, canViewSecrets: false, via: 'token' };
    return user;
  },
};

describe.each(STORE_KINDS)('quick replies on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let app: FastifyInstance;
  let now = T0;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as?: string, payload?: unknown) =>
    app.inject({ method, url, headers: as ? { 'x-test-user': as } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    app = Fastify();
    app.setErrorHandler((err, _req, reply) => {
      if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
      const status = (err as { statusCode?: number }).statusCode ?? 500;
      return reply.code(status).send({ error: { code: status < 500 ? 'bad_request' : 'internal', message: String((err as Error).message) } });
    });
    registerRoutes(app, quickReplyRoutes({ db: store.db, now: () => now }), testAuth);
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('stores, lists by language, updates and deletes (repository)', async () => {
    const repo = new QuickRepliesRepo(store.db);
    const base = { text: 'Hi {CustomerName}', createdAt: T0, updatedAt: T0 };
    await repo.insert({ ...base, id: 'qr_any', title: 'Any', language: '' });
    await repo.insert({ ...base, id: 'qr_en', title: 'English', language: 'en' });
    await repo.insert({ ...base, id: 'qr_nl', title: 'Dutch', language: 'nl' });
    expect((await repo.list()).map((q) => q.id)).toEqual(['qr_any', 'qr_nl', 'qr_en']); // by title
    expect((await repo.list({ language: 'en-US' })).map((q) => q.id)).toEqual(['qr_any', 'qr_en']);
    expect((await repo.list({ language: 'nl' })).map((q) => q.id)).toEqual(['qr_any', 'qr_nl']);
    expect(await repo.update('qr_en', { text: 'Hello' }, T0 + 5)).toMatchObject({ id: 'qr_en', title: 'English', text: 'Hello', createdAt: T0, updatedAt: T0 + 5 });
    expect(await repo.update('qr_missing', { text: 'x' }, T0)).toBeUndefined();
    for (const id of ['qr_any', 'qr_en', 'qr_nl']) expect(await repo.delete(id)).toBe(true);
    expect(await repo.delete('qr_en')).toBe(false);
    expect(await repo.list()).toEqual([]);
  });

  it('lets admins manage quick replies and every role read them', async () => {
    const created = await call('POST', '/api/quick-replies', 'admin', { title: ' Greeting ', text: 'Hello {CustomerName}, this is {AgentName}.' });
    expect(created.statusCode).toBe(201);
    const q = created.json() as { id: string };
    expect(q).toMatchObject({ title: 'Greeting', language: '', text: 'Hello {CustomerName}, this is {AgentName}.', createdAt: T0, updatedAt: T0 });
    const nl = await call('POST', '/api/quick-replies', 'admin', { title: 'Groet', text: 'Hallo {CustomerName}', language: 'nl' });
    expect(nl.statusCode).toBe(201);

    for (const role of ['agent', 'supervisor', 'admin']) {
      const r = await call('GET', '/api/quick-replies', role);
      expect(r.statusCode).toBe(200);
      expect((r.json() as { title: string }[]).map((x) => x.title)).toEqual(['Greeting', 'Groet']);
    }
    expect((await call('GET', '/api/quick-replies?language=en-GB', 'agent')).json()).toMatchObject([{ title: 'Greeting' }]);
    expect((await call('GET', '/api/quick-replies?language=nl', 'agent')).json()).toHaveLength(2);

    now = T0 + 1000;
    const changed = await call('PATCH', `/api/quick-replies/${q.id}`, 'admin', { text: 'Hi {CustomerName}!', language: 'en' });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: q.id, title: 'Greeting', text: 'Hi {CustomerName}!', language: 'en', createdAt: T0, updatedAt: T0 + 1000 });

    expect((await call('DELETE', `/api/quick-replies/${q.id}`, 'admin')).statusCode).toBe(204);
    expect((await call('DELETE', `/api/quick-replies/${q.id}`, 'admin')).json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await call('PATCH', `/api/quick-replies/${q.id}`, 'admin', { text: 'x' })).statusCode).toBe(404);
    expect((await call('GET', '/api/quick-replies', 'agent')).json()).toMatchObject([{ title: 'Groet' }]);
  });

  it('refuses other roles, no sign-in and bad input', async () => {
    expect((await call('GET', '/api/quick-replies')).statusCode).toBe(401);
    for (const role of ['agent', 'supervisor']) {
      expect((await call('POST', '/api/quick-replies', role, { title: 'x', text: 'y' })).statusCode).toBe(403);
      expect((await call('PATCH', '/api/quick-replies/qr_x', role, { text: 'y' })).statusCode).toBe(403);
      expect((await call('DELETE', '/api/quick-replies/qr_x', role)).statusCode).toBe(403);
    }
    expect((await call('POST', '/api/quick-replies', 'admin', { title: '', text: 'y' })).statusCode).toBe(400);
    expect((await call('POST', '/api/quick-replies', 'admin', { title: 'x', text: '   ' })).statusCode).toBe(400);
    expect((await call('POST', '/api/quick-replies', 'admin', { title: 'x', text: 'y', language: 'e' })).statusCode).toBe(400);
  });

  it('documents the routes in OpenAPI', () => {
    const doc = openApiDocument(quickReplyRoutes({ db: store.db, now: () => now }), { version: 'test', serverUrl: 'http://localhost' }) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths['/api/quick-replies'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/quick-replies/{id}'] ?? {}).sort()).toEqual(['delete', 'patch']);
  });
});
