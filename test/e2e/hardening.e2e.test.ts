/**
 * The hub's outer surface on a real socket: operations endpoints, every documented route's
 * authentication and role checks, body limits and content types, and secrets kept out of logs
 * and out of the answers of users who may not read them.
 */
import { createHmac } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../src/lib/logger.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { ADMIN, setUpLineChannel, startTestHub, type TestHub } from '../support/hub.js';

/** Like startTestHub('sqlite'), with the body limit and logger the test asks for. */
function startCustomHub(o: { bodyLimit?: number; logger?: Logger } = {}): Promise<TestHub> {
  return startTestHub('sqlite', {
    ...(o.bodyLimit ? { config: { bodyLimit: o.bodyLimit } } : {}),
    ...(o.logger ? { logger: o.logger } : {}),
  });
}

/** The value of one sample in Prometheus text format, or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name + '{')) continue;
    const inside = line.slice(name.length + 1, line.indexOf('}'));
    const got = Object.fromEntries([...inside.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(line.slice(line.indexOf('}') + 1).trim());
  }
  return undefined;
}

interface Operation {
  method: string;
  path: string;
  roles: string[];
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

async function call(url: string, op: Operation, headers: Record<string, string> = {}): Promise<Response> {
  const path = op.path.replace(/\{[^}]+\}/g, 'dummy_id_0000');
  return fetch(url + path, {
    method: op.method,
    headers: { ...(WITH_BODY.has(op.method) ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(WITH_BODY.has(op.method) ? { body: '{}' } : {}),
  });
}

describe('HTTP hardening on a real socket', () => {
  let t: TestHub;
  let ops: Operation[];
  let doc: any;

  beforeAll(async () => {
    t = await startTestHub('sqlite');
    const res = await fetch(`${t.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = await res.json();
    ops = Object.entries(doc.paths as Record<string, Record<string, { 'x-roles': string[] }>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, roles: op['x-roles'] })),
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /healthz answers 200 {status: ok}', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', store: 'sqlite' });
  });

  it('GET /metrics exposes the hub metrics, and counts accepted and refused webhooks', async () => {
    const first = await (await fetch(`${t.url}/metrics`)).text();
    for (const name of [
      'switchboard_webhooks_received_total',
      'switchboard_webhooks_rejected_total',
      'switchboard_messages_stored_total',
      'switchboard_delivery_attempts_total',
      'switchboard_ingest_latency_seconds',
    ]) {
      expect(first).toContain(`# TYPE ${name} `);
    }

    const ch = await setUpLineChannel(t);
    const customer = t.line.customer(ch.creds.channelId);
    expect((await customer.sendText('counted')).status).toBe(200);
    const body = JSON.stringify({ destination: 'Ubot', events: [] });
    const forged = createHmac('sha256', 'f'.repeat(32)).update(body).digest('base64');
    const refused = await fetch(ch.account.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': forged },
      body,
    });
    expect(refused.status).toBe(401);

    const res = await fetch(`${t.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(sample(text, 'switchboard_webhooks_received_total', { channel: 'line' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'switchboard_webhooks_rejected_total', { channel: 'line', reason: 'signature' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'switchboard_messages_stored_total', { direction: 'in' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'switchboard_ingest_latency_seconds_count', { channel: 'line' })).toBeGreaterThanOrEqual(1);
  });

  it('webhooks to made-up channel kinds cannot grow the metrics without bound', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${t.url}/webhooks/made-up-kind-${i}/acc_x`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
    }
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).not.toContain('made-up-kind');
    expect(sample(text, 'switchboard_webhooks_rejected_total', { channel: 'unknown', reason: 'unknown_account' })).toBeGreaterThanOrEqual(5);
  });

  it('GET /api/openapi.json is an OpenAPI 3.1 document whose every operation names its roles', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers[0].url).toBe(t.hub.config.publicUrl);
    expect(ops.length).toBeGreaterThan(30);
    for (const op of ops) {
      expect(Array.isArray(op.roles), `${op.method} ${op.path} x-roles`).toBe(true);
      for (const r of op.roles) expect(['admin', 'supervisor', 'agent']).toContain(r);
    }
    // Sign-in is the one public operation.
    expect(ops.filter((o) => o.roles.length === 0).map((o) => `${o.method} ${o.path}`)).toEqual(['POST /api/auth/login']);
    // Every documented operation is served.
    for (const op of ops) {
      expect(t.hub.app.hasRoute({ method: op.method as 'GET', url: op.path.replace(/\{([^}]+)\}/g, ':$1') }), `${op.method} ${op.path}`).toBe(
        true,
      );
    }
  });

  it('every non-public operation refuses a caller without credentials (401)', async () => {
    const failures: string[] = [];
    for (const op of ops.filter((o) => o.roles.length > 0)) {
      const res = await call(t.url, op);
      const body = (await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
      if (res.status !== 401 || body?.error?.code !== 'unauthenticated') failures.push(`${op.method} ${op.path} → ${res.status} ${JSON.stringify(body)}`);
    }
    expect(failures).toEqual([]);
  });

  it('a bearer header that is not a valid token is refused (401), even beside a valid session', async () => {
    const op = { method: 'GET', path: '/api/me', roles: ['agent'] };
    for (const authorization of ['Bearer nope', 'Bearer sbt_' + 'A'.repeat(43), 'Basic YWRtaW46YWRtaW4=', '']) {
      expect((await call(t.url, op, { authorization })).status, authorization).toBe(401);
    }
  });

  it('every operation an agent may not call is refused to an agent (403), with body {} and dummy ids', async () => {
    const ch = await setUpLineChannel(t);
    const token = (await ch.agent.post('/api/tokens', { name: 'ci' })).token as string;
    const forbidden = ops.filter((o) => o.roles.length > 0 && !o.roles.includes('agent'));
    expect(forbidden.some((o) => o.roles.length === 1 && o.roles[0] === 'admin')).toBe(true);
    const failures: string[] = [];
    for (const op of forbidden) {
      // Through the session (with its CSRF token) and through an API token alike.
      const viaSession = await ch.agent.raw(op.method, op.path.replace(/\{[^}]+\}/g, 'dummy_id_0000'), WITH_BODY.has(op.method) ? {} : undefined);
      const viaToken = await call(t.url, op, { authorization: `Bearer ${token}` });
      for (const [how, res] of [
        ['session', viaSession],
        ['token', viaToken],
      ] as const) {
        const body = (await res.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
        if (res.status !== 403 || body?.error?.code !== 'forbidden') failures.push(`${how} ${op.method} ${op.path} → ${res.status} ${JSON.stringify(body)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a cookie-authenticated write without the CSRF header is refused (403 csrf_failed)', async () => {
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${t.url}/api/contacts`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Mallory' }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).error.code).toBe('csrf_failed');
  });

  it('POST /api/contacts with content-type text/html → 415', async () => {
    const authed = await t.admin.raw('POST', '/api/contacts', Buffer.from('<b>x</b>'), { 'content-type': 'text/html' });
    const anon = await fetch(`${t.url}/api/contacts`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: '<b>x</b>' });
    for (const r of [authed, anon]) {
      expect(r.status).toBe(415);
      expect(((await r.json()) as any).error).toMatchObject({ code: 'unsupported_media_type', message: expect.any(String) });
    }
  });

  it('malformed JSON → 400 with a message', async () => {
    const res = await t.admin.raw('POST', '/api/contacts', Buffer.from('{"displayName": '), { 'content-type': 'application/json' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/json/i);
  });

  it('a body that fails validation → 400 naming the field', async () => {
    const res = await t.admin.raw('POST', '/api/contacts', { displayName: '' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/displayName/);
  });

  it('an unknown route → 404 JSON', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['POST', '/nope?x=1'],
      ['DELETE', '/api/contacts'],
    ] as const) {
      const res = await fetch(`${t.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as any;
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toContain(path.split('?')[0]);
    }
  });

  it('an unexpected error answers 500 without a stack trace', async () => {
    // Sealed credentials under another key cannot be read: the service throws, the client sees a code.
    const ch = await setUpLineChannel(t);
    await t.hub.store.db.updateTable('messaging_accounts').set({ credentials_sealed: 'v1.AAAA.BBBB.CCCC' }).where('id', '=', ch.account.id).execute();
    const res = await t.admin.raw('GET', `/api/accounts/${ch.account.id}`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe('internal');
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

describe('body limit', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startCustomHub({ bodyLimit: 4096 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('an API body over the limit → 413; one under it is accepted', async () => {
    const big = await t.admin.raw('POST', '/api/contacts', { displayName: 'x', fields: { pad: 'y'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('payload_too_large');
    const small = await t.admin.raw('POST', '/api/contacts', { displayName: 'x', fields: { pad: 'y'.repeat(1000) } });
    expect(small.status).toBe(201);
  });

  it('an upload over the limit → 413', async () => {
    const res = await t.admin.raw('POST', '/api/blobs', Buffer.alloc(5000, 1), { 'content-type': 'image/png' });
    expect(res.status).toBe(413);
  });

  it('a webhook over the limit → 413, and without credentials the limit still applies first', async () => {
    const ch = await setUpLineChannel(t);
    const res = await fetch(ch.account.callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-line-signature': 'x' },
      body: JSON.stringify({ destination: 'U', events: [], pad: 'z'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    const anon = await fetch(`${t.url}/api/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'z'.repeat(5000) }),
    });
    expect(anon.status).toBe(413);
  });
});

describe('secrets never reach the logs', () => {
  const lines: string[] = [];
  let t: TestHub;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    t = await startCustomHub({ logger: createLogger('trace', sink) });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('channel secret, access token, passwords, session cookie and API token appear in no log line; a supervisor sees them masked', async () => {
    const secrets: Record<string, string> = {};
    const ch = await setUpLineChannel(t);
    secrets.channelSecret = ch.creds.channelSecret;
    secrets.channelAccessToken = ch.creds.channelAccessToken;
    secrets.adminPassword = ADMIN.password;
    secrets.agentPassword = 'agent-password-1';

    // A refused account creation: its message must not quote the secret that was wrong.
    const badSecret = `not-hex-${'q'.repeat(24)}`;
    secrets.badSecret = badSecret;
    const refused = await t.admin.raw('POST', '/api/accounts', {
      kind: 'line',
      name: 'Broken',
      credentials: { channelId: '42', channelSecret: badSecret, channelAccessToken: 'tok-' + 'w'.repeat(30) },
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toContain(badSecret);
    secrets.badToken = 'tok-' + 'w'.repeat(30);

    // A browser session: login, a read, a write without CSRF (refused), a wrong password.
    const login = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    secrets.sessionCookie = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    secrets.csrfToken = ((await login.json()) as { csrfToken: string }).csrfToken;
    expect((await fetch(`${t.url}/api/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/contacts`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' })).status).toBe(
      403,
    );
    const wrong = await fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: 'wrong-password-xyz' }),
    });
    expect(wrong.status).toBe(401);
    secrets.wrongPassword = 'wrong-password-xyz';

    // An API token, used and misused.
    const token = (await t.admin.post('/api/tokens', { name: 'integration' })).token as string;
    secrets.apiToken = token;
    expect((await fetch(`${t.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{' })).status).toBe(400);

    // A signed webhook and a forged one.
    const customer = t.line.customer(ch.creds.channelId);
    expect((await customer.sendText('hello, secrets?')).status).toBe(200);
    const body = JSON.stringify({ destination: 'Ubot', events: [] });
    const forged = createHmac('sha256', 'e'.repeat(32)).update(body).digest('base64');
    expect((await fetch(ch.account.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': forged }, body })).status).toBe(401);

    // The agent answers (reply token), then a push the provider refuses (logged as a failure).
    const [conv] = await eventually(async () => {
      const items = await ch.agent.get(`/api/queues/${ch.queueId}/items`);
      return items.length > 0 && items;
    });
    await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'Hi, how can I help?' });
    await customer.waitForInbox(1);
    t.line.injectFault({ path: '/v2/bot/message/push', status: 401, body: { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' } });
    const failed = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'second' });
    await eventually(async () => {
      const m = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === failed.id);
      return m.status === 'failed';
    }, 10_000, 'push refused');

    // A supervisor without the secured-field permission reads the account masked.
    await t.admin.post('/api/users', { email: 'sup@example.test', displayName: 'Sup', password: 'supervisor-pass-1', role: 'supervisor' });
    secrets.supervisorPassword = 'supervisor-pass-1';
    const sup = new ApiClient(t.url);
    await sup.login('sup@example.test', 'supervisor-pass-1');
    const listed = await sup.raw('GET', '/api/accounts');
    expect(listed.status).toBe(200);
    const listedText = await listed.text();
    expect(listedText).not.toContain(ch.creds.channelSecret);
    expect(listedText).not.toContain(ch.creds.channelAccessToken);
    const view = (JSON.parse(listedText) as { accounts: any[] }).accounts.find((a) => a.id === ch.account.id);
    expect(view.credentials.channelId).toBe(ch.creds.channelId);
    expect(view.credentials.channelSecret).toBe('••••' + ch.creds.channelSecret.slice(-4));
    expect(view.credentials.channelAccessToken).toBe('••••' + ch.creds.channelAccessToken.slice(-4));
    expect(view.securedFields).toEqual(expect.arrayContaining(['channelSecret', 'channelAccessToken']));
    const one = await sup.raw('GET', `/api/accounts/${ch.account.id}`);
    expect(await one.text()).not.toContain(ch.creds.channelSecret);
    // The admin (who may view secrets) reads them in clear: the masking is a decision, not a bug.
    const adminView = await t.admin.get(`/api/accounts/${ch.account.id}`);
    expect(adminView.credentials.channelSecret).toBe(ch.creds.channelSecret);

    // The logger saw the traffic (so the check below is not vacuous)...
    const all = lines.join('');
    expect(lines.length).toBeGreaterThan(0);
    expect(all).toContain('request refused');
    expect(all).toContain('outbound message failed');
    // ...and none of the secrets.
    const leaks = Object.entries(secrets).filter(([, v]) => all.includes(v));
    expect(leaks.map(([k]) => k)).toEqual([]);
  });
});
