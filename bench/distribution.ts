/**
 * `npm run bench:distribution`: the distribution engine at contact-centre scale. 1,000 agents in
 * 50 queues (each agent in 1–3, 3 units, available), one push workstream whose route-to-queue rules
 * spread conversations over the queues by a tag in the first message; 10,000 conversations arrive
 * through the real ingest path (IngestService.submit with LINE webhook events parsed by the LINE
 * adapter). Measured from the hub's own event bus, in this process:
 *
 * - time to assign: conversation.created → its first offer.created, for each conversation offered
 *   while agents had capacity (3,000 of them), p50/p99/max, and offers per second;
 * - freed capacity: with every agent full and 7,000 waiting, an agent closes a conversation
 *   (ConversationsService.act, as the API does): conversation.updated (closed) → the next
 *   offer.created for that agent; one at a time, then a burst of simultaneous closes.
 *
 * Same-run baselines: the same kind of arrivals (a tenth as many) through the ingest path with no
 * engine running, on a fresh database of the same store (is arrival ingest-bound?); and on the
 * measured database, an engine pass with nothing to do (no conversations yet), the engine's own
 * SELECT of the waiting items, and an engine pass with every agent full (what every poke costs at
 * steady state). The hub is a real one (createHub, seeded through its
 * services and repositories, not HTTP), with the engine started only once seeding is done.
 * Prints a table and appends (or replaces) its section in bench/RESULTS.md, after the ingest
 * section; `--cpu-prof DIR` profiles the measured phases instead and leaves RESULTS.md alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseLineWebhook } from '../src/channels/line/parse.js';
import { loadConfig } from '../src/config.js';
import { createHub, type Hub } from '../src/hub.js';
import type { AuthUser } from '../src/http/route.js';
import { systemClock } from '../src/lib/clock.js';
import { newId } from '../src/lib/ids.js';
import { createLogger } from '../src/lib/logger.js';
import type { HubEvent } from '../src/services/event-bus.js';
import { IngestService } from '../src/services/ingest.js';
import { hashPassword } from '../src/services/passwords.js';
import { workstreamRoutingSchema } from '../src/services/routing-settings.js';
import { DistributionRepo } from '../src/store/distribution-repo.js';
import { RoutingConfigRepo } from '../src/store/routing-config-repo.js';
import { UsersRepo } from '../src/store/users-repo.js';
import { DEFAULT_PG_URL, parseFlags, STORE_FLAG, UsageError, type FlagTable } from './flags.js';
import { topFunctions, topPackages } from './profile-top.js';
import { benchLog, reportIdle } from './bench-log.js';
import { machineDescription } from './report.js';
import { RESULTS_FILE, writeSection } from './results-file.js';
import { Samples, type LatencySummary } from './samples.js';
import { createBenchDatabase, type StoreKind } from './stores.js';

// ── options ─────────────────────────────────────────────────────────────────────────────────

interface Options {
  stores: StoreKind[];
  pgUrl: string;
  agents: number;
  queues: number;
  conversations: number;
  unitsPerAgent: number;
  /** Closes measured one at a time (freed capacity → next offer), at most `closeSeconds` long. */
  closes: number;
  closeSeconds: number;
  /** Simultaneous closes measured together. */
  burst: number;
  /** Webhooks in flight at once during arrival (the ingest group-commits them). */
  inFlight: number;
  cpuProfDir?: string;
  quick: boolean;
}

const USAGE = `Usage: node dist/bench/distribution.js [options]
  --store KIND        sqlite | postgres | both (default sqlite)
  --pg-url URL        PostgreSQL server for --store postgres
                      (default: the Unix socket in /var/run/postgresql if there is one,
                      else postgres://postgres@127.0.0.1:5432/postgres)
  --agents N          agents (default 1000), each in 1–3 queues
  --queues N          queues (default 50)
  --conversations N   conversations arriving (default 10000)
  --units N           capacity units per agent (default 3; a conversation costs 1)
  --closes N          closes measured one at a time (default 200, at most --close-seconds)
  --close-seconds S   time limit of the one-at-a-time closes (default 60)
  --burst N           simultaneous closes measured together (default 100)
  --in-flight N       webhooks submitted at once during arrival (default 100)
  --cpu-prof DIR      V8 profile of the measured phases per store into DIR, with its top functions;
                      leaves bench/RESULTS.md alone
  --quick             smoke run: 100 agents, 10 queues, 1000 conversations, 50 closes, burst 20
  --help`;

