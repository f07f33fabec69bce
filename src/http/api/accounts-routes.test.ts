import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestStore, STORE_KINDS } from '../../../test/support/stores.js';
import type { ChannelAdapter } from '../../channels/adapter.js';
import { AppError } from '../../errors.js';
import { ManualClock } from '../../lib/clock.js';
import { Sealer } from '../../lib/sealed.js';
import { AccountsService } from '../../services/accounts-service.js';
import { AccountsRepo } from '../../store/accounts-repo.js';
import type { Store } from '../../store/db.js';
import { openApiDocument, registerRoutes, ROLES, type Authenticator, type AuthUser, type Role } from '../route.js';
import { accountRoutes } from './accounts-routes.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-LONG-LIVED-access-token-9Zq7';
const CREDS = { channelId: '1234567890', channelSecret: SECRET, channelAccessToken: TOKEN };
const MASKED = { channelId: '1234567890', channelSecret: '••••cdef', channelAccessToken: '••••9Zq7' };

function notImplemented(): never {
  throw new Error('not used in these tests');
}

const fakeLine: ChannelAdapter<unknown, unknown> = {
  kind: 'line',
  displayName: 'Fake LINE',
  capabilities: { templates: false, maxTextLength: 5000, inboundContent: ['text'], outboundContent: ['text'], outboundMediaTypes: { image: ['image/png'] } },
  credentialsSchema: z.object({
    channelId: z.string().regex(/^\d+$/),
    channelSecret: z.string().regex(/^[0-9a-f]{32}$/),
    channelAccessToken: z.string().min(1),
  }),
  securedFields: ['channelSecret', 'channelAccessToken'] as never[],
  settingsSchema: z.object({ botUserId: z.string().optional() }),
  verify: notImplemented,
  parse: notImplemented,
  createClient: notImplemented,
};

/** Test-only: `x-test-user: <role>` or `<role>+secrets` (may view secrets). */
const testAuth: Authenticator = {
  async authenticate(req) {
    const h = req.headers['x-test-user'];
    if (typeof h !== 'string') return undefined;
    const [role, extra] = h.split('+');
    if (!ROLES.includes(role as Role)) return undefined;
    const user: AuthUser = { id: `u_${role}`, email: `${role}@example.com`, displayName: String(role), role: role as Role, canViewSecrets: extra === 'secrets', via: 'token' };
    return user;
  },
};

function buildApp(routes: ReturnType<typeof accountRoutes>): FastifyInstance {
  const app = Fastify();
  app.setErrorHandler((err, _req, reply) => {
    if (err instanceof AppError) return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    return reply.code(status).send({ error: { code: status < 500 ? 'bad_request' : 'internal', message: String((err as Error).message) } });
  });
  registerRoutes(app, routes, testAuth);
  return app;
}

