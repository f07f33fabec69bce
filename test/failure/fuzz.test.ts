/**
 * Bad input, property-based (fast-check). 10 000 generated cases per target:
 *
 * - each channel's webhook parser (LINE, Twilio WhatsApp, Business Messages, web chat): arbitrary
 *   bytes, arbitrary JSON, provider-shaped bodies with arbitrary values, and valid fixtures
 *   (protocols/ and the emulators' payload builders) mutated anywhere. The parser returns events
 *   or throws WebhookParseError — nothing else, ever;
 * - the webhook routes through app.inject(): correctly signed garbage, wrongly signed or unsigned
 *   bodies, odd content types, bodies over the limit, made-up paths;
 * - every JSON API route of /api/openapi.json, as an admin: arbitrary and schema-shaped bodies,
 *   malformed JSON, wrong content types, bodies over the limit, arbitrary ids and queries.
 *
 * Never a 5xx, never a crash; over the limit → 413, wrong content type → 415, malformed JSON → 400
 * with a message; a webhook whose signature is not proven → 401/403. These run on SQLite (in RAM,
 * for speed); a last, smaller run on PostgreSQL sends strings holding U+0000, which PostgreSQL
 * text cannot store.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookParseError, type InboundEvent, type RawWebhook } from '../../src/channels/adapter.js';
import { verificationRequestOf } from '../../src/channels/gbm/handshake.js';
import { adapterFor, channelKinds } from '../../src/channels/registry.js';
import { formParams, signedData, twilioSignature } from '../../src/channels/twilio-whatsapp/verify.js';
import { ADMIN, setUpGbmChannel, setUpLineChannel, setUpTwilioChannel, type TestHub } from '../support/hub.js';
import { startFailureHub } from '../support/failure-hub.js';
import { anyBody, gbmBody, jsonValue, lineBody, twilioBody, type BodyCase, type Json } from '../support/fuzz-inputs.js';
import { rawPost, type RawAnswer } from '../support/raw-post.js';

const RUNS = 10_000;
const BODY_LIMIT = 64 * 1024;
const FUZZ_SEED = Number(process.env.SWITCHBOARD_TEST_SEED) || undefined;
const params = (numRuns: number) => ({ numRuns, ...(FUZZ_SEED ? { seed: FUZZ_SEED } : {}) });

/** encodeURIComponent, with lone surrogates (which it refuses) replaced first. */
const enc = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** A socket's answer in the shape the checks read from inject's. */
function asInjectAnswer(a: RawAnswer): { statusCode: number; body: string; json(): unknown } {
  return { statusCode: a.status, body: a.body, json: () => JSON.parse(a.body) as unknown };
}

const EVENT_TYPES = new Set<InboundEvent['type']>(['message', 'follow', 'unfollow', 'postback', 'unsend', 'status', 'typing', 'escalate', 'unknown']);

interface ParseStats {
  cases: number;
  parsed: number;
  refused: number;
  events: number;
  byCategory: Record<string, number>;
}
const parseStats: Record<string, ParseStats> = {};

/** Events, or WebhookParseError; anything else (another error, a malformed event) fails the property. */
function parseOnce(kind: string, raw: RawWebhook, category: string): void {
  const s = (parseStats[kind] ??= { cases: 0, parsed: 0, refused: 0, events: 0, byCategory: {} });
  s.cases++;
  s.byCategory[category] = (s.byCategory[category] ?? 0) + 1;
  let events: InboundEvent[];
  try {
    events = adapterFor(kind)!.parse(raw);
  } catch (err) {
    if (err instanceof WebhookParseError) {
      s.refused++;
      return;
    }
    throw err;
  }
  if (!Array.isArray(events)) throw new Error(`${kind} parse returned ${typeof events}, not an array`);
  for (const e of events) {
    if (typeof e.eventId !== 'string' || e.eventId.length === 0) throw new Error(`${kind} event without an id: ${JSON.stringify(e)}`);
    if (!EVENT_TYPES.has(e.type)) throw new Error(`${kind} event of unknown type ${String(e.type)}`);
    if (!(e.at instanceof Date)) throw new Error(`${kind} event without a date`);
    // `raw` is stored as JSON.
    JSON.stringify(e.raw);
  }
  s.parsed++;
  s.events += events.length;
}