const FLAGS: FlagTable<Options> = {
  '--store': STORE_FLAG,
  '--pg-url': { kind: 'string', key: 'pgUrl' },
  '--agents': { kind: 'number', key: 'agents', min: 1, integer: true, quick: 100 },
  '--queues': { kind: 'number', key: 'queues', min: 1, integer: true, quick: 10 },
  '--conversations': { kind: 'number', key: 'conversations', min: 1, integer: true, quick: 1000 },
  '--units': { kind: 'number', key: 'unitsPerAgent', min: 1, integer: true },
  '--closes': { kind: 'number', key: 'closes', min: 0, integer: true, quick: 50 },
  '--close-seconds': { kind: 'number', key: 'closeSeconds', min: 1, integer: true },
  '--burst': { kind: 'number', key: 'burst', min: 0, integer: true, quick: 20 },
  '--in-flight': { kind: 'number', key: 'inFlight', min: 1, integer: true },
  '--cpu-prof': { kind: 'string', key: 'cpuProfDir' },
};

const DEFAULTS: Options = {
  stores: ['sqlite'],
  pgUrl: DEFAULT_PG_URL,
  agents: 1000,
  queues: 50,
  conversations: 10_000,
  unitsPerAgent: 3,
  closes: 200,
  closeSeconds: 60,
  burst: 100,
  inFlight: 100,
  quick: false,
};

// ── what one store's run measured ───────────────────────────────────────────────────────────

interface PassStats {
  count: number;
  p50: number;
  max: number;
  totalMs: number;
}

interface StoreResult {
  store: StoreKind;
  seedMs: number;
  arrival: { ms: number; perS: number };
  assign: { offered: number; waiting: number; perS: number; latency: LatencySummary; passes: PassStats };
  accept: { count: number; perS: number };
  freed: { count: number; timedOut: number; latency: LatencySummary; passes: PassStats };
  burst: { count: number; timedOut: number; latency: LatencySummary };
  baseline: { emptyPassMs: number; waitingSelectMs: number; waitingRows: number; idlePassMs: number; ingestAlonePerS: number };
}

/** Deterministic spread of agents over queues and conversations over topics. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Times of the engine's passes (the bench wraps the hub's engine, in this process). */
class PassTimer {
  private times: number[] = [];
  constructor(hub: Hub) {
    const engine = hub.distribution;
    const pass = engine.pass.bind(engine);
    engine.pass = async () => {
      const t0 = performance.now();
      try {
        await pass();
      } finally {
        this.times.push(performance.now() - t0);
      }
    };
  }
  /** Statistics since the last call. */
  take(): PassStats {
    const t = this.times;
    this.times = [];
    return { count: t.length, p50: median(t), max: Math.max(0, ...t), totalMs: t.reduce((a, b) => a + b, 0) };
  }
}

/** What the bus says, with the time each event was published in this process. */
class BusLog {
  readonly created = new Map<string, number>();
  readonly firstOffer = new Map<string, number>();
  /** Offers per agent, in order: [time, conversation]. */
  readonly offersOf = new Map<string, Array<[number, string]>>();
  readonly closed = new Map<string, number>();
  offers = 0;
  lastOfferAt = 0;

  constructor(hub: Hub) {
    hub.bus.subscribe((e: HubEvent) => {
      const now = performance.now();
      if (e.type === 'conversation.created') this.created.set(e.conversation.id, now);
      else if (e.type === 'conversation.updated' && e.conversation.state === 'closed') this.closed.set(e.conversation.id, now);
      else if (e.type === 'offer.created') {
        this.offers++;
        this.lastOfferAt = now;
        if (!this.firstOffer.has(e.offer.conversationId)) this.firstOffer.set(e.offer.conversationId, now);
        const list = this.offersOf.get(e.offer.agentId) ?? [];
        list.push([now, e.offer.conversationId]);
        this.offersOf.set(e.offer.agentId, list);
      }
    });
  }

