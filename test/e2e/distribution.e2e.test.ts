/**
 * Unified routing and work distribution through the public API, on SQLite and PostgreSQL:
 * push offers (accept, decline, timeout, max declines), capacity and effective presence,
 * freed capacity, classification and route-to-queue rules with the rule tester, overflow,
 * operating hours, assignment methods, transfers, consult, supervisor actions, lifecycle timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { ApiClient, eventually } from '../support/api-client.js';
import { ADMIN, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

/** Real time plus an offset the test can push forward. */
class ShiftableClock extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(ms: number): void {
    this.offset += ms;
  }
}

let seq = 0;

interface Setup {
  channelId: string;
  queueId: string;
  workstreamId: string;
  agents: Array<{ id: string; api: ApiClient; email: string }>;
}

/** A LINE channel on a workstream of the given mode, with `n` agents in its fallback queue. */
async function setUp(t: TestHub, o: { mode: 'push' | 'pick'; agents: number; routing?: Record<string, unknown>; capacity?: number }): Promise<Setup> {
  const n = ++seq;
  const creds = { channelId: String(3_000_000_000 + n), channelSecret: 'd'.repeat(31) + String(n % 10), channelAccessToken: `dist-${n}` };
  const account = await t.admin.post('/api/accounts', { kind: 'line', name: `Dist ${n}`, credentials: creds, settings: {} });
  const ws = await t.admin.post('/api/workstreams', { name: `Dist ${n}`, mode: o.mode });
  if (o.routing) await t.admin.call('PUT', `/api/workstreams/${ws.id}/routing`, o.routing);
  await t.admin.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: `Dist ${n}`, language: 'en-US', settings: {} });
  t.line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
  const agents: Setup['agents'] = [];
  for (let i = 0; i < o.agents; i++) {
    const email = `d${n}-a${i}@example.test`;
    const u = await t.admin.post('/api/users', { email, displayName: `Agent ${n}.${i}`, password: 'agent-password-1', role: 'agent' });
    const id = (u.user ?? u).id as string;
    await t.admin.call('PUT', `/api/users/${id}/routing`, { capacity: { mode: 'units', total: o.capacity ?? 1 }, skills: {} });
    const api = new ApiClient(t.url);
    await api.login(email, 'agent-password-1');
    agents.push({ id, api, email });
  }
  // Everyone joins offline; tests choose who becomes available.
  for (const a of agents) await a.api.call('PUT', '/api/me/presence', { presence: 'offline' });
  for (const a of agents) await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: a.id });
  return { channelId: creds.channelId, queueId: ws.fallbackQueueId, workstreamId: ws.id, agents };
}

const available = (a: { api: ApiClient }) => a.api.call('PUT', '/api/me/presence', { presence: 'available' });

async function offersOf(a: { api: ApiClient }): Promise<any[]> {
  return a.api.get('/api/me/offers');
}