describe('webhook parsers never fail in an unexpected way', () => {
  const base = 'https://hub.example.test';

  it(`LINE: ${RUNS} cases`, () => {
    fc.assert(
      fc.property(lineBody, fc.option(fc.constantFrom('application/json', 'text/plain'), { nil: undefined }), (c, ct) => {
        parseOnce('line', { url: `${base}/webhooks/line/acc_1`, headers: ct ? { 'content-type': ct } : {}, body: c.body }, c.category);
      }),
      params(RUNS),
    );
  });

  it(`Twilio WhatsApp: ${RUNS} cases`, () => {
    fc.assert(
      fc.property(twilioBody(), fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (c, token) => {
        const url = `${base}/webhooks/twilio-whatsapp/acc_1${c.statusPath ? '/status' : ''}${c.messageRef !== undefined ? `?m=${enc(c.messageRef)}` : ''}`;
        const headers: Record<string, string> = {};
        if (c.contentType !== undefined) headers['content-type'] = c.contentType;
        if (token !== undefined) headers['i-twilio-idempotency-token'] = token;
        parseOnce('twilio-whatsapp', { url, headers, body: c.body }, c.category);
      }),
      params(RUNS),
    );
  });

  it(`Business Messages: ${RUNS} cases`, () => {
    fc.assert(
      fc.property(gbmBody, (c) => {
        parseOnce('gbm', { url: `${base}/webhooks/gbm/acc_1`, headers: { 'content-type': 'application/json' }, body: c.body }, c.category);
      }),
      params(RUNS),
    );
  });

  it(`every other channel (web chat…): ${RUNS} cases each`, () => {
    const others = channelKinds().filter((k) => !['line', 'twilio-whatsapp', 'gbm'].includes(k));
    for (const kind of others) {
      fc.assert(
        fc.property(anyBody, (c) => parseOnce(kind, { url: `${base}/webhooks/${kind}/acc_1`, headers: {}, body: c.body }, c.category)),
        params(RUNS),
      );
    }
  });

  afterAll(() => {
    for (const [kind, s] of Object.entries(parseStats)) {
      console.log(`parser ${kind}: ${s.cases} cases (${s.parsed} parsed into ${s.events} events, ${s.refused} refused) by kind ${JSON.stringify(s.byCategory)}`);
      expect(s.cases).toBeGreaterThanOrEqual(RUNS);
    }
  });
});

// ── the HTTP surface through app.inject() ───────────────────────────────────────────────────

interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  queryNames: string[];
  bodyKeys: string[];
  bodyStrings: string[];
}

/** Property names and string constants anywhere in a JSON Schema: the vocabulary of a route's body. */
function vocabulary(schema: unknown, keys = new Set<string>(), strings = new Set<string>()): { keys: Set<string>; strings: Set<string> } {
  if (Array.isArray(schema)) for (const s of schema) vocabulary(s, keys, strings);
  else if (schema && typeof schema === 'object') {
    const o = schema as Record<string, unknown>;
    if (o.properties && typeof o.properties === 'object') for (const k of Object.keys(o.properties)) keys.add(k);
    if (typeof o.const === 'string') strings.add(o.const);
    if (Array.isArray(o.enum)) for (const e of o.enum) if (typeof e === 'string') strings.add(e);
    for (const v of Object.values(o)) vocabulary(v, keys, strings);
  }
  return { keys, strings };
}