  /** The first offer to `agentId` at or after `since`. */
  offerAfter(agentId: string, since: number): number | undefined {
    return this.offersOf.get(agentId)?.find(([t]) => t >= since)?.[0];
  }
}

/** A LINE webhook body with one text message from a new user, parsed by the LINE adapter. */
function lineEvents(tag: string, k: number, text: string) {
  const now = Date.now();
  const body = {
    destination: `U${tag}bot`,
    events: [
      {
        type: 'message',
        message: { type: 'text', id: `${tag}${k}`, quoteToken: `q${tag}${k}`, text },
        webhookEventId: `01${tag.toUpperCase()}${String(k).padStart(10, '0')}`,
        deliveryContext: { isRedelivery: false },
        timestamp: now,
        source: { type: 'user', userId: `U${tag}${k.toString(16).padStart(24, '0')}` },
        replyToken: `${tag}${k.toString(16).padStart(24, '0')}`,
        mode: 'active',
      },
    ],
  };
  return parseLineWebhook({ url: 'https://bench.invalid/webhooks/line', headers: {}, body: Buffer.from(JSON.stringify(body)) });
}

// ── one store ───────────────────────────────────────────────────────────────────────────────

/** A real hub on a fresh database of `store`, for the length of `fn`. */
async function withHub<T>(store: StoreKind, o: Options, fn: (hub: Hub) => Promise<T>): Promise<T> {
  const db = await createBenchDatabase(store, o.pgUrl);
  const config = loadConfig({ SWITCHBOARD_LOG_LEVEL: 'silent' }, { host: '127.0.0.1', port: 0, dataDir: db.dataDir, databaseUrl: db.url });
  // Workers off: the engine is started by hand once seeding is done (no job runner: the profile
  // fetches that new LINE senders enqueue wait in the jobs table, untouched).
  const hub = await createHub({ config, logger: createLogger('silent'), workers: false });
  try {
    return await fn(hub);
  } finally {
    await hub.close();
    await db.drop();
  }
}

/**
 * A LINE account and channel instance feeding one push workstream whose route-to-queue rules send
 * "[qN]" in the first message to queue N; an admin to act as.
 */
async function seedChannel(hub: Hub, queueCount: number) {
  const admin = await hub.auth.createUser({ email: 'bench@switchboard.local', password: 'bench-admin-password', displayName: 'Bench', role: 'admin' });
  const sys: AuthUser = { id: admin.id, email: admin.email, displayName: 'bench', role: 'admin', canViewSecrets: true, via: 'token' };
  const account = await hub.accounts.create(
    { kind: 'line', name: 'Bench LINE', credentials: { channelId: '2000000001', channelSecret: randomBytes(16).toString('hex'), channelAccessToken: 'bench' }, settings: {} },
    sys,
  );
  const queues: Array<{ id: string }> = [];
  for (let q = 0; q < queueCount; q++) queues.push(await hub.routing.createQueue({ name: `Queue ${q}` }));
  const ws = await hub.routing.createWorkstream({ name: 'Bench push', mode: 'push' });
  const routing = workstreamRoutingSchema.parse({
    // Offers stay open for the whole run: every end of an offer is the bench's doing.
    offerTimeoutSec: 3600,
    routeToQueue: {
      id: 'topics',
      rules: queues.map((q, i) => ({ id: `q${i}`, condition: { field: 'firstMessage', op: 'contains', value: `[q${i}]` }, queueId: q.id })),
    },
  });
  await hub.distribution.locked((repo) => repo.setWorkstreamSettings(ws.id, routing));
  await hub.routing.createChannelInstance({ accountId: account.id, workstreamId: ws.id, name: 'Bench LINE', language: 'en-US', settings: {} });
  return { accountId: account.id, queues };
}

/** The hub's ingest path, as its webhook routes use it (route resolution as in hub.ts). */
function ingestOf(hub: Hub): IngestService {
  return new IngestService({
    store: hub.store,
    clock: systemClock,
    log: hub.log,
    bus: hub.bus,
    metrics: hub.metrics,
    lifecycle: hub.lifecycle,
    onJobs: () => undefined,
    resolveRoute: async (accountId, address) => {
      const instance = await hub.routing.findChannelInstance(accountId, address);
      if (!instance) return undefined;
      const w = await hub.routing.getWorkstream(instance.workstreamId);
      return { channelInstanceId: instance.id, workstreamId: w.id, queueId: w.fallbackQueueId, language: instance.language };
    },
  });
}

