/**
 * Bots through the public API, on SQLite and PostgreSQL: a workstream's bot gets the conversation
 * first. The FAQ bot answers from its entries and escalates on request; an HTTP bot (a real
 * node:http server here, checking the signature as a bot must) sets variables that routing rules
 * use, escalates, ends conversations; a dead bot hands the customer to a person.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, eventually } from '../support/api-client.js';
import { freePort, setUpGbmChannel, setUpLineChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

interface BotServer {
  url: string;
  /** Verified requests, parsed. */
  requests: any[];
  /** Requests refused for a missing or wrong signature or a stale timestamp. */
  refused: number;
  close(): Promise<void>;
}

/** A bot as a customer would write one: verify X-Switchboard-Signature, answer actions. */
async function startBotServer(secret: () => string, respond: (turn: any) => unknown[]): Promise<BotServer> {
  const s: Omit<BotServer, 'url' | 'close'> = { requests: [], refused: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-switchboard-timestamp'] ?? '');
      const given = Buffer.from(String(req.headers['x-switchboard-signature'] ?? ''));
      const expected = Buffer.from('sha256=' + createHmac('sha256', secret()).update(`${ts}.${raw}`).digest('hex'));
      const fresh = Math.abs(Date.now() / 1000 - Number(ts)) <= 300;
      if (!fresh || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        s.refused++;
        res.writeHead(401).end();
        return;
      }
      const turn = JSON.parse(raw);
      s.requests.push(turn);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ actions: respond(turn) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(s, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/switchboard`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  });
}

const texts = (inbox: Array<{ message: unknown }>) => inbox.map((r) => (r.message as { text?: string }).text);

/**
 * What the customer got from the bot. Automated messages (a greeting, the place in the queue…)
 * come from the hub on their own; the tests look at the bot's part.
 */
async function botTextsIn(customer: { inbox(): Array<{ message: unknown }> }, expected: string[]): Promise<string[]> {
  return eventually(async () => {
    const got = texts(customer.inbox()).filter((x): x is string => x !== undefined && expected.includes(x));
    return got.length >= expected.length && got;
  }, 10_000, `the customer receives ${JSON.stringify(expected)}`);
}

/** The conversation without the hub's automated messages: customer, bot, agent and bot events. */
const withoutAutomated = (messages: any[]) =>
  messages.filter((m) => m.senderType !== 'system' || (m.content.kind === 'event' && String(m.content.name).startsWith('bot_')));
const botEvents = (messages: any[]) => messages.filter((m) => m.content.kind === 'event' && String(m.content.name).startsWith('bot_'));

describe.each(STORE_KINDS)('bots on %s', (kind) => {
  let t: TestHub;
  const servers: BotServer[] = [];
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await t?.close();
  });

  /** The single conversation of a channel instance. */
  const conversationOf = (instanceId: string) =>
    eventually(async () => ((await t.admin.get('/api/conversations')) as any[]).find((c) => c.channelInstanceId === instanceId), 10_000, 'conversation');

  it('admin API: secrets generated, sealed and masked for supervisors; unknown bots refused; a bot in use cannot be deleted', async () => {
    const created = await t.admin.post('/api/bots', { kind: 'http', name: 'Concierge', settings: { url: 'https://bot.example.com/hook' } });
    expect(created).toMatchObject({ kind: 'http', name: 'Concierge', settings: { url: 'https://bot.example.com/hook' }, usedBy: [] });
    expect(created.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.hub.store.db.selectFrom('bots').select('secret_sealed').where('id', '=', created.id).execute();
    expect(rows[0]!.secret_sealed).toMatch(/^v1\./);
    expect(rows[0]!.secret_sealed).not.toContain(created.secret);

    await t.admin.post('/api/users', { email: `sup-bots-${kind}@example.test`, displayName: 'Sue', password: 'supervisor-pw-1', role: 'supervisor' });
    const sup = new ApiClient(t.url);
    await sup.login(`sup-bots-${kind}@example.test`, 'supervisor-pw-1');
    expect((await sup.get(`/api/bots/${created.id}`)).secret).toBe(`••••${created.secret.slice(-4)}`);
    expect((await sup.raw('POST', '/api/bots', { kind: 'faq', name: 'x', settings: { entries: [] } })).status).toBe(403);

    const bad = await t.admin.raw('POST', '/api/bots', { kind: 'http', name: 'Bad', settings: { url: 'ftp://bot.example.com' } });
    expect(bad.status).toBe(400);
    const badFaq = await t.admin.raw('POST', '/api/bots', { kind: 'faq', name: 'Bad', settings: { entries: [{ keywords: [], answer: 'x' }] } });
    expect(badFaq.status).toBe(400);

    // PATCH: the masked secret sent back keeps it; a new one replaces it.
    const kept = await t.admin.call('PATCH', `/api/bots/${created.id}`, { name: 'Concierge 2', secret: `••••${created.secret.slice(-4)}` });
    expect(kept).toMatchObject({ name: 'Concierge 2', secret: created.secret });
    const rotated = await t.admin.call('PATCH', `/api/bots/${created.id}`, { secret: 'a-brand-new-secret-value-42' });
    expect(rotated.secret).toBe('a-brand-new-secret-value-42');
    expect((await t.admin.raw('PATCH', `/api/bots/${created.id}`, { settings: { url: 'not a url' } })).status).toBe(400);

    const ws = await t.admin.post('/api/workstreams', { name: `Bot admin ${kind}`, mode: 'pick' });
    const unknown = await t.admin.raw('PUT', `/api/workstreams/${ws.id}/routing`, { botId: 'bot_nope' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error.message).toMatch(/Unknown bot/);
    await t.admin.call('PUT', `/api/workstreams/${ws.id}/routing`, { botId: created.id });
    expect((await t.admin.get(`/api/bots/${created.id}`)).usedBy).toEqual([{ id: ws.id, name: ws.name }]);
    const refused = await t.admin.raw('DELETE', `/api/bots/${created.id}`);
    expect(refused.status).toBe(409);
    await t.admin.call('PUT', `/api/workstreams/${ws.id}/routing`, { botId: null });
    expect((await t.admin.raw('DELETE', `/api/bots/${created.id}`)).status).toBe(204);
    expect((await t.admin.raw('GET', `/api/bots/${created.id}`)).status).toBe(404);
    const doc = await t.admin.get('/api/openapi.json');
    expect(doc.paths['/api/bots/{id}'].delete['x-roles']).toEqual(['admin']);
  });

  it('FAQ bot: answers from its entries as the bot, then escalates on request; the agent who picks it reads the whole transcript', async () => {
    const ch = await setUpLineChannel(t);
    const bot = await t.admin.post('/api/bots', {
      kind: 'faq',
      name: 'Care FAQ',
      settings: {
        greeting: 'Hi! I am the Care bot.',
        entries: [
          { keywords: ['opening hours', 'open'], answer: 'We are open 9:00–18:00, Monday to Friday.' },
          { keywords: ['refund'], answer: 'Refunds take 5 working days.' },
        ],
        fallback: 'reply',
      },
    });
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, { botId: bot.id });

    const customer = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Mika' });
    await customer.sendText('what are your opening hours?');
    const botSaid = ['Hi! I am the Care bot.', 'We are open 9:00–18:00, Monday to Friday.'];
    expect(await botTextsIn(customer, botSaid)).toEqual(botSaid);
    const conv = await conversationOf(ch.instance.id);
    const early = await t.admin.get(`/api/conversations/${conv.id}/messages`);
    expect(early.filter((m: any) => m.senderType === 'bot').map((m: any) => [m.senderType, m.content.text])).toEqual([
      ['bot', 'Hi! I am the Care bot.'],
      ['bot', 'We are open 9:00–18:00, Monday to Friday.'],
    ]);

    await customer.sendText('I want a human');
    const routed = await eventually(async () => {
      const items = (await ch.agent.get(`/api/queues/${ch.queueId}/items`)) as any[];
      return items.find((c) => c.id === conv.id && c.context.botDone === true && c.context.routing);
    }, 10_000, 'escalated into the queue');
    expect(routed.context.routing).toMatchObject({ queueId: ch.queueId });
    const botMessages = async () => ((await t.admin.get(`/api/conversations/${conv.id}/messages`)) as any[]).filter((m) => m.senderType === 'bot');
    expect(await botMessages()).toHaveLength(2); // the bot said nothing more

    const picked = await ch.agent.post(`/api/conversations/${conv.id}/pick`);
    expect(picked).toMatchObject({ state: 'active', agentId: ch.agentId });
    expect(picked.context.botDone).toBe(true);
    const transcript = withoutAutomated(await ch.agent.get(`/api/conversations/${conv.id}/messages`));
    expect(transcript.map((m: any) => [m.senderType, m.content.text ?? m.content.name])).toEqual([
      ['customer', 'what are your opening hours?'],
      ['bot', 'Hi! I am the Care bot.'],
      ['bot', 'We are open 9:00–18:00, Monday to Friday.'],
      ['customer', 'I want a human'],
      ['system', 'bot_escalated'],
    ]);
    expect(transcript.at(-1).content.detail).toBe('the customer asked for a person');

    // The bot is done: the agent's conversation is the agent's.
    await customer.sendText('hello?');
    await eventually(async () => ((await ch.agent.get(`/api/conversations/${conv.id}/messages`)) as any[]).some((m) => m.content.text === 'hello?'));
    await new Promise((r) => setTimeout(r, 200));
    expect(await botMessages()).toHaveLength(2);
  });

  it('HTTP bot: signed turns with the transcript; its variables reach the routing rules (Gold queue); then it escalates', async () => {
    let secret = '';
    const server = await startBotServer(
      () => secret,
      (turn) =>
        turn.type === 'conversation.started'
          ? [{ type: 'set_variables', variables: { tier: 'gold' } }, { type: 'reply', text: 'Welcome back, gold member!' }]
          : [{ type: 'escalate', reason: 'billing question' }],
    );
    servers.push(server);
    const gold = await t.admin.post('/api/queues', { name: `Gold ${kind}` });
    const ch = await setUpLineChannel(t);
    const bot = await t.admin.post('/api/bots', { kind: 'http', name: 'Tier bot', settings: { url: server.url } });
    secret = bot.secret;
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, {
      botId: bot.id,
      classification: [
        { id: 'tiers', rules: [{ id: 'gold', condition: { field: 'variables.tier', op: 'equals', value: 'gold' }, outputs: { priority: 10, variables: { segment: 'vip' } } }] },
      ],
      routeToQueue: { id: 'r', rules: [{ id: 'vip', condition: { field: 'variables.segment', op: 'equals', value: 'vip' }, queueId: gold.id }] },
    });

    const customer = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Aiko' });
    await customer.sendText('hi, I have a question about my bill');
    await botTextsIn(customer, ['Welcome back, gold member!']);
    const conv = await conversationOf(ch.instance.id);
    await customer.sendText('I was charged twice');

    const routed = await eventually(async () => ((await t.admin.get(`/api/queues/${gold.id}/items`)) as any[]).find((c) => c.id === conv.id), 10_000, 'routed to Gold');
    expect(routed.context).toMatchObject({ botDone: true, variables: { tier: 'gold', segment: 'vip' }, routing: { queueId: gold.id, ruleId: 'vip' } });
    expect(server.refused).toBe(0);
    expect(server.requests).toHaveLength(2);
    const [started, message] = server.requests;
    expect(started).toMatchObject({
      type: 'conversation.started',
      // The name arrives with the profile LINE is asked for, which may come after the first turn.
      conversation: { id: conv.id, channel: 'line', locale: 'en-US', customer: { name: expect.toBeOneOf(['Aiko', null]) }, context: { variables: {} } },
      message: { kind: 'text', text: 'hi, I have a question about my bill' },
    });
    expect(started.transcript.filter((e: any) => e.from !== 'system')).toMatchObject([{ from: 'customer', text: 'hi, I have a question about my bill' }]);
    expect(started.conversation.context.botSession).toBeUndefined();
    expect(Date.parse(started.transcript[0].at)).not.toBeNaN();
    expect(message).toMatchObject({
      type: 'message',
      conversation: { context: { variables: { tier: 'gold' } } },
      message: { kind: 'text', text: 'I was charged twice' },
    });
    expect(message.transcript.filter((e: any) => e.from !== 'system')).toMatchObject([
      { from: 'customer', text: 'hi, I have a question about my bill' },
      { from: 'bot', text: 'Welcome back, gold member!' },
      { from: 'customer', text: 'I was charged twice' },
    ]);
    const events = botEvents(await t.admin.get(`/api/conversations/${conv.id}/messages`));
    expect(events.map((m) => [m.content.name, m.content.detail])).toEqual([['bot_escalated', 'billing question']]);
  });

  it('HTTP bot: messages that come fast reach the bot once each, in order', async () => {
    let secret = '';
    const server = await startBotServer(() => secret, () => []);
    servers.push(server);
    const ch = await setUpLineChannel(t);
    const bot = await t.admin.post('/api/bots', { kind: 'http', name: 'Listener', settings: { url: server.url } });
    secret = bot.secret;
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, { botId: bot.id });
    const customer = t.line.customer(ch.creds.channelId);
    await Promise.all(['one', 'two', 'three', 'four'].map((text, i) => new Promise((r) => setTimeout(r, i * 5)).then(() => customer.sendText(text))));
    const seen = await eventually(async () => {
      const [started, ...rest] = server.requests;
      if (!started) return undefined;
      const all = [...started.transcript.filter((e: any) => e.from === 'customer').map((e: any) => e.text), ...rest.map((r) => r.message.text)];
      return all.length >= 4 && all;
    }, 10_000, 'all four messages seen');
    await new Promise((r) => setTimeout(r, 200));
    expect(server.requests[0].type).toBe('conversation.started');
    expect(server.requests.slice(1).every((r) => r.type === 'message')).toBe(true);
    expect([...seen].sort()).toEqual(['four', 'one', 'three', 'two']);
    const conv = await conversationOf(ch.instance.id);
    const stored = ((await t.admin.get(`/api/conversations/${conv.id}/messages`)) as any[]).filter((m) => m.senderType === 'customer').map((m) => m.content.text);
    expect(seen).toEqual(stored); // the bot saw them in the conversation's order
  });

  it('an agent who takes the conversation while the bot has it ends the bot’s part', async () => {
    let secret = '';
    const server = await startBotServer(() => secret, (turn) => [{ type: 'reply', text: `echo: ${turn.message?.text}` }]);
    servers.push(server);
    const ch = await setUpLineChannel(t);
    const bot = await t.admin.post('/api/bots', { kind: 'http', name: 'Echo', settings: { url: server.url } });
    secret = bot.secret;
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, { botId: bot.id });
    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('ping');
    await botTextsIn(customer, ['echo: ping']);
    const conv = await conversationOf(ch.instance.id);
    await t.admin.post(`/api/conversations/${conv.id}/assign`, { agentId: ch.agentId });
    await customer.sendText('are you a person?');
    await eventually(async () => ((await ch.agent.get(`/api/conversations/${conv.id}/messages`)) as any[]).some((m) => m.content.text === 'are you a person?'));
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(1);
  });

  it('HTTP bot: `end` says goodbye and closes the conversation', async () => {
    let secret = '';
    const server = await startBotServer(() => secret, () => [{ type: 'end', text: 'Your parcel arrives tomorrow. Bye!' }]);
    servers.push(server);
    const ch = await setUpLineChannel(t);
    const bot = await t.admin.post('/api/bots', { kind: 'http', name: 'Tracker', settings: { url: server.url } });
    secret = bot.secret;
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, { botId: bot.id });

    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('where is my parcel?');
    await botTextsIn(customer, ['Your parcel arrives tomorrow. Bye!']);
    const conv = await conversationOf(ch.instance.id);
    const closed = await eventually(async () => {
      const v = await t.admin.get(`/api/conversations/${conv.id}`);
      return v.conversation.state === 'closed' && v.conversation;
    }, 10_000, 'closed by the bot');
    expect(closed.agentId).toBeNull();
    expect(await ch.agent.get(`/api/queues/${ch.queueId}/items`)).toEqual([]);
  });

  it("Business Messages: the customer's live-agent button escalates at once, without asking the bot", async () => {
    const ch = await setUpGbmChannel(t);
    const { workstreams } = await t.admin.get('/api/workstreams');
    const ws = workstreams.find((w: any) => w.fallbackQueueId === ch.queueId);
    const bot = await t.admin.post('/api/bots', { kind: 'faq', name: 'GBM FAQ', settings: { entries: [], fallbackText: 'Could you rephrase?', maxTurns: 5 } });
    await t.admin.call('PUT', `/api/workstreams/${ws.id}/routing`, { botId: bot.id });
    const customer = t.gbm.customer(ch.ids.agentId, { displayName: 'Ana' });
    await customer.sendText('blue whales');
    const conv = await eventually(async () => ((await t.admin.get('/api/conversations')) as any[]).find((c) => c.queueId === ch.queueId), 10_000, 'conversation');
    const botSaid = async () => ((await t.admin.get(`/api/conversations/${conv.id}/messages`)) as any[]).filter((m) => m.senderType === 'bot');
    await eventually(async () => (await botSaid()).length === 1, 10_000, 'fallback answer');
    await customer.requestLiveAgent();
    const routed = await eventually(async () => ((await ch.agent.get(`/api/queues/${ch.queueId}/items`)) as any[]).find((c) => c.id === conv.id && c.context.botDone === true && c.context.routing), 10_000, 'escalated');
    expect(routed.state).toBe('open');
    expect(botEvents(await t.admin.get(`/api/conversations/${conv.id}/messages`)).map((m) => [m.content.name, m.content.detail])).toEqual([['bot_escalated', 'the customer asked for a person']]);
    expect(await botSaid()).toHaveLength(1);
  });

  it('a bot that cannot be reached: the customer is handed to a person and the conversation says why', async () => {
    const ch = await setUpLineChannel(t);
    const deadUrl = `http://127.0.0.1:${await freePort()}/bot`;
    const bot = await t.admin.post('/api/bots', { kind: 'http', name: 'Dead bot', settings: { url: deadUrl } });
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, { botId: bot.id });

    const customer = t.line.customer(ch.creds.channelId);
    await customer.sendText('anyone there?');
    const conv = await conversationOf(ch.instance.id);
    const routed = await eventually(async () => ((await ch.agent.get(`/api/queues/${ch.queueId}/items`)) as any[]).find((c) => c.id === conv.id && c.context.botDone === true && c.context.routing), 15_000, 'escalated');
    expect(routed.state).toBe('open');
    const messages = (await ch.agent.get(`/api/conversations/${conv.id}/messages`)) as any[];
    const events = botEvents(messages).map((m) => m.content);
    expect(events).toEqual([
      { kind: 'event', name: 'bot_unavailable', detail: expect.stringMatching(/^cannot reach the bot.*after 3 attempts/) },
      { kind: 'event', name: 'bot_escalated', detail: 'the bot is unavailable' },
    ]);
    expect(messages.filter((m) => m.senderType === 'bot')).toEqual([]);
  });
});
