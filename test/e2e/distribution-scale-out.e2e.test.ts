/**
 * Push distribution hammered from two hubs on one PostgreSQL database (both running workers, so
 * two distribution engines): 60 customers write at once, each LINE channel's webhooks going to a
 * different hub; 8 agents with 2 units each accept offers through both hubs (every accept is
 * sent to both at the same moment, a double click across processes) and some decline; then
 * every agent closes everything at once, twice. A side connection samples the database every
 * few ms throughout.
 *
 * Proves: no conversation is accepted twice; no agent ever holds more than its capacity
 * (conversations held + live offers) at any sampled moment; 16 end up assigned and 44 waiting;
 * and capacity freed on one hub is offered at once, by the other hub's engine alone too (the close
 * reaches it as conversation.updated over LISTEN/NOTIFY and pokes it).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLineEmulator, type LineEmulator } from '../../emulators/line/index.js';
import { loadConfig } from '../../src/config.js';
import { createHub, type Hub } from '../../src/hub.js';
import { createLogger } from '../../src/lib/logger.js';
import type { HubEvent } from '../../src/services/event-bus.js';
import { ApiClient } from '../support/api-client.js';
import { ADMIN, freePort } from '../support/hub.js';
import { createTestDatabase, type TestDatabase } from '../support/stores.js';

const AGENTS = 8;
const CAPACITY = 2;
const FULL = AGENTS * CAPACITY;
const CUSTOMERS = 60;
/** Agents 0..3 decline the first offer they get; every other offer is accepted. */
const DECLINERS = 4;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Agent {
  id: string;
  /** One session per hub; calls alternate between them. */
  clients: [ApiClient, ApiClient];
  calls: number;
  declined: number;
}

/** The next client of an agent: hub A, hub B, hub A… */
const next = (a: Agent) => a.clients[a.calls++ % 2]!;

/** Per agent: active/waiting/wrap-up conversations + live offers, in one statement (one snapshot). */
const LOAD_SQL = `
  select agent_id, sum(n)::int as n from (
    select agent_id, count(*) as n from conversations
      where workstream_id = $1 and agent_id is not null and state in ('active', 'waiting', 'wrapup') group by agent_id
    union all
    select o.agent_id, count(*) from offers o join conversations c on c.id = o.conversation_id
      where c.workstream_id = $1 and o.state = 'offered' group by o.agent_id
  ) x group by agent_id`;

