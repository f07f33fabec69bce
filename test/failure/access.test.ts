/**
 * Who may do what, exhaustively. For every operation of /api/openapi.json and every role (admin,
 * supervisor, agent, no credentials): a role outside the operation's `x-roles` is refused (401
 * without credentials, 403 with), a role inside it is never refused for its role. A user without
 * the secured-field permission never reads a secured credential (LINE, Twilio, Business Messages)
 * in any answer of any route, with real ids; nothing secret reaches a log line at trace level;
 * failed sign-ins are rate-limited (429).
 */
import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/services/auth-service.js';
import { createLogger } from '../../src/lib/logger.js';
import { eventually } from '../support/api-client.js';
import { startFailureHub } from '../support/failure-hub.js';
import { ADMIN, setUpGbmChannel, setUpLineChannel, setUpTwilioChannel, type TestHub } from '../support/hub.js';

type Role = 'admin' | 'supervisor' | 'agent';
type Caller = Role | 'none';
interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  roles: Role[];
}
interface Session {
  cookie: string;
  csrf: string;
}

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
const SUPERVISOR = { email: 'sup@example.test', password: 'supervisor-pass-1' };
const SUPERVISOR_SECRETS = { email: 'sup-secrets@example.test', password: 'supervisor-pass-2' };