/** New customers' first messages, "[qN] …" with N uniform over the queues. */
function arrivals(n: number, queueCount: number, rand: () => number) {
  const tag = randomBytes(4).toString('hex');
  return Array.from({ length: n }, (_, k) => lineEvents(tag, k, `[q${Math.floor(rand() * queueCount)}] hello, I need help with order ${k}`));
}

/** Submits every webhook, `inFlight` at a time (the ingest group-commits them); resolves when all are committed. */
async function arrive(ingest: IngestService, accountId: string, bodies: ReturnType<typeof arrivals>, inFlight: number): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < bodies.length) await ingest.submit({ id: accountId, kind: 'line' }, bodies[next++]!);
    }),
  );
  return performance.now() - t0;
}

/** Baseline: the same arrivals with no engine running (no agents either), on a fresh database. */
async function ingestAlone(store: StoreKind, o: Options, n: number): Promise<number> {
  return withHub(store, o, async (hub) => {
    const { accountId } = await seedChannel(hub, o.queues);
    const ms = await arrive(ingestOf(hub), accountId, arrivals(n, o.queues, prng(7)), o.inFlight);
    return (n / ms) * 1000;
  });
}

async function runStore(store: StoreKind, o: Options, progress: (line: string) => void, profile?: Session): Promise<StoreResult> {
  const say = (line: string) => progress(`[${store}] ${line}`);
  const alone = Math.max(1, Math.round(o.conversations / 10));
  const ingestAlonePerS = await ingestAlone(store, o, alone);
  say(`baseline: ingest alone (no engine), ${alone.toLocaleString('en-US')} new conversations on a fresh database: ${Math.round(ingestAlonePerS)}/s`);
  const r = await withHub(store, o, (hub) => measure(hub, store, o, say, profile));
  return { ...r, baseline: { ...r.baseline, ingestAlonePerS } };
}