describe.each(STORE_KINDS)('account routes on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let accounts: AccountsService;
  let app: FastifyInstance;

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, as?: string, payload?: unknown) =>
    app.inject({ method, url, headers: as ? { 'x-test-user': as } : {}, ...(payload !== undefined ? { payload: payload as object } : {}) });

  async function createAccount(name = 'Shop'): Promise<string> {
    const r = await call('POST', '/api/accounts', 'admin', { kind: 'line', name, credentials: CREDS });
    expect(r.statusCode).toBe(201);
    return (r.json() as { id: string }).id;
  }

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    accounts = new AccountsService({
      repo: new AccountsRepo(store.db),
      sealer: new Sealer(randomBytes(32)),
      adapterFor: (k) => (k === 'line' ? fakeLine : undefined),
      publicUrl: 'https://hub.example.com',
      clock: new ManualClock(),
    });
    app = buildApp(accountRoutes({ accounts }));
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await cleanup();
  });

  it('lets an admin add an account (201) with its callback URL; secrets are sealed at rest', async () => {
    const r = await call('POST', '/api/accounts', 'admin', { kind: 'line', name: 'Tokyo', credentials: CREDS, settings: { botUserId: 'Ubot' } });
    expect(r.statusCode).toBe(201);
    const body = r.json() as { id: string; callbackUrl: string; credentials: unknown; securedFields: string[]; settings: unknown };
    expect(body.callbackUrl).toBe(`https://hub.example.com/webhooks/line/${body.id}`);
    expect(body.credentials).toEqual(CREDS);
    expect(body.securedFields).toEqual(['channelSecret', 'channelAccessToken']);
    expect(body.settings).toEqual({ botUserId: 'Ubot' });
    const raw = await store.db.selectFrom('messaging_accounts').selectAll().where('id', '=', body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(SECRET);
    expect(JSON.stringify(raw)).not.toContain(TOKEN);
  });

  it('refuses POST to agents and supervisors (403) and to anonymous callers (401)', async () => {
    const payload = { kind: 'line', name: 'x', credentials: CREDS };
    const agent = await call('POST', '/api/accounts', 'agent', payload);
    expect(agent.statusCode).toBe(403);
    expect(agent.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await call('POST', '/api/accounts', 'supervisor', payload)).statusCode).toBe(403);
    expect((await call('POST', '/api/accounts', undefined, payload)).statusCode).toBe(401);
    expect((await call('GET', '/api/accounts', 'agent')).statusCode).toBe(403);
  });

  it('masks secured fields for supervisors, shows them to admins and to users allowed to view secrets', async () => {
    const id = await createAccount('Osaka');
    const sup = await call('GET', `/api/accounts/${id}`, 'supervisor');
    expect(sup.statusCode).toBe(200);
    expect(sup.json()).toMatchObject({ credentials: MASKED });
    expect(sup.body).not.toContain(SECRET);
    const list = await call('GET', '/api/accounts?kind=line', 'supervisor');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(SECRET);
    expect(list.body).not.toContain(TOKEN);
    expect((list.json() as { accounts: unknown[] }).accounts.length).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/api/accounts/${id}`, 'admin')).json()).toMatchObject({ credentials: CREDS });
    expect((await call('GET', `/api/accounts/${id}`, 'supervisor+secrets')).json()).toMatchObject({ credentials: CREDS });
    expect((await call('GET', '/api/accounts?kind=twilio-whatsapp', 'admin')).json()).toEqual({ accounts: [] });
  });

  it('answers 400 for invalid credentials without repeating the secret', async () => {
    const bad = 'NOT-HEX-but-very-SECRET-1234567890';
    const r = await call('POST', '/api/accounts', 'admin', { kind: 'line', name: 'x', credentials: { ...CREDS, channelSecret: bad } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ error: { code: 'bad_request' } });
    expect(r.body).toContain('credentials.channelSecret');
    expect(r.body).not.toContain(bad);
    const unknownKind = await call('POST', '/api/accounts', 'admin', { kind: 'fax', name: 'x', credentials: CREDS });
    expect(unknownKind.statusCode).toBe(400);
    expect((await call('POST', '/api/accounts', 'admin', { kind: 'line', credentials: CREDS })).statusCode).toBe(400);
  });

  it('keeps secrets when an update sends the masked values back', async () => {
    const id = await createAccount('Kyoto');
    const masked = (await call('GET', `/api/accounts/${id}`, 'supervisor')).json() as { credentials: Record<string, unknown> };
    const r = await call('PATCH', `/api/accounts/${id}`, 'admin', { name: 'Kyoto 2', credentials: masked.credentials });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ name: 'Kyoto 2', credentials: CREDS });
    expect((await accounts.resolveForWebhook(id))?.credentials).toEqual(CREDS);
    expect((await call('PATCH', `/api/accounts/${id}`, 'supervisor', { name: 'nope' })).statusCode).toBe(403);
  });

  it('deletes (204): GET then answers 404 and the webhook lookup finds nothing', async () => {
    const id = await createAccount('Fukuoka');
    expect(await accounts.resolveForWebhook(id)).toBeDefined();
    const del = await call('DELETE', `/api/accounts/${id}`, 'admin');
    expect(del.statusCode).toBe(204);
    expect(del.body).toBe('');
    const get = await call('GET', `/api/accounts/${id}`, 'admin');
    expect(get.statusCode).toBe(404);
    expect(get.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(await accounts.resolveForWebhook(id)).toBeUndefined();
    expect((await call('DELETE', `/api/accounts/${id}`, 'admin')).statusCode).toBe(404);
    expect((await call('DELETE', `/api/accounts/${id}`, 'supervisor')).statusCode).toBe(403);
  });

  it('lists channel kinds with credential fields for any role', async () => {
    const r = await call('GET', '/api/channel-kinds', 'agent');
    expect(r.statusCode).toBe(200);
    const body = r.json() as { kinds: Array<{ kind: string; displayName: string; credentialFields: unknown[]; capabilities: unknown }> };
    expect(body.kinds).toHaveLength(1);
    expect(body.kinds[0]).toMatchObject({
      kind: 'line',
      displayName: 'Fake LINE',
      capabilities: { maxTextLength: 5000 },
      credentialFields: [
        { name: 'channelId', secured: false, required: true },
        { name: 'channelSecret', secured: true, required: true },
        { name: 'channelAccessToken', secured: true, required: true },
      ],
    });
    expect((await call('GET', '/api/channel-kinds')).statusCode).toBe(401);
  });

  it('feeds the OpenAPI document', () => {
    const doc = openApiDocument(accountRoutes({ accounts }), { version: 'test', serverUrl: 'https://hub.example.com' });
    expect(Object.keys(doc.paths).sort()).toEqual(['/api/accounts', '/api/accounts/{id}', '/api/channel-kinds']);
    expect(doc.paths['/api/accounts']?.post).toMatchObject({ 'x-roles': ['admin'], responses: { '201': { description: 'Success' } } });
  });
});