describe('access control and secrets, for every route and role', () => {
  const logLines: string[] = [];
  /** Every value that must never be logged nor shown to a user without the permission. */
  const secrets: Record<string, string> = {};
  /** Values that must never be logged (sessions, tokens, passwords); users may see their own. */
  const neverLogged: Record<string, string> = {};
  let t: TestHub;
  let ops: Operation[];
  const sessions = {} as Record<Role, Session>;
  let idPool: string[] = [];
  const credentialsOf = {} as Record<Role, { email: string; password: string }>;

  const inject = (o: InjectOptions) => t.hub.app.inject(o);

  async function signIn(email: string, password: string): Promise<Session> {
    const res = await inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    expect(res.statusCode, `sign-in ${email}`).toBe(200);
    const set = res.headers['set-cookie'];
    const cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
    const csrf = (res.json() as { csrfToken: string }).csrfToken;
    neverLogged[`cookie ${email} ${Object.keys(neverLogged).length}`] = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    neverLogged[`csrf ${email} ${Object.keys(neverLogged).length}`] = csrf;
    return { cookie, csrf };
  }

  function call(caller: Caller, op: { method: string; path: string }, ids: string[] = [], body: unknown = {}): ReturnType<typeof inject> {
    let i = 0;
    const url = op.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(ids[i++] ?? 'dummy_id_0000'));
    const s = caller === 'none' ? undefined : sessions[caller];
    return inject({
      method: op.method as InjectOptions['method'],
      url,
      headers: { ...(s ? { cookie: s.cookie, ...(op.method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) } : {}) },
      ...(WITH_BODY.has(op.method) ? { payload: body as object } : {}),
    });
  }

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(String(chunk));
        cb();
      },
    });
    t = await startFailureHub('sqlite', { logger: createLogger('trace', sink), hub: { providerTimeoutMs: 1000 } });
    neverLogged.adminPassword = ADMIN.password;

    // One account of each provider with secured credentials, each with a conversation.
    const line = await setUpLineChannel(t);
    const twilio = await setUpTwilioChannel(t);
    const gbm = await setUpGbmChannel(t);
    neverLogged.agentPassword = 'agent-password-1';
    secrets.lineChannelSecret = line.creds.channelSecret;
    secrets.lineAccessToken = line.creds.channelAccessToken;
    secrets.twilioAuthToken = twilio.creds.authToken;
    neverLogged.twilioBasicAuth = Buffer.from(`${twilio.creds.accountSid}:${twilio.creds.authToken}`).toString('base64');
    secrets.gbmClientToken = gbm.ids.clientToken;
    const gbmView = await t.admin.get(`/api/accounts/${gbm.account.id}`);
    const sa = typeof gbmView.credentials.serviceAccount === 'string' ? JSON.parse(gbmView.credentials.serviceAccount) : gbmView.credentials.serviceAccount;
    const keyBody = String(sa.private_key).split('\n').filter((l: string) => l && !l.startsWith('-----'));
    expect(keyBody.length).toBeGreaterThan(2);
    secrets.gbmPrivateKey = keyBody[1]!;

    await t.line.customer(line.creds.channelId).sendText('hello from LINE');
    await t.twilio.customer(twilio.creds.accountSid, twilio.number, '+393331112222', 'Wa').sendText('hello from WhatsApp');
    const gbmCustomer = t.gbm.customer(gbm.ids.agentId);
    await gbmCustomer.sendText('hello from Business Messages');
    for (const ch of [line, twilio, gbm]) {
      const conv = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 10_000, 'conversation');
      await ch.agent.post(`/api/conversations/${conv.id}/pick`);
      await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'an answer' });
    }
    // A provider refusing the credentials: the error path logs too.
    t.line.injectFault({ path: '/v2/bot/message/push', status: 401, times: Infinity, body: { message: 'Authentication failed' } });
    t.twilio.injectFault({ method: 'POST', path: /\/Messages\.json$/, status: 401, times: Infinity });
    t.gbm.injectFault({ method: 'POST', path: /\/messages$/, status: 401, times: Infinity });
    for (const ch of [line, twilio, gbm]) {
      const [conv] = await ch.agent.get('/api/conversations?mine=true');
      const m = await ch.agent.post(`/api/conversations/${conv.id}/messages`, { kind: 'text', text: 'refused' });
      await eventually(async () => (await ch.agent.get(`/api/conversations/${conv.id}/messages`)).find((x: any) => x.id === m.id)?.status === 'failed', 10_000, 'refused send recorded');
    }
    t.line.clearFaults();
    t.twilio.clearFaults();
    t.gbm.clearFaults();

    await t.admin.post('/api/users', { ...SUPERVISOR, displayName: 'Sup', role: 'supervisor' });
    await t.admin.post('/api/users', { ...SUPERVISOR_SECRETS, displayName: 'Sup with secrets', role: 'supervisor', canViewSecrets: true });
    neverLogged.supervisorPassword = SUPERVISOR.password;
    neverLogged.supervisorSecretsPassword = SUPERVISOR_SECRETS.password;
    credentialsOf.admin = ADMIN;
    credentialsOf.supervisor = SUPERVISOR;
    credentialsOf.agent = { email: `agent${/LINE (\d+)/.exec(line.account.name)![1]}@example.test`, password: 'agent-password-1' };
    for (const role of ['admin', 'supervisor', 'agent'] as const) sessions[role] = await signIn(credentialsOf[role].email, credentialsOf[role].password);
    // API tokens are secrets too.
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      const res = await call(role, { method: 'POST', path: '/api/tokens' }, [], { name: `token of ${role}` });
      expect(res.statusCode).toBe(201);
      neverLogged[`token ${role}`] = (res.json() as { token: string }).token;
    }

    const doc = (await inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, { 'x-roles': Role[] }>> };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase() as Operation['method'], path, roles: op['x-roles'] })),
    );
    // Sign-out last: it ends the caller's session.
    ops.sort((a, b) => Number(a.path === '/api/auth/logout') - Number(b.path === '/api/auth/logout'));

    const ids = new Set<string>();
    const collect = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(collect);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if ((k === 'id' || k.endsWith('Id')) && typeof x === 'string') ids.add(x);
          else collect(x);
        }
      }
    };
    for (const path of ['/api/accounts', '/api/workstreams', '/api/queues', '/api/users', '/api/channel-instances', '/api/conversations', '/api/contacts', '/api/tokens']) {
      collect((await call('admin', { method: 'GET', path })).json());
    }
    idPool = [...ids];
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('every operation × every role: refused exactly when x-roles says so (401 without credentials, 403 otherwise)', async () => {
    const wrong: string[] = [];
    const table: Record<Caller, Record<string, number>> = { admin: {}, supervisor: {}, agent: {}, none: {} };
    const resourceRefusals: string[] = [];
    for (const caller of ['none', 'agent', 'supervisor', 'admin'] as const) {
      for (const op of ops) {
        const res = await call(caller, op);
        table[caller][res.statusCode] = (table[caller][res.statusCode] ?? 0) + 1;
        const body = res.body ? (JSON.parse(res.body) as { error?: { code?: string; message?: string } }) : {};
        const what = `${caller} ${op.method} ${op.path} [${op.roles.join(',') || 'public'}] → ${res.statusCode} ${JSON.stringify(body.error ?? {})}`;
        if (op.roles.length === 0) {
          if (res.statusCode === 401 || res.statusCode === 403) wrong.push(what);
        } else if (caller === 'none') {
          if (res.statusCode !== 401 || body.error?.code !== 'unauthenticated') wrong.push(what);
        } else if (!op.roles.includes(caller)) {
          if (res.statusCode !== 403 || body.error?.code !== 'forbidden') wrong.push(what);
        } else if (res.statusCode === 401 || (res.statusCode === 403 && /needs the role/.test(body.error?.message ?? ''))) {
          wrong.push(what);
        } else if (res.statusCode === 403) {
          // Refused for that resource, not for the role (an agent outside a queue): with some real id the role gets through.
          const slots = (op.path.match(/\{[^}]+\}/g) ?? []).length;
          let through = false;
          for (const id of slots > 0 ? idPool : []) {
            const again = await call(caller, op, Array.from({ length: slots }, () => id));
            if (again.statusCode !== 401 && again.statusCode !== 403) {
              through = true;
              break;
            }
          }
          if (!through) wrong.push(`${what} (and with every real id)`);
          else resourceRefusals.push(`${caller} ${op.method} ${op.path}: ${body.error?.message}`);
        }
        if (res.statusCode >= 500) wrong.push(`5xx: ${what}`);
      }
      // The last operation was sign-out: sign in again for the checks that follow.
      if (caller !== 'none') sessions[caller] = await signIn(credentialsOf[caller].email, credentialsOf[caller].password);
    }
    console.log(`access matrix: ${ops.length} operations × 4 callers; statuses by caller ${JSON.stringify(table)}; refused for the resource only: ${JSON.stringify(resourceRefusals)}`);
    expect(wrong).toEqual([]);
    expect(ops.length).toBeGreaterThan(30);
  });

  it('a user without the secured-field permission never sees a secured value in any answer, whatever the route and id', async () => {
    let answers = 0;
    const leaks: string[] = [];
    const check = (who: string, what: string, text: string) => {
      answers++;
      for (const [name, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${who} ${what}: ${name}`);
    };
    // Every readable route with every id the hub holds, then every write with an empty body.
    const gets = ops.filter((o) => o.method === 'GET');
    for (const caller of ['supervisor', 'agent'] as const) {
      for (const op of gets) {
        const slots = (op.path.match(/\{[^}]+\}/g) ?? []).length;
        const tries = slots === 0 ? [[]] : idPool.map((id) => Array.from({ length: slots }, () => id));
        for (const ids of tries) check(caller, `GET ${op.path} ${ids.join(',')}`, (await call(caller, op, ids)).body);
      }
      for (const op of ops.filter((o) => WITH_BODY.has(o.method) && o.path !== '/api/auth/logout' && o.path !== '/api/auth/login')) {
        const slots = (op.path.match(/\{[^}]+\}/g) ?? []).length;
        for (const id of slots === 0 ? ['-'] : idPool) check(caller, `${op.method} ${op.path} ${id}`, (await call(caller, op, [id, id], {})).body);
      }
    }
    console.log(`secrets: ${answers} answers to a supervisor and an agent without the permission checked for ${Object.keys(secrets).length} secured values`);
    expect(leaks).toEqual([]);
    expect(answers).toBeGreaterThan(500);

    // Not vacuous: the same answers carry them in clear for an admin and for a user given the permission.
    const withPermission = await signIn(SUPERVISOR_SECRETS.email, SUPERVISOR_SECRETS.password);
    for (const s of [sessions.admin, withPermission]) {
      const res = await inject({ url: '/api/accounts', headers: { cookie: s.cookie } });
      for (const [name, value] of Object.entries(secrets)) expect(res.body.includes(value), name).toBe(true);
    }
    // Masked for the others: they see that a value is set, and its last characters at most.
    const masked = (await inject({ url: '/api/accounts', headers: { cookie: sessions.supervisor.cookie } })).json() as { accounts: Array<{ credentials: Record<string, unknown>; securedFields: string[] }> };
    for (const a of masked.accounts) for (const f of a.securedFields) if (a.credentials[f] !== undefined) expect(String(a.credentials[f])).toMatch(/^••••/);
  }, 120_000);

  it('no log line holds a secret: credentials, passwords, sessions, CSRF tokens, API tokens', () => {
    const all = logLines.join('');
    expect(logLines.length).toBeGreaterThan(50);
    expect(all).toContain('outbound message failed');
    const leaks = Object.entries({ ...secrets, ...neverLogged })
      .filter(([, v]) => all.includes(v))
      .map(([k]) => k);
    console.log(`logs: ${logLines.length} lines at trace level checked for ${Object.keys({ ...secrets, ...neverLogged }).length} secrets`);
    expect(leaks).toEqual([]);
  });

  it('failed sign-ins are rate-limited: 429 with Retry-After, per email and per address, even for the right password', async () => {
    await t.admin.post('/api/users', { email: 'victim@example.test', displayName: 'Victim', password: 'victim-password-1', role: 'agent' });
    const login = (email: string, password: string, ip: string) =>
      inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress: ip });
    // Per email, from changing addresses.
    for (let i = 0; i < LOGIN_LIMITS.perEmail; i++) {
      expect((await login('victim@example.test', `wrong-password-${i}`, `10.0.1.${i + 1}`)).statusCode).toBe(401);
    }
    const blocked = await login('victim@example.test', 'victim-password-1', '10.0.1.200');
    expect(blocked.statusCode).toBe(429);
    expect((blocked.json() as { error: { code: string } }).error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Per address, across emails.
    for (let i = 0; i < LOGIN_LIMITS.perIp; i++) {
      expect((await login(`nobody${i}@example.test`, 'wrong-password', '10.0.2.1')).statusCode).toBe(401);
    }
    const fromThatAddress = await login(SUPERVISOR.email, SUPERVISOR.password, '10.0.2.1');
    expect(fromThatAddress.statusCode).toBe(429);
    // Others are not affected.
    expect((await login(SUPERVISOR.email, SUPERVISOR.password, '10.0.3.1')).statusCode).toBe(200);
  }, 60_000);
});
