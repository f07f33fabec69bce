/** The HTTP bot against a real bot: a node:http server in the test that checks what it receives. */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotTurn } from './contract.js';
import { HttpBot, parseAnswer, signBotRequest, verifyBotSignature } from './http-bot.js';

const SECRET = 'test-bot-secret-0123456789';

interface Received {
  headers: IncomingMessage['headers'];
  raw: string;
}

let server: Server;
let url: string;
let received: Received[] = [];
let answer: (req: Received, n: number) => { status: number; body?: string; hang?: boolean };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const a = answer(r, received.length);
      if (a.hang) return; // never answers
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bot`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  received = [];
});

const turn: BotTurn = {
  type: 'message',
  conversation: { id: 'conv_1', channel: 'line', locale: 'en-US', customer: { name: 'Kenji', language: 'en' }, context: { variables: { tier: 'gold' }, preChat: {} } },
  message: { id: 'msg_2', kind: 'text', text: 'hello' },
  transcript: [{ from: 'customer', text: 'hello', at: '2026-01-01T00:00:00.000Z' }],
};

const bot = (o: Partial<ConstructorParameters<typeof HttpBot>[0]> = {}) => new HttpBot({ url, secret: SECRET, backoffMs: [10, 20], ...o });
const ok = (actions: unknown) => ({ status: 200, body: JSON.stringify({ actions }) });

describe('HttpBot', () => {
  it('signs the exact raw body with the timestamp; a bot can verify it independently', async () => {
    const now = Date.parse('2026-03-01T12:00:00Z');
    answer = () => ok([{ type: 'set_variables', variables: { tier: 'gold', visits: 3, vip: true } }, { type: 'reply', text: 'Hi', suggestions: [{ text: 'Yes', postbackData: 'y' }] }]);
    const out = await bot({ now: () => now }).handle(turn);
    expect(out).toEqual({
      ok: true,
      actions: [
        { type: 'set_variables', variables: { tier: 'gold', visits: 3, vip: true } },
        { type: 'reply', text: 'Hi', suggestions: [{ text: 'Yes', postbackData: 'y' }] },
      ],
    });
    const [r] = received;
    expect(r!.headers['content-type']).toBe('application/json');
    const ts = r!.headers['x-switchboard-timestamp'] as string;
    expect(ts).toBe(String(now / 1000));
    // What a bot written in any language does: HMAC-SHA256 over "<timestamp>.<raw body>".
    const expected = 'sha256=' + createHmac('sha256', SECRET).update(`${ts}.${r!.raw}`).digest('hex');
    expect(r!.headers['x-switchboard-signature']).toBe(expected);
    expect(JSON.parse(r!.raw)).toEqual(turn);
    expect(verifyBotSignature({ secret: SECRET, rawBody: r!.raw, signature: expected, timestamp: ts, nowSec: now / 1000 + 10 })).toBe(true);
  });

  it('verifyBotSignature refuses a wrong secret, a changed body, a stale or future timestamp and missing headers', () => {
    const ts = 1_700_000_000;
    const body = '{"type":"message"}';
    const sig = signBotRequest(SECRET, ts, body);
    const base = { secret: SECRET, rawBody: body, signature: sig, timestamp: String(ts), nowSec: ts };
    expect(verifyBotSignature(base)).toBe(true);
    expect(verifyBotSignature({ ...base, secret: 'another-secret-0123456789' })).toBe(false);
    expect(verifyBotSignature({ ...base, rawBody: body.replace('message', 'massage') })).toBe(false);
    expect(verifyBotSignature({ ...base, nowSec: ts + 301 })).toBe(false);
    expect(verifyBotSignature({ ...base, nowSec: ts - 301 })).toBe(false);
    expect(verifyBotSignature({ ...base, nowSec: ts + 300 })).toBe(true);
    expect(verifyBotSignature({ ...base, signature: undefined })).toBe(false);
    expect(verifyBotSignature({ ...base, timestamp: 'soon' })).toBe(false);
  });

  it('retries a 5xx with the same request id, then takes the answer', async () => {
    answer = (_r, n) => (n === 1 ? { status: 502 } : ok([{ type: 'escalate', reason: 'billing' }]));
    expect(await bot().handle(turn)).toEqual({ ok: true, actions: [{ type: 'escalate', reason: 'billing' }] });
    expect(received).toHaveLength(2);
    expect(received[1]!.headers['x-switchboard-request-id']).toBe(received[0]!.headers['x-switchboard-request-id']);
  });

  it('gives up after two retries of 5xx or timeouts: unavailable', async () => {
    answer = () => ({ status: 503 });
    expect(await bot().handle(turn)).toEqual({ ok: false, reason: 'unavailable', detail: 'the bot answered HTTP 503 (after 3 attempts)' });
    expect(received).toHaveLength(3);

    received = [];
    answer = () => ({ status: 200, hang: true });
    const slow = await bot({ timeoutMs: 100 }).handle(turn);
    expect(slow).toEqual({ ok: false, reason: 'unavailable', detail: 'no answer within 100 ms (after 3 attempts)' });
    expect(received).toHaveLength(3);
  });

  it('a 4xx is not retried; an unreachable bot is unavailable', async () => {
    answer = () => ({ status: 401, body: '{"error":"bad signature"}' });
    expect(await bot().handle(turn)).toEqual({ ok: false, reason: 'unavailable', detail: 'the bot answered HTTP 401' });
    expect(received).toHaveLength(1);

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await bot({ url: `http://127.0.0.1:${port}/bot` }).handle(turn);
    expect(down).toMatchObject({ ok: false, reason: 'unavailable', detail: expect.stringMatching(/^cannot reach the bot.*after 3 attempts/) });
  });

  it('an invalid 200 answer is reported invalid with the reason', async () => {
    answer = () => ({ status: 200, body: 'OK' });
    expect(await bot().handle(turn)).toEqual({ ok: false, reason: 'invalid_answer', detail: 'the answer is not JSON' });
    expect(received).toHaveLength(1);
  });
});

describe('parseAnswer', () => {
  it.each([
    ['{"actions":[]}', true],
    ['{"actions":[{"type":"end"}]}', true],
    ['{"actions":[{"type":"end","text":"Bye"}],"extra":1}', true],
    ['{"actions":[{"type":"escalate"}]}', true],
    ['{}', false],
    ['[]', false],
    ['{"actions":[{"type":"reply"}]}', false],
    ['{"actions":[{"type":"reply","text":""}]}', false],
    ['{"actions":[{"type":"dance"}]}', false],
    ['{"actions":[{"type":"set_variables","variables":{"a":{"nested":true}}}]}', false],
    ['{"actions":[{"type":"set_variables","variables":{"a.b":1}}]}', false],
    ['{"actions":[{"type":"reply","text":"x","suggestions":[{"text":"Yes"}]}]}', false],
  ])('%s → valid %s', (body, valid) => {
    const r = parseAnswer(body);
    expect(r.ok).toBe(valid);
    if (!r.ok) expect(r).toMatchObject({ reason: 'invalid_answer', detail: expect.any(String) });
  });

  it('names the offending field', () => {
    expect(parseAnswer('{"actions":[{"type":"reply"}]}')).toMatchObject({ detail: expect.stringContaining('answer.actions.0.text') });
  });
});