/** Samples every agent's load on its own connection until stopped; keeps the worst moment seen. */
class LoadSampler {
  samples = 0;
  max = 0;
  worst: Array<{ agent_id: string; n: number }> = [];
  private stopped = false;
  private loop: Promise<void> | undefined;
  constructor(
    private readonly client: pg.Client,
    private readonly workstreamId: string,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const { rows } = await this.client.query<{ agent_id: string; n: number }>(LOAD_SQL, [this.workstreamId]);
        this.samples++;
        const top = Math.max(0, ...rows.map((r) => r.n));
        if (top > this.max) {
          this.max = top;
          this.worst = rows;
        }
        await sleep(2);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

/**
 * Every agent's client at once: poll for offers (alternating hubs), decline (DECLINERS' first
 * offer) or accept each new one. An accept goes to BOTH hubs at the same moment.
 */
class Desks {
  readonly acceptPairs: Array<{ offerId: string; statuses: number[] }> = [];
  readonly declines: string[] = [];
  private running = true;
  private readonly loops: Promise<void>[];

  constructor(agents: Agent[]) {
    this.loops = agents.map(async (a, i) => {
      const seen = new Set<string>();
      while (this.running) {
        const offers: Array<{ id: string }> = await next(a).get('/api/me/offers');
        await Promise.all(
          offers
            .filter((o) => !seen.has(o.id))
            .map(async (o) => {
              seen.add(o.id);
              if (i < DECLINERS && a.declined === 0) {
                a.declined++;
                this.declines.push(o.id);
                await next(a).post(`/api/offers/${o.id}/decline`);
                return;
              }
              const res = await Promise.all(a.clients.map((c) => c.raw('POST', `/api/offers/${o.id}/accept`, {})));
              await Promise.all(res.map((r) => r.arrayBuffer()));
              this.acceptPairs.push({ offerId: o.id, statuses: res.map((r) => r.status) });
            }),
        );
        await sleep(10 + (i % 3) * 5);
      }
    });
  }

  /** Stops every loop; throws the first error a loop met. */
  async stop(): Promise<void> {
    this.running = false;
    const failed = (await Promise.allSettled(this.loops)).find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

describe('push distribution, two hubs on PostgreSQL', () => {
  let db: TestDatabase;
  let line: LineEmulator;
  /** Assertions' connection, and the sampler's own. */
  let side: pg.Client;
  let sampleConn: pg.Client;
  let sampler: LoadSampler;
  const hubs: Hub[] = [];
  const urls: string[] = [];
  const agents: Agent[] = [];
  let workstreamId = '';
  const channels: Array<{ channelId: string; accountId: string }> = [];

  const counts = async (): Promise<{ open: number; active: number; closed: number; offered: number } & Record<string, number>> => {
    const { rows } = await side.query<{ state: string; n: number }>(
      `select state, count(*)::int as n from conversations where workstream_id = $1 group by state`,
      [workstreamId],
    );
    const { rows: live } = await side.query<{ n: number }>(
      `select count(*)::int as n from offers o join conversations c on c.id = o.conversation_id where c.workstream_id = $1 and o.state = 'offered'`,
      [workstreamId],
    );
    return { open: 0, active: 0, closed: 0, ...Object.fromEntries(rows.map((r) => [r.state, r.n])), offered: live[0]!.n };
  };

  /** Waits until the counts match; fails at once if the sampler saw an agent over capacity. */
  const settle = async (want: Record<string, number>, what: string, timeoutMs = 20_000): Promise<number> => {
    const t0 = performance.now();
    let last: Record<string, number> = {};
    for (;;) {
      expect(sampler.max, `an agent over capacity while waiting for ${what}: ${JSON.stringify(sampler.worst)}`).toBeLessThanOrEqual(CAPACITY);
      last = await counts();
      if (Object.entries(want).every(([k, v]) => last[k] === v)) return performance.now() - t0;
      if (performance.now() - t0 > timeoutMs) throw new Error(`${what} not reached within ${timeoutMs} ms: ${JSON.stringify(last)}`);
      await sleep(20);
    }
  };

  /** Nothing accepted twice; each accepted offer's agent holds its (active) conversation; each agent exactly full. */
  const checkAssignments = async () => {
    const { rows: accepted } = await side.query<{ conversation_id: string; agent_id: string; state: string; conv_agent: string | null }>(
      `select o.conversation_id, o.agent_id, c.state, c.agent_id as conv_agent
         from offers o join conversations c on c.id = o.conversation_id
        where c.workstream_id = $1 and o.state = 'accepted'`,
      [workstreamId],
    );
    const perConversation = new Map<string, number>();
    for (const r of accepted) perConversation.set(r.conversation_id, (perConversation.get(r.conversation_id) ?? 0) + 1);
    expect([...perConversation.entries()].filter(([, n]) => n > 1), 'conversations accepted more than once').toEqual([]);
    for (const r of accepted) expect(r.conv_agent, `conversation ${r.conversation_id}`).toBe(r.agent_id);
    const { rows: convs } = await side.query<{ id: string; state: string; agent_id: string | null }>(
      `select id, state, agent_id from conversations where workstream_id = $1`,
      [workstreamId],
    );
    const active = convs.filter((c) => c.state === 'active');
    expect(new Set(active.map((c) => c.id))).toEqual(new Set(accepted.filter((r) => r.state === 'active').map((r) => r.conversation_id)));
    expect(convs.filter((c) => c.state === 'open').every((c) => c.agent_id === null)).toBe(true);
    for (const a of agents) expect(active.filter((c) => c.agent_id === a.id), `conversations of ${a.id}`).toHaveLength(CAPACITY);
    return { accepted, convs };
  };

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    line = await startLineEmulator({ webhookRetryDelayMs: 20 });
    const secretKey = randomBytes(32);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const config = loadConfig(
        { SWITCHBOARD_LOG_LEVEL: 'silent' },
        {
          host: '127.0.0.1',
          port,
          dataDir: db.dataDir,
          databaseUrl: db.url,
          secretKey,
          providers: { ...loadConfig({}, { dataDir: db.dataDir }).providers, lineApi: line.baseUrl, lineDataApi: line.baseUrl },
        },
      );
      // Workers on (the default): each hub runs its own distribution engine.
      const hub = await createHub({ config, logger: createLogger('silent'), providerTimeoutMs: 3000 });
      hubs.push(hub);
      urls.push(await hub.listen());
    }
    await hubs[0]!.auth.createUser({ ...ADMIN, role: 'admin' });
    side = new pg.Client({ connectionString: db.url });
    sampleConn = new pg.Client({ connectionString: db.url });
    await side.connect();
    await sampleConn.connect();

    // Set-up through the public API, alternating hubs.
    const admins = await Promise.all(
      urls.map(async (u) => {
        const c = new ApiClient(u);
        await c.login(ADMIN.email, ADMIN.password);
        return c;
      }),
    );
    const ws = await admins[0]!.post('/api/workstreams', { name: 'Hammer', mode: 'push' });
    workstreamId = ws.id;
    // Offers do not time out during the test: every decision is the agents'.
    await admins[1]!.call('PUT', `/api/workstreams/${ws.id}/routing`, { offerTimeoutSec: 600 });
    // Two LINE channels on the same workstream; channel k's webhooks go to hub k.
    for (let k = 0; k < 2; k++) {
      const creds = { channelId: String(4_100_000_000 + k), channelSecret: `${'e'.repeat(31)}${k}`, channelAccessToken: `hammer-${k}` };
      const account = await admins[k]!.post('/api/accounts', { kind: 'line', name: `Hammer ${k}`, credentials: creds, settings: {} });
      expect(account.callbackUrl.startsWith(urls[k]!)).toBe(true);
      await admins[k]!.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: `Hammer ${k}`, language: 'en-US', settings: {} });
      line.addChannel({ ...creds, webhookUrl: account.callbackUrl });
      channels.push({ channelId: creds.channelId, accountId: account.id });
    }
    for (let i = 0; i < AGENTS; i++) {
      const email = `hammer${i}@example.test`;
      const u = await admins[0]!.post('/api/users', { email, displayName: `Hammer ${i}`, password: 'agent-password-1', role: 'agent' });
      const id = (u.user ?? u).id as string;
      await admins[i % 2]!.call('PUT', `/api/users/${id}/routing`, { capacity: { mode: 'units', total: CAPACITY }, skills: {} });
      await admins[(i + 1) % 2]!.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: id });
      const clients = [new ApiClient(urls[0]!), new ApiClient(urls[1]!)] as [ApiClient, ApiClient];
      for (const c of clients) await c.login(email, 'agent-password-1');
      agents.push({ id, clients, calls: 0, declined: 0 });
    }
    for (const a of agents) await next(a).call('PUT', '/api/me/presence', { presence: 'available' });
    sampler = new LoadSampler(sampleConn, workstreamId);
    sampler.start();
  });

  afterAll(async () => {
    await sampler?.stop();
    await side?.end();
    await sampleConn?.end();
    for (const h of hubs) await h.close();
    await line?.close();
    await db?.drop();
  });

  it('60 customers at once, 8 agents accepting through both hubs: nothing accepted twice, capacity never exceeded, 16 assigned and 44 waiting', async () => {
    const desks = new Desks(agents);
    let settledMs: number;
    try {
      const customers = Array.from({ length: CUSTOMERS }, (_, n) => line.customer(channels[n % 2]!.channelId));
      const deliveries = await Promise.all(customers.map((c, n) => c.sendText(`customer ${n} needs help`)));
      expect(deliveries.map((d) => d.status)).toEqual(Array(CUSTOMERS).fill(200));
      settledMs = await settle({ active: FULL, offered: 0, open: CUSTOMERS - FULL }, 'all agents full with the rest waiting');
      // And it stays so: more passes (ticks, polls) change nothing.
      await sleep(300);
    } finally {
      await desks.stop();
    }
    console.log(
      `[distribution scale-out] burst settled ${settledMs.toFixed(0)} ms after the last webhook answer; ${sampler.samples} load samples so far, ` +
        `worst per-agent load ${sampler.max}; ${desks.acceptPairs.length} double accepts, ${desks.declines.length} declines`,
    );
    expect(await counts()).toMatchObject({ active: FULL, offered: 0, open: CUSTOMERS - FULL });

    // The webhooks really were split across the hubs.
    const { rows: perAccount } = await side.query<{ account_id: string; n: number }>(
      `select account_id, count(*)::int as n from conversations where workstream_id = $1 group by account_id`,
      [workstreamId],
    );
    expect(Object.fromEntries(perAccount.map((r) => [r.account_id, r.n]))).toEqual(Object.fromEntries(channels.map((ch) => [ch.accountId, CUSTOMERS / 2])));

    expect(sampler.samples).toBeGreaterThan(50);
    expect(sampler.max, `worst moment: ${JSON.stringify(sampler.worst)}`).toBeLessThanOrEqual(CAPACITY);
    // Each double accept: one hub said 200, the other 409 (the offer was already accepted).
    for (const p of desks.acceptPairs) expect([...p.statuses].sort(), `offer ${p.offerId}`).toEqual([200, 409]);
    expect(desks.declines).toHaveLength(DECLINERS);
    const { accepted } = await checkAssignments();
    expect(accepted).toHaveLength(FULL);

    // The API agrees: every agent shows Busy.
    const supervisor = new ApiClient(urls[1]!);
    await supervisor.login(ADMIN.email, ADMIN.password);
    const states: Array<{ id: string; full: boolean; effectivePresence: string }> = await supervisor.get('/api/agents');
    for (const a of agents) expect(states.find((s) => s.id === a.id)).toMatchObject({ full: true, effectivePresence: 'busy' });
  });

  it('every agent closes everything at once through both hubs, twice: both engines refill the 16 freed slots without overshoot', async () => {
    for (let round = 1; round <= 2; round++) {
      const before = await counts();
      const desks = new Desks(agents);
      try {
        const { rows: held } = await side.query<{ id: string; agent_id: string }>(
          `select id, agent_id from conversations where workstream_id = $1 and state = 'active'`,
          [workstreamId],
        );
        expect(held).toHaveLength(FULL);
        await Promise.all(
          held.map((c) => {
            const a = agents.find((x) => x.id === c.agent_id)!;
            return next(a).post(`/api/conversations/${c.id}/close`);
          }),
        );
        const ms = await settle({ active: FULL, offered: 0, open: before.open - FULL, closed: before.closed + FULL }, `refill round ${round}`);
        console.log(`[distribution scale-out] round ${round}: 16 closed at once → 16 offered and accepted in ${ms.toFixed(0)} ms`);
      } finally {
        await desks.stop();
      }
      for (const p of desks.acceptPairs) expect([...p.statuses].sort(), `offer ${p.offerId}`).toEqual([200, 409]);
      expect(desks.acceptPairs).toHaveLength(FULL);
    }
    expect(sampler.max, `worst moment: ${JSON.stringify(sampler.worst)}`).toBeLessThanOrEqual(CAPACITY);
    await checkAssignments();
  });

  it('capacity freed on hub A is offered at once, also by hub B’s engine alone when A’s engine is stopped', async () => {
    const seenOnB: Array<{ at: number; e: HubEvent }> = [];
    const unsubscribe = hubs[1]!.bus.subscribe((e) => seenOnB.push({ at: performance.now(), e }));
    const x = agents[5]!;
    const { rows } = await side.query<{ id: string }>(`select id from conversations where agent_id = $1 and state = 'active' order by id`, [x.id]);
    const [first, second] = rows.map((r) => r.id) as [string, string];
    const offerAfter = async (since: number) => {
      for (;;) {
        const hit = seenOnB.find((s) => s.at >= since && s.e.type === 'offer.created' && s.e.offer.agentId === x.id);
        if (hit?.e.type === 'offer.created') return { at: hit.at, offer: hit.e.offer };
        if (performance.now() - since > 3000) throw new Error('no offer within 3 s of the freed capacity');
        await sleep(2);
      }
    };

    const engineB = hubs[1]!.distribution;
    const pokeB = engineB.poke.bind(engineB);
    const pokes: number[] = [];
    try {
      // Both engines running: close through hub A; an offer follows at once.
      let t0 = performance.now();
      await x.clients[0].post(`/api/conversations/${first}/close`);
      const o1 = await offerAfter(t0);
      const bothMs = o1.at - t0;
      await x.clients[1].post(`/api/offers/${o1.offer.id}/accept`);

      // Hub A's engine stopped: A still serves the API, only B's engine can offer. The close reaches
      // B as conversation.updated over NOTIFY, which must poke B's engine right away (not its 1 s tick).
      await hubs[0]!.distribution.stop();
      vi.spyOn(engineB, 'poke').mockImplementation(() => {
        pokes.push(performance.now());
        pokeB();
      });
      t0 = performance.now();
      await x.clients[0].post(`/api/conversations/${second}/close`);
      const o2 = await offerAfter(t0);
      const closedOnB = seenOnB.find((s) => s.at >= t0 && s.e.type === 'conversation.updated' && s.e.conversation.id === second && s.e.conversation.state === 'closed');
      expect(closedOnB, 'the close reached hub B over NOTIFY').toBeDefined();
      const onlyBMs = o2.at - t0;
      console.log(
        `[distribution scale-out] close on hub A → offer.created: ${bothMs.toFixed(0)} ms with both engines; ` +
          `${onlyBMs.toFixed(0)} ms by hub B's engine alone (NOTIFY reached B after ${(closedOnB!.at - t0).toFixed(0)} ms)`,
      );
      // B's engine subscribed before this test did, so its poke comes just before our copy of the event.
      expect(
        pokes.some((p) => p <= closedOnB!.at && closedOnB!.at - p < 5),
        `pokes at ${pokes.map((p) => (p - t0).toFixed(1)).join(', ')} ms; event at ${(closedOnB!.at - t0).toFixed(1)} ms`,
      ).toBe(true);
      expect(bothMs).toBeLessThan(750);
      expect(onlyBMs).toBeLessThan(750);
      expect(o2.offer.conversationId).not.toBe(o1.offer.conversationId);
    } finally {
      vi.restoreAllMocks();
      unsubscribe();
    }
    expect(sampler.max, `worst moment: ${JSON.stringify(sampler.worst)}`).toBeLessThanOrEqual(CAPACITY);
    const { rows: offers } = await side.query<{ state: string; n: number }>(`select state, count(*)::int as n from offers where agent_id = $1 group by state`, [x.id]);
    expect(Object.fromEntries(offers.map((r) => [r.state, r.n])).offered).toBe(1);
  });
});
