/**
 * The webhook fast path answers exactly as the Fastify route does: every case below is sent over
 * a socket (the fast path takes it, or passes it on) and through app.inject (Fastify's route
 * alone), and the two answers must agree on status, Content-Type and body. Redeliveries of one
 * signed body are stored once, whichever way they came.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import { webhookFastPath } from './fast-path.js';
import type { WebhookCall } from './webhook-routes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, setUpLineChannel, type TestHub } from '../../../test/support/hub.js';
import { lineTextEvent, lineUserId, signedLineBody } from '../../../test/support/line-webhooks.js';
import { rawPost, type RawAnswer } from '../../../test/support/raw-post.js';

interface Sent {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
  chunked?: boolean;
}

type Answer = RawAnswer;

function overSocket(url: string, s: Sent): Promise<Answer> {
  return rawPost(url, s.path, s.headers, s.body, { chunked: s.chunked ?? false });
}

async function throughFastify(t: TestHub, s: Sent): Promise<Answer> {
  const res = await t.hub.app.inject({ method: 'POST', url: s.path, headers: s.headers, payload: s.body });
  return { status: res.statusCode, type: res.headers['content-type'] as string | undefined, body: res.body };
}

describe('webhook fast path', () => {
  let t: TestHub;
  let line: Awaited<ReturnType<typeof setUpLineChannel>>;
  let path: string;
  let made = 0;

  beforeAll(async () => {
    t = await startTestHub('sqlite', { config: { bodyLimit: 64 * 1024 } });
    line = await setUpLineChannel(t);
    path = new URL(line.account.callbackUrl as string).pathname;
  });
  afterAll(async () => t.close());

  const signed = (text: string) => {
    const n = ++made;
    const event = lineTextEvent({ userId: lineUserId(), text, messageId: `${Date.now()}${n}`, webhookEventId: `01FASTPATH${Date.now()}${n}` });
    const { body, signature } = signedLineBody(line.creds.channelSecret, [event]);
    return { body: Buffer.from(body), signature };
  };

  const cases: Array<[string, () => Sent]> = [
    ['a signed LINE webhook', () => {
      const s = signed('hello');
      return { path, headers: { 'content-type': 'application/json', 'x-line-signature': s.signature }, body: s.body };
    }],
    ['a wrong signature', () => {
      const s = signed('forged');
      return { path, headers: { 'content-type': 'application/json', 'x-line-signature': signed('other').signature }, body: s.body };
    }],
    ['no signature', () => ({ path, headers: { 'content-type': 'application/json' }, body: signed('x').body })],
    ['signed garbage', () => {
      const body = Buffer.from('{"events": 42}');
      const { signature } = signedLineBody(line.creds.channelSecret, []);
      return { path, headers: { 'content-type': 'application/json', 'x-line-signature': signature }, body };
    }],
    ['an unknown account', () => ({ path: '/webhooks/line/acc_missing', headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })],
    ['an unknown channel kind', () => ({ path: `/webhooks/fax/${line.account.id as string}`, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })],
    ['an unknown hook', () => ({ path: `${path}/nope`, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })],
    ['a query string', () => {
      const s = signed('with query');
      return { path: `${path}?x=1`, headers: { 'content-type': 'application/json', 'x-line-signature': s.signature }, body: s.body };
    }],
    ['an empty Content-Type (passed on: 415)', () => ({ path, headers: { 'content-type': '' }, body: Buffer.from('{}') })],
    ['no Content-Type (passed on)', () => ({ path, headers: {}, body: Buffer.from('{}') })],
    ['a body over the limit (passed on: 413)', () => ({ path, headers: { 'content-type': 'application/json' }, body: Buffer.alloc(64 * 1024 + 1, 'a') })],
    ['a percent-encoded path (passed on)', () => ({ path: path.replace('/line/', '/l%69ne/'), headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') })],
  ];

  it.each(cases)('%s: the same answer both ways', async (_name, make) => {
    const sent = make();
    const fast = await overSocket(t.url, sent);
    const slow = await throughFastify(t, sent);
    expect(fast).toEqual(slow);
  });

  it('a chunked body is passed on to Fastify and stored', async () => {
    const s = signed('chunked');
    const a = await overSocket(t.url, { path, headers: { 'content-type': 'application/json', 'x-line-signature': s.signature }, body: s.body, chunked: true });
    expect(a.status).toBe(200);
  });

  it('stores a signed webhook once, whichever way it came, and answers 200 to its redelivery', async () => {
    const text = `once-${Date.now()}`;
    const s = signed(text);
    const sent = { path, headers: { 'content-type': 'application/json', 'x-line-signature': s.signature }, body: s.body };
    expect((await overSocket(t.url, sent)).status).toBe(200);
    expect((await throughFastify(t, sent)).status).toBe(200);
    expect((await overSocket(t.url, sent)).status).toBe(200);
    const rows = await t.hub.store.db.selectFrom('messages').select('content').where('content', 'like', `%${text}%`).execute();
    expect(rows).toHaveLength(1);
  });
});

describe('webhookFastPath alone', () => {
  let server: Server;
  let url: string;
  const taken: WebhookCall[] = [];
  const passed: string[] = [];
  const fast = webhookFastPath({
    receive: async (call) => {
      taken.push(call);
      if (call.accountId === 'explodes') throw new Error('boom');
      return { status: 200, body: '' };
    },
    bodyLimit: 100,
    clock: systemClock,
    log: createLogger('silent'),
  });

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (fast.handle(req, res)) return;
      passed.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(299).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((r) => server.close(() => r())));

  const post = (path: string, o: { type?: string; body?: string; chunked?: boolean } = {}) =>
    overSocket(url, { path, headers: o.type === undefined ? {} : { 'content-type': o.type }, body: Buffer.from(o.body ?? '{}'), ...(o.chunked ? { chunked: true } : {}) });

  it('takes plain webhooks with their route, path, headers and exact bytes', async () => {
    taken.length = 0;
    expect((await post('/webhooks/line/acc_1', { type: 'application/json', body: '{"a":1}' })).status).toBe(200);
    expect((await post('/webhooks/twilio-whatsapp/acc_2/status?m=msg_1', { type: 'application/x-www-form-urlencoded', body: 'A=1' })).status).toBe(200);
    expect(taken.map((c) => [c.kind, c.accountId, c.hook, c.path, c.body.toString(), c.headers['content-type']])).toEqual([
      ['line', 'acc_1', undefined, '/webhooks/line/acc_1', '{"a":1}', 'application/json'],
      ['twilio-whatsapp', 'acc_2', 'status', '/webhooks/twilio-whatsapp/acc_2/status?m=msg_1', 'A=1', 'application/x-www-form-urlencoded'],
    ]);
  });

  it('passes on what it does not take: other methods and paths, no or empty Content-Type, chunked or oversized bodies, encoded segments', async () => {
    passed.length = 0;
    taken.length = 0;
    await post('/api/webhooks/line/a', { type: 'application/json' });
    await post('/webhooks/line', { type: 'application/json' });
    await post('/webhooks/line/a/b/c', { type: 'application/json' });
    await post('/webhooks/line/a');
    await post('/webhooks/line/a', { type: '' });
    await post('/webhooks/line/a', { type: 'application/json', chunked: true });
    await post('/webhooks/line/a', { type: 'application/json', body: 'x'.repeat(101) });
    await post('/webhooks/l%69ne/a', { type: 'application/json' });
    expect(taken).toEqual([]);
    expect(passed).toHaveLength(8);
  });

  it('answers 500 with the error shape when receiving throws, and everything passes on once closed', async () => {
    const a = await post('/webhooks/line/explodes', { type: 'application/json' });
    expect(a).toEqual({ status: 500, type: 'application/json; charset=utf-8', body: JSON.stringify({ error: { code: 'internal', message: 'An unexpected error occurred; it was logged' } }) });
    fast.close();
    passed.length = 0;
    expect((await post('/webhooks/line/acc_1', { type: 'application/json' })).status).toBe(299);
    expect(passed).toEqual(['POST /webhooks/line/acc_1']);
  });
});