describe.each(STORE_KINDS)('distribution on %s', (kind) => {
  let t: TestHub;
  const clock = new ShiftableClock();
  beforeAll(async () => {
    t = await startTestHub(kind, { clock });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('push: offers the item with its details, skips offline agents, moves on after a decline, and accept assigns', async () => {
    const s = await setUp(t, { mode: 'push', agents: 2 });
    const [a, b] = s.agents as [Setup['agents'][0], Setup['agents'][0]];
    await available(a);
    const rtA = await a.api.realtime();
    const customer = t.line.customer(s.channelId, undefined, { displayName: 'Kenji' });
    await customer.sendText('my card was charged twice');
    const offered = await rtA.waitFor((e) => e.type === 'offer.created');
    expect(offered.offer).toMatchObject({ agentId: a.id, customerName: null, channel: 'line', firstMessage: 'my card was charged twice' });
    expect(offered.offer.queueName).toMatch(/fallback queue/);
    expect(offered.offer.expiresAt - offered.offer.offeredAt).toBe(120_000);
    expect(await offersOf(b)).toEqual([]); // b is offline

    await a.api.post(`/api/offers/${offered.offer.id}/decline`);
    // Nobody else is available: it waits. b becomes available → offered to b at once.
    await available(b);
    const offerB = await eventually(async () => (await offersOf(b))[0], 5000, 'offer to b');
    const conv = await b.api.post(`/api/offers/${offerB.id}/accept`);
    expect(conv).toMatchObject({ state: 'active', agentId: b.id });
    const twice = await b.api.raw('POST', `/api/offers/${offerB.id}/accept`);
    expect(twice.status).toBe(409);
    rtA.close();
  });

  it('push: an unanswered offer expires after its timeout and goes to the next agent; after N declines an agent is not offered again', async () => {
    const s = await setUp(t, { mode: 'push', agents: 2, routing: { maxDeclines: 1, offerTimeoutSec: 30 } });
    const [a, b] = s.agents as [Setup['agents'][0], Setup['agents'][0]];
    await available(a);
    await t.line.customer(s.channelId).sendText('hello?');
    const first = await eventually(async () => (await offersOf(a))[0], 5000, 'offer to a');
    await available(b);
    clock.advance(31_000);
    await t.hub.distribution.runTimers();
    const toB = await eventually(async () => (await offersOf(b))[0], 5000, 'offer to b after timeout');
    expect(toB.conversationId).toBe(first.conversationId);
    expect(await offersOf(a)).toEqual([]);
    await b.api.post(`/api/offers/${toB.id}/decline`);
    // Both reached maxDeclines (expiry counts as one): nobody is offered it again.
    await t.hub.distribution.runTimers();
    expect(await offersOf(a)).toEqual([]);
    expect(await offersOf(b)).toEqual([]);
    const items = await t.admin.get(`/api/queues/${s.queueId}/items`);
    expect(items.map((c: any) => c.id)).toContain(first.conversationId);
  });

  it('capacity: a full agent shows Busy and gets nothing more; freed capacity brings the next item at once', async () => {
    const s = await setUp(t, { mode: 'push', agents: 1, capacity: 1 });
    const [a] = s.agents as [Setup['agents'][0]];
    await available(a);
    await t.line.customer(s.channelId).sendText('first customer');
    const o1 = await eventually(async () => (await offersOf(a))[0]);
    await t.line.customer(s.channelId).sendText('second customer');
    await t.hub.distribution.settle();
    expect(await offersOf(a)).toHaveLength(1); // the pending offer holds the only unit
    const conv1 = await a.api.post(`/api/offers/${o1.id}/accept`);
    await t.hub.distribution.runTimers();
    expect(await offersOf(a)).toHaveLength(0);
    const agents = await t.admin.get('/api/agents');
    expect(agents.find((x: any) => x.id === a.id)).toMatchObject({ presence: 'available', effectivePresence: 'busy', full: true });

    await a.api.post(`/api/conversations/${conv1.id}/end`);
    await a.api.post(`/api/conversations/${conv1.id}/close`);
    const o2 = await eventually(async () => (await offersOf(a))[0], 5000, 'next offer after capacity freed');
    expect(o2.conversationId).not.toBe(conv1.id);
  });

  it('pick mode: agents take from the queue within their capacity', async () => {
    const s = await setUp(t, { mode: 'pick', agents: 1, capacity: 1 });
    const [a] = s.agents as [Setup['agents'][0]];
    await available(a);
    await t.line.customer(s.channelId).sendText('one');
    await t.line.customer(s.channelId).sendText('two');
    const items = await eventually(async () => {
      const x = await a.api.get(`/api/queues/${s.queueId}/items`);
      return x.length === 2 && x;
    });
    expect(await offersOf(a)).toEqual([]); // pick mode never offers
    await a.api.post(`/api/conversations/${items[0].id}/pick`);
    const over = await a.api.raw('POST', `/api/conversations/${items[1].id}/pick`);
    expect(over.status).toBe(409);
    expect(((await over.json()) as any).error.message).toMatch(/capacity/i);
  });

  it('classification and route-to-queue rules place the work; the rule tester explains why', async () => {
    const refunds = await t.admin.post('/api/queues', { name: `Refunds ${seq}`, priority: 1 });
    const s = await setUp(t, {
      mode: 'push',
      agents: 1,
      routing: {
        classification: [
          {
            id: 'lang',
            rules: [{ id: 'ja', condition: { field: 'locale', op: 'startsWith', value: 'ja' }, outputs: { skills: [{ name: 'japanese', level: 5 }], variables: { vip: true } } }],
          },
        ],
        routeToQueue: { id: 'r', rules: [{ id: 'refund', condition: { field: 'firstMessage', op: 'contains', value: 'refund' }, queueId: refunds.id }] },
      },
    });
    const [a] = s.agents as [Setup['agents'][0]];
    await t.admin.post(`/api/queues/${refunds.id}/members`, { userId: a.id });
    const test = await t.admin.post(`/api/workstreams/${s.workstreamId}/rule-test`, { context: { firstMessage: 'I want a REFUND', locale: 'ja-JP' } });
    expect(test.queueId).toBe(refunds.id);
    expect(test.ruleId).toBe('refund');
    expect(test.explanation.join('\n')).toMatch(/refund/i);
    const other = await t.admin.post(`/api/workstreams/${s.workstreamId}/rule-test`, { context: { firstMessage: 'hello' } });
    expect(other.queueId).toBe(s.queueId);
    expect(other.usedFallback).toBe(true);

    await t.line.customer(s.channelId, undefined, { language: 'ja' }).sendText('please refund my order');
    const routed = await eventually(async () => (await t.admin.get(`/api/queues/${refunds.id}/items`))[0], 5000, 'routed to refunds');
    expect(routed.context.routing).toMatchObject({ queueId: refunds.id, ruleId: 'refund' });
  });

  it('overflow before queuing transfers to another queue; a closed queue with "end" closes the conversation', async () => {
    const spill = await t.admin.post('/api/queues', { name: `Spill ${seq}` });
    const s = await setUp(t, { mode: 'pick', agents: 0 });
    await t.admin.call('PUT', `/api/queues/${s.queueId}/routing`, { overflow: { beforeQueue: { maxItems: 1, then: { action: 'transfer', queueId: spill.id } } } });
    await t.line.customer(s.channelId).sendText('first');
    await eventually(async () => (await t.admin.get(`/api/queues/${s.queueId}/items`)).length === 1);
    await t.hub.distribution.settle();
    await t.line.customer(s.channelId).sendText('second');
    await eventually(async () => (await t.admin.get(`/api/queues/${spill.id}/items`)).length === 1, 5000, 'second spilled');

    const closedQ = await setUp(t, { mode: 'push', agents: 1 });
    await available(closedQ.agents[0]!);
    await t.admin.call('PUT', `/api/queues/${closedQ.queueId}/routing`, {
      operatingHours: { timeZone: 'UTC', week: {}, holidays: [] },
      outOfHours: { action: 'end' },
    });
    await t.line.customer(closedQ.channelId).sendText('anyone?');
    const closed = await eventually(async () => {
      const list = await t.admin.get('/api/conversations?state=closed');
      return list.find((c: any) => c.queueId === closedQ.queueId);
    }, 5000, 'closed out of hours');
    expect(closed.state).toBe('closed');
    expect(await offersOf(closedQ.agents[0]!)).toEqual([]);
  });

  it('round robin spreads work across agents', async () => {
    const s = await setUp(t, { mode: 'push', agents: 2, capacity: 5 });
    await t.admin.call('PUT', `/api/queues/${s.queueId}/routing`, { assignmentMethod: 'round_robin' });
    for (const a of s.agents) await available(a);
    for (let i = 0; i < 4; i++) await t.line.customer(s.channelId).sendText(`rr ${i}`);
    await eventually(async () => {
      const counts = await Promise.all(s.agents.map(async (a) => (await offersOf(a)).length));
      return counts.reduce((x, y) => x + y, 0) === 4;
    });
    const counts = await Promise.all(s.agents.map(async (a) => (await offersOf(a)).length));
    expect(counts).toEqual([2, 2]);
  });

  it('highest capacity, most idle and skill-based (exact, closest) choose the right agent', async () => {
    // Highest capacity: the agent with the most room gets it.
    const hc = await setUp(t, { mode: 'push', agents: 2, capacity: 2 });
    await t.admin.call('PUT', `/api/users/${hc.agents[1]!.id}/routing`, { capacity: { mode: 'units', total: 6 }, skills: {} });
    for (const a of hc.agents) await available(a);
    await t.line.customer(hc.channelId).sendText('capacity');
    await eventually(async () => (await offersOf(hc.agents[1]!)).length === 1, 5000, 'offer to the roomiest agent');
    expect(await offersOf(hc.agents[0]!)).toEqual([]);

    // Most idle: the agent whose last assignment is oldest (never assigned counts as oldest).
    const mi = await setUp(t, { mode: 'push', agents: 2, capacity: 5 });
    await t.admin.call('PUT', `/api/queues/${mi.queueId}/routing`, { assignmentMethod: 'most_idle' });
    const [m0, m1] = mi.agents as [Setup['agents'][0], Setup['agents'][0]];
    await available(m0);
    await t.line.customer(mi.channelId).sendText('idle 1');
    const firstOffer = await eventually(async () => (await offersOf(m0))[0], 5000, 'offer to m0');
    await m0.api.post(`/api/offers/${firstOffer.id}/accept`); // m0 was just assigned
    await available(m1);
    await t.line.customer(mi.channelId).sendText('idle 2');
    await eventually(async () => (await offersOf(m1)).length === 1, 5000, 'offer to the idle agent');
    expect(await offersOf(m0)).toEqual([]);

    // Skills: Japanese at level 5 is required by classification.
    for (const method of ['skill_exact', 'skill_closest'] as const) {
      const sk = await setUp(t, {
        mode: 'push',
        agents: 3,
        capacity: 5,
        routing: { classification: [{ id: 'lang', rules: [{ id: 'ja', condition: { field: 'firstMessage', op: 'contains', value: 'konnichiwa' }, outputs: { skills: [{ name: 'japanese', level: 5 }] } }] }] },
      });
      await t.admin.call('PUT', `/api/queues/${sk.queueId}/routing`, { assignmentMethod: method });
      const [none, low, high] = sk.agents as [Setup['agents'][0], Setup['agents'][0], Setup['agents'][0]];
      await t.admin.call('PUT', `/api/users/${none.id}/routing`, { capacity: { mode: 'units', total: 9 }, skills: {} });
      await t.admin.call('PUT', `/api/users/${low.id}/routing`, { capacity: { mode: 'units', total: 5 }, skills: { japanese: 3 } });
      await t.admin.call('PUT', `/api/users/${high.id}/routing`, { capacity: { mode: 'units', total: 5 }, skills: { japanese: 7 } });
      await available(none);
      await available(low);
      await t.line.customer(sk.channelId).sendText('konnichiwa, help please');
      if (method === 'skill_exact') {
        // Nobody available meets level 5: it waits, then goes to the qualified agent when she arrives.
        await t.hub.distribution.settle();
        expect([...(await offersOf(none)), ...(await offersOf(low))]).toEqual([]);
        await available(high);
        await eventually(async () => (await offersOf(high)).length === 1, 5000, 'exact skill match');
      } else {
        // Closest match: the agent with some Japanese beats the one with none.
        await eventually(async () => (await offersOf(low)).length === 1, 5000, 'closest skill match');
        expect(await offersOf(none)).toEqual([]);
      }
    }
  });

  it('transfer to a queue and to an agent, consult, supervisor assign, monitor and force-close', async () => {
    const s = await setUp(t, { mode: 'pick', agents: 2, capacity: 3 });
    const [a, b] = s.agents as [Setup['agents'][0], Setup['agents'][0]];
    for (const x of s.agents) await available(x);
    await t.line.customer(s.channelId).sendText('transfer me');
    const [item] = await eventually(async () => {
      const x = await a.api.get(`/api/queues/${s.queueId}/items`);
      return x.length > 0 && x;
    });
    await a.api.post(`/api/conversations/${item.id}/pick`);
    await a.api.post(`/api/conversations/${item.id}/consult`, { agentId: b.id });
    const parts = await a.api.get(`/api/conversations/${item.id}/participants`);
    expect(parts).toEqual([expect.objectContaining({ userId: b.id, role: 'consult' })]);
    const toB = await a.api.post(`/api/conversations/${item.id}/transfer`, { agentId: b.id });
    expect(toB).toMatchObject({ state: 'active', agentId: b.id });
    const back = await b.api.post(`/api/conversations/${item.id}/transfer`, { queueId: s.queueId });
    expect(back).toMatchObject({ state: 'open', agentId: null });

    const sup = new ApiClient(t.url);
    await t.admin.post('/api/users', { email: `sup${seq}@example.test`, displayName: 'Sue', password: 'supervisor-pw-1', role: 'supervisor' });
    await sup.login(`sup${seq}@example.test`, 'supervisor-pw-1');
    const assigned = await sup.post(`/api/conversations/${item.id}/assign`, { agentId: a.id });
    expect(assigned).toMatchObject({ state: 'active', agentId: a.id });
    await sup.post(`/api/conversations/${item.id}/monitor`);
    const agentRefused = await a.api.raw('POST', `/api/conversations/${item.id}/force-close`);
    expect(agentRefused.status).toBe(403);
    const closed = await sup.post(`/api/conversations/${item.id}/force-close`);
    expect(closed.state).toBe('closed');
  });

  it('affinity: a customer answering a Waiting conversation gets the same agent; without affinity it goes back to the queue', async () => {
    for (const affinity of [true, false]) {
      const s = await setUp(t, { mode: 'pick', agents: 1, capacity: 3, routing: { affinity } });
      const [a] = s.agents as [Setup['agents'][0]];
      await available(a);
      const customer = t.line.customer(s.channelId);
      await customer.sendText('first');
      const [item] = await eventually(async () => {
        const x = await a.api.get(`/api/queues/${s.queueId}/items`);
        return x.length > 0 && x;
      });
      await a.api.post(`/api/conversations/${item.id}/pick`);
      await a.api.post(`/api/conversations/${item.id}/wait`);
      await customer.sendText('I am back');
      const after = await eventually(async () => {
        const v = (await t.admin.get(`/api/conversations/${item.id}`)).conversation;
        return v.state !== 'waiting' && v;
      });
      if (affinity) expect(after).toMatchObject({ state: 'active', agentId: a.id });
      else expect(after).toMatchObject({ state: 'open', agentId: null, queueId: s.queueId });
    }
  });

  it('closes conversations left in wrap-up or waiting when their timers run out (on the test clock)', async () => {
    const s = await setUp(t, { mode: 'pick', agents: 1, capacity: 3, routing: { wrapUpAutoCloseSec: 60, waitingAutoCloseSec: 3600 } });
    const [a] = s.agents as [Setup['agents'][0]];
    await available(a);
    await t.line.customer(s.channelId).sendText('w1');
    await t.line.customer(s.channelId, 'U' + 'e'.repeat(32)).sendText('w2');
    const items = await eventually(async () => {
      const x = await a.api.get(`/api/queues/${s.queueId}/items`);
      return x.length === 2 && x;
    });
    await a.api.post(`/api/conversations/${items[0].id}/pick`);
    await a.api.post(`/api/conversations/${items[0].id}/end`);
    await a.api.post(`/api/conversations/${items[1].id}/pick`);
    await a.api.post(`/api/conversations/${items[1].id}/wait`);
    clock.advance(61_000);
    await t.hub.distribution.runTimers();
    const wrapped = await a.api.get(`/api/conversations/${items[0].id}`);
    expect(wrapped.conversation.state).toBe('closed');
    expect((await a.api.get(`/api/conversations/${items[1].id}`)).conversation.state).toBe('waiting');
    clock.advance(3_600_000);
    await t.hub.distribution.runTimers();
    // Sessions outlive an hour; the agent still reads it.
    expect((await a.api.get(`/api/conversations/${items[1].id}`)).conversation.state).toBe('closed');
    await t.admin.login(ADMIN.email, ADMIN.password);
  });
});