async function measure(hub: Hub, store: StoreKind, o: Options, say: (line: string) => void, profile?: Session): Promise<StoreResult> {
  const engine = hub.distribution;
  const rand = prng(20_261_122);

  // Seed: an admin, a LINE account and channel instance, the queues, one push workstream whose
  // rules route "[qN]" in the first message to queue N, and the agents.
  const t0 = performance.now();
  const { accountId, queues } = await seedChannel(hub, o.queues);

  const passwordHash = await hashPassword('bench-agent-password');
  const agents: AuthUser[] = [];
  await hub.store.db.transaction().execute(async (trx) => {
    const users = new UsersRepo(trx);
    const config = new RoutingConfigRepo(trx);
    const dist = new DistributionRepo(trx, hub.store.dialect);
    for (let i = 0; i < o.agents; i++) {
      const u = await users.createUser({ id: newId('usr'), email: `agent${i}@bench.local`, displayName: `Agent ${i}`, passwordHash, role: 'agent', createdAt: Date.now() });
      const memberships = 1 + Math.floor(rand() * 3);
      const mine = new Set<number>();
      while (mine.size < Math.min(memberships, o.queues)) mine.add(Math.floor(rand() * o.queues));
      for (const q of mine) await config.addMember(queues[q]!.id, u.id);
      await dist.setAgentRouting(u.id, { capacity: { mode: 'units', total: o.unitsPerAgent }, skills: {} });
      await dist.setPresence(u.id, 'available', null);
      agents.push({ id: u.id, email: u.email, displayName: u.displayName, role: 'agent', canViewSecrets: false, via: 'token' });
    }
  });
  const seedMs = performance.now() - t0;
  say(`seeded ${o.queues} queues, ${o.agents} agents (1–3 queues each, ${o.unitsPerAgent} units) in ${(seedMs / 1000).toFixed(1)} s`);

  const passes = new PassTimer(hub);
  const bus = new BusLog(hub);

  // Baseline 1: a pass with nothing to do (no conversations yet).
  const empty: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await engine.pass();
    empty.push(performance.now() - t);
  }
  passes.take();
  const emptyPassMs = median(empty);
  say(`baseline: empty pass ${emptyPassMs.toFixed(2)} ms (median of 20)`);

  // Arrival: the real ingest path, with the engine running.
  const ingest = ingestOf(hub);
  const bodies = arrivals(o.conversations, o.queues, rand);
  const capacity = o.agents * o.unitsPerAgent;
  const expected = Math.min(capacity, o.conversations);
  await profile?.post('Profiler.start');
  engine.start();
  const a0 = performance.now();
  const arrivalMs = await arrive(ingest, accountId, bodies, o.inFlight);
  say(`arrival: ${o.conversations.toLocaleString('en-US')} conversations committed in ${(arrivalMs / 1000).toFixed(1)} s (${Math.round((o.conversations / arrivalMs) * 1000)}/s); ${bus.offers} offered so far`);
  // Until every unit is offered, or no offer came for 5 s.
  for (let last = bus.offers, since = performance.now(); bus.offers < expected; ) {
    await sleep(100);
    if (bus.offers !== last) [last, since] = [bus.offers, performance.now()];
    else if (performance.now() - since > 5000) break;
    if (performance.now() - a0 > 900_000) throw new Error('arrival: still offering after 15 min');
  }
  // (Not engine.settle(): with passes longer than the engine's 1 s tick it never returns, as each
  // tick queues another pass; the bench waits on the bus, and stops the engine where it must.)
  const assignLat = new Samples();
  let firstCreated = Number.POSITIVE_INFINITY;
  for (const [conv, at] of bus.firstOffer) {
    const created = bus.created.get(conv);
    if (created === undefined) continue;
    assignLat.push(at - created);
    firstCreated = Math.min(firstCreated, created);
  }
  const assignPasses = passes.take();
  const assign = {
    offered: bus.firstOffer.size,
    waiting: o.conversations - bus.firstOffer.size,
    perS: (bus.firstOffer.size / (bus.lastOfferAt - firstCreated)) * 1000,
    latency: assignLat.summary(),
    passes: assignPasses,
  };
  say(
    `assignment: ${assign.offered.toLocaleString('en-US')} offered (${Math.round(assign.perS)}/s), created → offer p50 ${assign.latency.p50.toFixed(0)} ms, ` +
      `p99 ${assign.latency.p99.toFixed(0)} ms, max ${assign.latency.max.toFixed(0)} ms; ${assign.waiting.toLocaleString('en-US')} wait for capacity; ` +
      `${assignPasses.count} passes, p50 ${assignPasses.p50.toFixed(0)} ms, max ${assignPasses.max.toFixed(0)} ms`,
  );

  // Every agent accepts every offer (RoutingActions.accept, under the lock, as the API does).
  const live = await engine.locked((repo) => repo.liveOffers({}));
  const byId = new Map(agents.map((a) => [a.id, a]));
  const c0 = performance.now();
  let nextOffer = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (nextOffer < live.length) {
        const offer = live[nextOffer++]!;
        await hub.routingActions.accept(byId.get(offer.agentId)!, offer.id);
      }
    }),
  );
  const accept = { count: live.length, perS: (live.length / (performance.now() - c0)) * 1000 };
  say(`accepted ${accept.count.toLocaleString('en-US')} offers (${Math.round(accept.perS)}/s); every agent full`);

  // Baselines 2 and 3, engine stopped so nothing else runs: the engine's own query of the
  // waiting items, and a whole pass that finds nobody with capacity.
  await engine.stop();
  const selects: number[] = [];
  let waitingRows = 0;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    waitingRows = (await hub.store.db.transaction().execute(async (trx) => {
      const repo = new DistributionRepo(trx, hub.store.dialect);
      return repo.waiting(await repo.pushQueueIds());
    })).length;
    selects.push(performance.now() - t);
  }
  const idle: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await engine.pass();
    idle.push(performance.now() - t);
  }
  passes.take();
  const baseline = { emptyPassMs, waitingSelectMs: median(selects), waitingRows, idlePassMs: median(idle), ingestAlonePerS: 0 };
  say(`baseline: SELECT of the ${waitingRows.toLocaleString('en-US')} waiting items ${baseline.waitingSelectMs.toFixed(1)} ms; pass with every agent full ${baseline.idlePassMs.toFixed(1)} ms (medians)`);
  engine.start();

  // Freed capacity, one close at a time: closed (on the bus) → the next offer to that agent.
  const active = await hub.store.db
    .selectFrom('conversations')
    .select(['id', 'agent_id'])
    .where('state', '=', 'active')
    .execute();
  const shuffled = [...active];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const freedLat = new Samples();
  let freedTimedOut = 0;
  const f0 = performance.now();
  let used = 0;
  for (; used < Math.min(o.closes, shuffled.length) && performance.now() - f0 < o.closeSeconds * 1000; used++) {
    const c = shuffled[used]!;
    const agent = byId.get(c.agent_id!)!;
    await hub.conversations.act(agent, c.id, 'close');
    const closedAt = bus.closed.get(c.id)!;
    let offeredAt: number | undefined;
    while ((offeredAt = bus.offerAfter(agent.id, closedAt)) === undefined && performance.now() - closedAt < 30_000) await sleep(1);
    if (offeredAt === undefined) freedTimedOut++;
    else freedLat.push(offeredAt - closedAt);
  }
  const freedPasses = passes.take();
  const freed = { count: freedLat.count, timedOut: freedTimedOut, latency: freedLat.summary(), passes: freedPasses };
  say(
    `freed capacity, one at a time: ${freed.count} closes, closed → next offer p50 ${freed.latency.p50.toFixed(1)} ms, p99 ${freed.latency.p99.toFixed(1)} ms, ` +
      `max ${freed.latency.max.toFixed(1)} ms${freedTimedOut ? `, ${freedTimedOut} without an offer in 30 s` : ''}; ` +
      `${freedPasses.count} passes, p50 ${freedPasses.p50.toFixed(0)} ms, max ${freedPasses.max.toFixed(0)} ms`,
  );

  // A burst: `burst` agents (one conversation each) close at the same moment.
  const picked = new Map<string, string>();
  for (const c of shuffled.slice(used)) if (picked.size < o.burst && !picked.has(c.agent_id!)) picked.set(c.agent_id!, c.id);
  await Promise.all([...picked].map(([agentId, convId]) => hub.conversations.act(byId.get(agentId)!, convId, 'close')));
  const burstLat = new Samples();
  let burstTimedOut = 0;
  for (const [agentId, convId] of picked) {
    const closedAt = bus.closed.get(convId)!;
    let offeredAt: number | undefined;
    while ((offeredAt = bus.offerAfter(agentId, closedAt)) === undefined && performance.now() - closedAt < 60_000) await sleep(1);
    if (offeredAt === undefined) burstTimedOut++;
    else burstLat.push(offeredAt - closedAt);
  }
  const burst = { count: burstLat.count, timedOut: burstTimedOut, latency: burstLat.summary() };
  say(`freed capacity, ${picked.size} at once: closed → next offer p50 ${burst.latency.p50.toFixed(0)} ms, p99 ${burst.latency.p99.toFixed(0)} ms, max ${burst.latency.max.toFixed(0)} ms`);
  await engine.stop();
  passes.take();
  return { store, seedMs, arrival: { ms: arrivalMs, perS: (o.conversations / arrivalMs) * 1000 }, assign, accept, freed, burst, baseline };
}