describe('the public HTTP surface never answers 5xx', () => {
  let t: TestHub;
  let ops: Operation[];
  let cookie = '';
  let csrf = '';
  const statusCounts: Record<string, Record<number, number>> = { webhooks: {}, api: {} };
  const kindCounts: Record<string, Record<string, number>> = { webhooks: {}, api: {} };
  let line: Awaited<ReturnType<typeof setUpLineChannel>>;
  let twilio: Awaited<ReturnType<typeof setUpTwilioChannel>>;
  let gbm: Awaited<ReturnType<typeof setUpGbmChannel>>;

  const count = (target: 'webhooks' | 'api', kind: string, status: number) => {
    statusCounts[target]![status] = (statusCounts[target]![status] ?? 0) + 1;
    kindCounts[target]![kind] = (kindCounts[target]![kind] ?? 0) + 1;
  };

  async function signIn(): Promise<void> {
    const res = await t.hub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ADMIN.email, password: ADMIN.password } });
    expect(res.statusCode).toBe(200);
    const set = res.headers['set-cookie'];
    cookie = String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
    csrf = (res.json() as { csrfToken: string }).csrfToken;
  }

  beforeAll(async () => {
    t = await startFailureHub('sqlite', { sqliteInMemoryFs: true, hub: { workers: false }, config: { bodyLimit: BODY_LIMIT } });
    line = await setUpLineChannel(t);
    twilio = await setUpTwilioChannel(t);
    gbm = await setUpGbmChannel(t);
    const doc = (await t.hub.app.inject({ url: '/api/openapi.json' })).json() as { paths: Record<string, Record<string, any>> };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const v = vocabulary(op.requestBody);
        return {
          method: method.toUpperCase() as Operation['method'],
          path,
          queryNames: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name as string),
          bodyKeys: [...v.keys],
          bodyStrings: [...v.strings],
        };
      }),
    );
    await signIn();
  }, 60_000);
  afterAll(async () => {
    for (const target of ['webhooks', 'api'] as const) {
      console.log(`HTTP ${target}: ${Object.values(kindCounts[target]!).reduce((a, b) => a + b, 0)} cases ${JSON.stringify(kindCounts[target])}; statuses ${JSON.stringify(statusCounts[target])}`);
    }
    await t?.close();
  });

  it(`webhook routes: ${RUNS} cases of signed garbage, wrong signatures, odd content types, huge bodies and made-up paths`, async () => {
    const accountOf = { line: line.account.id as string, twilio: twilio.account.id as string, gbm: gbm.account.id as string };
    const twilioCreds = twilio.creds;
    const signing = fc.constantFrom('right', 'right', 'right', 'wrong', 'none');
    const contentType = fc.option(fc.constantFrom('application/json; charset=utf-8', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=zz', 'image/png', 'application/octet-stream', ''), { nil: undefined });
    const segment = fc.oneof(fc.constantFrom('line', 'twilio-whatsapp', 'gbm', 'webchat', 'status', accountOf.line, accountOf.twilio, accountOf.gbm, '..', '%2e%2e', ''), fc.string({ maxLength: 30 }));
    type Case =
      | { to: 'line' | 'gbm'; c: BodyCase; signing: string; ct?: string; huge: number }
      | { to: 'twilio'; c: ReturnType<typeof twilioBody> extends fc.Arbitrary<infer T> ? T : never; signing: string; huge: number }
      | { to: 'path'; segs: string[]; c: BodyCase; huge: number };
    const huge = fc.oneof({ weight: 19, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: BODY_LIMIT }) });
    // Half the cases go over a real socket, where plain webhooks take the server's fast path
    // (src/http/webhooks/fast-path.ts); the rest, and every huge body (which a server may refuse
    // before the client finished sending it), through Fastify's route (inject).
    const socket = fc.boolean();
    const arb: fc.Arbitrary<Case & { socket: boolean }> = fc.oneof(
      fc.record({ to: fc.constant('line' as const), c: lineBody, signing, ct: contentType, huge, socket }),
      fc.record({ to: fc.constant('twilio' as const), c: twilioBody(twilioCreds.accountSid), signing, huge, socket }),
      fc.record({ to: fc.constant('gbm' as const), c: gbmBody, signing, ct: contentType, huge, socket }),
      fc.record({ to: fc.constant('path' as const), segs: fc.array(segment, { minLength: 0, maxLength: 4 }), c: anyBody, huge, socket }),
    ) as fc.Arbitrary<Case & { socket: boolean }>;

    await fc.assert(
      fc.asyncProperty(arb, async (k) => {
        let body = k.c.body;
        if (k.huge > 0) body = Buffer.concat([body, Buffer.alloc(BODY_LIMIT + k.huge, 0x20)]);
        const headers: Record<string, string> = {};
        let url: string;
        let kind: string;
        if (k.to === 'path') {
          url = '/webhooks' + k.segs.map((s) => '/' + enc(s)).join('');
          kind = 'path';
          headers['content-type'] = 'application/json';
        } else if (k.to === 'twilio') {
          const c = k.c;
          url = `/webhooks/twilio-whatsapp/${accountOf.twilio}${c.statusPath ? '/status' : ''}${c.messageRef !== undefined ? `?m=${enc(c.messageRef)}` : ''}`;
          if (c.contentType !== undefined) headers['content-type'] = c.contentType;
          const full = t.hub.config.publicUrl + url;
          if (k.signing === 'right') headers['x-twilio-signature'] = twilioSignature(twilioCreds.authToken, full, signedData(formParams(body.toString('utf8'))));
          if (k.signing === 'wrong') headers['x-twilio-signature'] = twilioSignature('0'.repeat(32), full, signedData(formParams(body.toString('utf8'))));
          kind = `twilio/${k.signing}/${c.category}`;
        } else {
          url = `/webhooks/${k.to}/${accountOf[k.to]}`;
          if (k.ct !== undefined) headers['content-type'] = k.ct;
          const secret = k.to === 'line' ? line.creds.channelSecret : gbm.ids.clientToken;
          const sign = (key: string) => createHmac(k.to === 'line' ? 'sha256' : 'sha512', key).update(body).digest('base64');
          const header = k.to === 'line' ? 'x-line-signature' : 'x-goog-signature';
          if (k.signing === 'right') headers[header] = sign(secret);
          if (k.signing === 'wrong') headers[header] = sign('f'.repeat(secret.length));
          kind = `${k.to}/${k.signing}/${k.c.category}`;
        }
        const res = k.socket && k.huge === 0 ? asInjectAnswer(await rawPost(t.url, url, headers, body)) : await t.hub.app.inject({ method: 'POST', url, headers, payload: body });
        count('webhooks', `${k.huge > 0 ? 'huge' : kind}${k.socket && k.huge === 0 ? ' (socket)' : ''}`, res.statusCode);
        const say = () => `${res.statusCode} ${res.body.slice(0, 300)} for ${kind} ${url} ${JSON.stringify(headers)} ${body.toString('utf8').slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(`5xx: ${say()}`);
        if (k.huge > 0 && k.to !== 'path') {
          // An empty Content-Type is refused before the body is read.
          if (res.statusCode !== (headers['content-type'] === '' ? 415 : 413)) throw new Error(`over the limit but not 413: ${say()}`);
          return;
        }
        if (k.to === 'path' || k.huge > 0) return;
        const handshake = k.to === 'gbm' && verificationRequestOf(body) !== undefined;
        // The webhook routes take any content type (the signature covers the bytes), but not an empty header.
        if (headers['content-type'] === '') {
          if (res.statusCode !== 415) throw new Error(`empty Content-Type not 415: ${say()}`);
        } else if (handshake) {
          if (![200, 403].includes(res.statusCode)) throw new Error(`handshake answered ${say()}`);
        } else if (k.signing !== 'right') {
          if (![401, 403].includes(res.statusCode)) throw new Error(`unproven signature not refused: ${say()}`);
        } else if (k.to === 'twilio') {
          if (![200, 400, 403].includes(res.statusCode)) throw new Error(`signed Twilio webhook answered ${say()}`);
        } else if (![200, 400].includes(res.statusCode)) throw new Error(`signed webhook answered ${say()}`);
        if (res.statusCode === 400 && !(res.json() as { error?: { message?: string } }).error?.message) throw new Error(`400 without a message: ${say()}`);
      }),
      params(RUNS),
    );
    // The signed cases reached the store: messages were stored from fuzzed bodies.
    const stored = await t.hub.store.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    console.log(`webhook fuzz stored ${Number(stored?.n)} inbound events`);
    expect(Number(stored?.n)).toBeGreaterThan(100);
  }, 120_000);

  it(`JSON API routes of /api/openapi.json: ${RUNS} cases as an admin`, async () => {
    // Real ids of every kind the hub holds (not the admin's own: a fuzzed PATCH could lock it out).
    const me = (await t.hub.app.inject({ url: '/api/me', headers: { cookie } })).json() as { user: { id: string } };
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
    for (const path of ['/api/accounts', '/api/workstreams', '/api/queues', '/api/users', '/api/channel-instances', '/api/conversations', '/api/contacts']) {
      collect((await t.hub.app.inject({ url: path, headers: { cookie } })).json());
    }
    ids.delete(me.user.id);
    const idPool = [...ids];
    expect(idPool.length).toBeGreaterThan(10);

    // Routes whose bodies carry a password hash it (scrypt, ~50 ms of CPU): fewer of those cases, all the same.
    const hashing = ops.map((o, i) => [o, i] as const).filter(([o]) => o.bodyKeys.includes('password')).map(([, i]) => i);
    const cheap = ops.map((_, i) => i).filter((i) => !hashing.includes(i));
    const opIndex = fc.oneof({ weight: 49, arbitrary: fc.constantFrom(...cheap) }, { weight: 1, arbitrary: fc.constantFrom(...hashing) });
    const pathParam = fc.oneof(fc.constantFrom(...idPool), fc.constant('dummy_id_0000'), fc.string({ maxLength: 20 }));
    const wrongTypes = fc.constantFrom('text/plain', 'text/html', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/jsonx', 'json');
    const malformed = fc.oneof(
      fc.constant(''),
      fc.constantFrom('{', '[', '{"a":', '{"a" 1}', "{'a':1}", 'undefined', 'NaN', '{"a":1,}', '[1,]', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}'),
      jsonValue.map((v) => JSON.stringify(v) ?? 'null').chain((s) => fc.nat({ max: Math.max(0, s.length - 1) }).map((n) => s.slice(0, n) + '}{')),
    );
    type Body =
      | { kind: 'json'; json: Json }
      | { kind: 'shaped'; shaped: Array<[number, Json]> }
      | { kind: 'malformed'; text: string }
      | { kind: 'wrong-type'; type: string; json: Json }
      | { kind: 'huge'; extra: number }
      | { kind: 'none' };
    // Only what each kind of body needs is generated: generation is most of a case's cost.
    const body: fc.Arbitrary<Body> = fc.oneof(
      { weight: 3, arbitrary: jsonValue.map((json): Body => ({ kind: 'json', json })) },
      { weight: 3, arbitrary: fc.array(fc.tuple(fc.nat(), fc.oneof(jsonValue, fc.nat().map(String), fc.constantFrom(...idPool))), { maxLength: 8 }).map((shaped): Body => ({ kind: 'shaped', shaped })) },
      { weight: 1, arbitrary: malformed.map((text): Body => ({ kind: 'malformed', text })) },
      { weight: 1, arbitrary: fc.tuple(wrongTypes, jsonValue).map(([type, json]): Body => ({ kind: 'wrong-type', type, json })) },
      { weight: 1, arbitrary: fc.integer({ min: 1, max: BODY_LIMIT }).map((extra): Body => ({ kind: 'huge', extra })) },
      { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    );
    const arb = fc.record({
      op: opIndex,
      params: fc.array(pathParam, { minLength: 3, maxLength: 3 }),
      query: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...idPool)), { maxKeys: 3 }),
      queryKnown: fc.array(fc.tuple(fc.nat(), fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('true', 'false', '0', '-1', '1e9', ...idPool))), { maxLength: 3 }),
      body,
      randomPath: fc.oneof(
        { weight: 19, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 15 }), { minLength: 1, maxLength: 4 }) },
      ),
      ip: fc.integer({ min: 1, max: 250 }),
    });

    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        const op = ops[c.op]!;
        let p = 0;
        let url = c.randomPath ? '/api/' + c.randomPath.map(enc).join('/') : op.path.replace(/\{[^}]+\}/g, () => enc(c.params[p++ % 3]!));
        // A parameter of "." or ".." is a dot segment, not an id: the path names no route.
        const madeUp = c.randomPath !== undefined || /\/\.{1,2}(\/|$)/.test(url);
        const q = new URLSearchParams(c.query);
        for (const [i, v] of c.queryKnown) if (op.queryNames.length > 0) q.set(op.queryNames[i % op.queryNames.length]!, v);
        if ([...q].length > 0) url += '?' + q.toString();
        const withBody = op.method === 'POST' || op.method === 'PUT' || op.method === 'PATCH';
        const b: Body = withBody ? c.body : { kind: 'none' };
        const kind = b.kind;
        const headers: Record<string, string> = { cookie, 'x-csrf-token': csrf };
        let payload: string | undefined;
        if (b.kind === 'json') payload = JSON.stringify(b.json) ?? 'null';
        if (b.kind === 'shaped') {
          const o: Record<string, Json> = {};
          const vocab = op.bodyKeys.length > 0 ? op.bodyKeys : ['x'];
          for (const [i, v] of b.shaped) o[vocab[i % vocab.length]!] = typeof v === 'string' && op.bodyStrings.length > 0 && i % 3 === 0 ? op.bodyStrings[i % op.bodyStrings.length]! : v;
          payload = JSON.stringify(o);
        }
        if (b.kind === 'malformed') payload = b.text;
        if (b.kind === 'wrong-type') payload = JSON.stringify(b.json) ?? 'null';
        if (b.kind === 'huge') payload = JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT + b.extra) });
        if (payload !== undefined) headers['content-type'] = b.kind === 'wrong-type' ? b.type : 'application/json';
        // Each case from its own address: fuzzed sign-ins must not rate-limit the admin's.
        const req: InjectOptions = { method: op.method, url, headers, remoteAddress: `10.9.0.${c.ip}`, ...(payload !== undefined ? { payload } : {}) };
        const res: LightMyRequestResponse = await t.hub.app.inject(req);
        count('api', madeUp ? 'random-path' : kind, res.statusCode);
        const say = () => `${res.statusCode} ${res.body.slice(0, 300)} for ${op.method} ${url} (${kind}, ${headers['content-type'] ?? 'no body'}) ${String(payload).slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(`5xx: ${say()}`);
        if (madeUp) {
          // No route: 404 — unless the body is refused first (unparsable, over the limit, wrong type).
          if (![400, 404, 413, 415].includes(res.statusCode)) throw new Error(`a made-up path answered ${say()}`);
          return;
        }
        if (kind === 'huge' && res.statusCode !== 413) throw new Error(`over the limit but not 413: ${say()}`);
        if (kind === 'wrong-type' && res.statusCode !== 415) throw new Error(`wrong content type but not 415: ${say()}`);
        if (kind === 'malformed') {
          const err = (res.json() as { error?: { code?: string; message?: string } }).error;
          if (res.statusCode !== 400 || err?.code !== 'bad_request' || !err.message) throw new Error(`malformed JSON but not 400 with a message: ${say()}`);
        }
        if (res.statusCode >= 400 && !(res.json() as { error?: { code?: string } }).error?.code) throw new Error(`an error without {error: {code}}: ${say()}`);
        // A fuzzed sign-out ends the admin's session: sign in again.
        if (op.path === '/api/auth/logout' && res.statusCode < 300) await signIn();
      }),
      params(RUNS),
    );
  }, 120_000);
});