// ── report ──────────────────────────────────────────────────────────────────────────────────

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : int(n));

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

function tables(results: StoreResult[]): string {
  const assign = table(
    ['store', 'arrived/s', 'ingest alone/s', 'offered', 'offers/s', 'assign p50 ms', 'assign p99 ms', 'assign max ms', 'left waiting', 'passes', 'pass p50 ms', 'pass max ms'],
    results.map((r) => [
      r.store,
      int(r.arrival.perS),
      int(r.baseline.ingestAlonePerS),
      int(r.assign.offered),
      int(r.assign.perS),
      ms(r.assign.latency.p50),
      ms(r.assign.latency.p99),
      ms(r.assign.latency.max),
      int(r.assign.waiting),
      int(r.assign.passes.count),
      ms(r.assign.passes.p50),
      ms(r.assign.passes.max),
    ]),
  );
  const freed = table(
    ['store', 'closes', 'freed→offer p50 ms', 'p99 ms', 'max ms', 'burst closes', 'burst p50 ms', 'burst p99 ms', 'burst max ms', 'accepts/s'],
    results.map((r) => [
      r.store,
      `${int(r.freed.count)}${r.freed.timedOut ? ` (+${r.freed.timedOut} lost)` : ''}`,
      ms(r.freed.latency.p50),
      ms(r.freed.latency.p99),
      ms(r.freed.latency.max),
      `${int(r.burst.count)}${r.burst.timedOut ? ` (+${r.burst.timedOut} lost)` : ''}`,
      ms(r.burst.latency.p50),
      ms(r.burst.latency.p99),
      ms(r.burst.latency.max),
      int(r.accept.perS),
    ]),
  );
  const base = table(
    ['store', 'empty pass ms', 'SELECT waiting ms', 'waiting rows', 'pass, all agents full, ms', 'full pass / SELECT'],
    results.map((r) => [
      r.store,
      ms(r.baseline.emptyPassMs),
      ms(r.baseline.waitingSelectMs),
      int(r.baseline.waitingRows),
      ms(r.baseline.idlePassMs),
      `${(r.baseline.idlePassMs / Math.max(r.baseline.waitingSelectMs, 0.001)).toFixed(1)} ×`,
    ]),
  );
  return `Assignment (conversation.created → first offer.created, for those offered while agents had capacity):\n\n${assign}\n\n` +
    `Freed capacity (conversation closed → next offer.created to that agent; every agent full, the rest waiting):\n\n${freed}\n\n` +
    `Same-run baselines (medians; engine stopped, nothing else running):\n\n${base}`;
}