describe('on PostgreSQL, whose text cannot hold U+0000', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startFailureHub('postgres', { hub: { workers: false } });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });

  it('strings with U+0000 in signed webhooks (ids, names) and in API bodies are stored, never a 5xx', async () => {
    const line = await setUpLineChannel(t);
    const twilio = await setUpTwilioChannel(t);
    const withNul = fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}\u0000${b}`);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(withNul, withNul, withNul, async (userId, messageId, name) => {
        const i = ++n;
        const event = {
          type: 'message',
          message: { type: 'text', id: `${messageId}-${i}`, text: name },
          webhookEventId: `nul-${i}-${messageId}`,
          timestamp: 0,
          source: { type: 'user', userId },
          mode: 'active',
        };
        const body = JSON.stringify({ destination: 'U' + '0'.repeat(32), events: [event] });
        const signature = createHmac('sha256', line.creds.channelSecret).update(body).digest('base64');
        const res = await t.hub.app.inject({ method: 'POST', url: `/webhooks/line/${line.account.id}`, headers: { 'content-type': 'application/json', 'x-line-signature': signature }, payload: body });
        if (res.statusCode !== 200) throw new Error(`signed LINE webhook with U+0000: ${res.statusCode} ${res.body}`);
        // The same event again is recognised as a redelivery.
        const again = await t.hub.app.inject({ method: 'POST', url: `/webhooks/line/${line.account.id}`, headers: { 'content-type': 'application/json', 'x-line-signature': signature }, payload: body });
        if (again.statusCode !== 200) throw new Error(`redelivery: ${again.statusCode}`);
        const contact = await t.admin.raw('POST', '/api/contacts', { displayName: name.trim() === '' ? `x${name}` : name, fields: { [name]: name } });
        if (contact.status >= 500) throw new Error(`contact with U+0000: ${contact.status} ${await contact.text()}`);
      }),
      params(100),
    );
    const stored = await t.hub.store.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', line.account.id).executeTakeFirst();
    expect(Number(stored?.n)).toBe(n);
    // A WhatsApp customer whose profile name holds U+0000 still reaches the business.
    const customer = t.twilio.customer(twilio.creds.accountSid, twilio.number, '+393330009999', 'Nul\u0000Name');
    expect((await customer.sendText('hello')).status).toBe(200);
  }, 60_000);
});