/** This bench's section of RESULTS.md (see results-file.ts). */
function section(o: Options, machine: string[], body: string, log: string[]): string {
  return `## Distribution engine

Written by \`npm run bench:distribution\` (bench/distribution.ts).

- Machine: ${machine.join('; ')}
- Run: ${o.agents.toLocaleString('en-US')} agents (${o.unitsPerAgent} units, available, each in 1–3 of ${o.queues} queues), one push workstream with
  ${o.queues} route-to-queue rules, ${o.conversations.toLocaleString('en-US')} conversations through IngestService.submit (LINE events, ${o.inFlight} in flight),
  up to ${o.closes} one-at-a-time closes (≤ ${o.closeSeconds} s) and a burst of ${o.burst}; stores: ${o.stores.join(', ')}.
  Times are when the events were published on the hub's bus, in the hub's own process.

${body}

\`\`\`
${log.join('\n')}
\`\`\``;
}

async function main(): Promise<number> {
  const parsed = parseFlags(process.argv.slice(2), FLAGS, DEFAULTS, USAGE);
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  const { progress, lines: log } = benchLog();
  const machine = machineDescription(o.pgUrl);
  progress(`machine: ${machine.join('; ')}`);
  await reportIdle(progress);
  const profDir = o.cpuProfDir ? resolve(o.cpuProfDir) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });

  const results: StoreResult[] = [];
  for (const store of o.stores) {
    let session: Session | undefined;
    if (profDir) {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
    }
    try {
      results.push(await runStore(store, o, progress, session));
    } finally {
      if (session) {
        const { profile } = await session.post('Profiler.stop');
        const file = join(profDir!, `distribution-${store}.cpuprofile`);
        writeFileSync(file, JSON.stringify(profile));
        session.disconnect();
        console.log(`Self time in ${file} (arrival to the end), by function:\n${topFunctions(file, 25).join('\n')}\nby package:\n${topPackages(file).join('\n')}\n`);
      }
    }
  }
  const body = tables(results);
  console.log(`\n${body}\n`);
  if (profDir) {
    console.log("Profiled run: its figures carry the profiler's cost, so bench/RESULTS.md was left as it was.");
  } else {
    writeSection('distribution', section(o, machine, body, log));
    console.log(`Written to ${RESULTS_FILE.pathname} (section "Distribution engine")`);
  }
  return results.every((r) => r.freed.timedOut === 0 && r.burst.timedOut === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
