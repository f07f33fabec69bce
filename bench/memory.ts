/**
 * `node dist/bench/memory.js`: issue #7's benchmark 4 — memory and start-up on a large store.
 *
 * Per store: a fresh database seeded with 100,000 conversations, 1,000,000 messages and 1,000
 * agents (seed-large-store.ts). The hub is started as a user starts it (`node bin/switchboard.js
 * start`, configured by environment) and timed from spawn to its first healthy `GET /healthz`,
 * several times; then started once more and kept: its RSS is read after start, after 1,000 agent
 * sockets connected to /api/realtime (from a child process of this runner, agent-sockets.ts, each
 * with its agent's API token), and after traffic — signed LINE and WhatsApp webhooks into live
 * conversations, and every agent listing their conversations and opening one's history.
 *
 * Same-run baselines: a bare `node -e` node:http server's start-up; the same hub on an empty
 * database; a bare node:http + ws server holding the same 1,000 sockets (baseline-ws-server.ts).
 * Checks (exit 1 when one fails): every socket authenticated and said hello, every webhook and
 * REST call answered 2xx, each webhook's message is in the store, and each agent holding a
 * conversation saw its new messages on their socket.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startLineEmulator } from '../emulators/line/index.js';
import { startTwilioEmulator } from '../emulators/twilio/index.js';
import { forkChild } from './child.js';
import { startAgentSockets, type AgentSockets, type EventCounts, type SocketsStatus } from './agent-sockets.js';
import type { BaselineReady } from './baseline-server.js';
import type { BaselineWsStart } from './baseline-ws-server.js';
import { launchBareNode, launchHub, type Launched } from './hub-launch.js';
import { MEMORY_USAGE, MemoryUsageError, parseMemoryArgs, type MemoryOptions } from './memory-args.js';
import { median, memorySection, memoryTable, startTable, type MemPoint, type MemRow, type StartRow } from './memory-report.js';
import { agentReads, sendWebhooks } from './memory-traffic.js';
import { processCpuMs } from './proc-cpu.js';
import { hubHeap, procMemory } from './proc-mem.js';
import { machineDescription } from './report.js';
import { RESULTS_FILE, writeSection } from './results-file.js';
import { seedLargeStore, type SeedManifest } from './seed-large-store.js';
import { createBenchDatabase, type BenchDatabase, type StoreKind } from './stores.js';
import { countCustomerMessages } from './store-counts.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

interface Run {
  o: MemoryOptions;
  progress: (line: string) => void;
  /** Failed checks, each a sentence. */
  failures: string[];
  notes: string[];
  startRows: StartRow[];
  memRows: MemRow[];
  /** SWITCHBOARD_* provider URLs pointing at the runner's emulators. */
  providerEnv: Record<string, string>;
  emulators: { addLine(m: SeedManifest): void; addTwilio(m: SeedManifest): void };
}

/** RSS of `pid` and, for a hub, its heap used from /metrics. */
async function memPoint(pid: number, origin?: string): Promise<MemPoint> {
  const mem = procMemory(pid);
  if (!mem) throw new Error(`cannot read /proc/${pid}/status (the memory bench needs Linux)`);
  const heap = origin ? await hubHeap(origin).catch(() => undefined) : undefined;
  return { rss: mem.rss, ...(heap ? { heapUsed: heap.heapUsed } : {}) };
}

/** CPU the process used per second over `ms` of doing nothing asked of it. */
async function idleCpu(pid: number, ms: number): Promise<number | undefined> {
  const a = processCpuMs(String(pid));
  await sleep(ms);
  const b = processCpuMs(String(pid));
  return a === undefined || b === undefined ? undefined : ((b - a) / ms) * 1000;
}

/** Times `starts` start-ups of whatever `launch` starts, stopping each once it answered. */
async function timeStarts(starts: number, launch: () => Promise<Launched>): Promise<{ timesMs: number[]; cpuMs: number[] }> {
  const timesMs: number[] = [];
  const cpuMs: number[] = [];
  for (let k = 0; k < starts; k++) {
    const l = await launch();
    timesMs.push(l.readyMs);
    if (l.cpuMs !== undefined) cpuMs.push(l.cpuMs);
    await l.stop();
  }
  return { timesMs, cpuMs };
}

const startLine = (s: { timesMs: number[]; cpuMs: number[] }) =>
  `${median(s.timesMs).toFixed(0)} ms (median of ${s.timesMs.length}, max ${Math.max(...s.timesMs).toFixed(0)}; ${median(s.cpuMs).toFixed(0)} ms CPU)`;

/** The agents' sockets, counting what each conversation receives; the hub waits up to 30 s to say hello. */
const SOCKETS = { track: 'conversations', timeoutMs: 30_000 } as const;

async function withSockets<T>(fn: (sockets: AgentSockets) => Promise<T>): Promise<T> {
  const sockets = await startAgentSockets();
  try {
    return await fn(sockets);
  } finally {
    await sockets.stop();
  }
}

async function baselines(r: Run): Promise<void> {
  const { o, progress } = r;
  const bare = await timeStarts(o.starts, launchBareNode);
  r.startRows.push({ name: 'bare node -e node:http', store: '–', ...bare });
  progress(`baseline: bare node -e node:http starts in ${startLine(bare)}`);

  const server = await forkChild(new URL('./baseline-ws-server.js', import.meta.url));
  try {
    const ready = await server.rpc.call<BaselineReady>('start', { pushEvents: false } satisfies BaselineWsStart);
    await sleep(500);
    const afterStart = await memPoint(server.pid);
    await withSockets(async (sockets) => {
      const opened = await sockets.open(ready.origin, Array.from({ length: o.sizes.agents }, () => ({ token: '' })), SOCKETS);
      if (opened.hellos !== o.sizes.agents) r.failures.push(`bare ws server: ${opened.hellos} of ${o.sizes.agents} sockets said hello (${opened.firstError ?? 'no error'})`);
      await sleep(1000);
      const afterSockets = await memPoint(server.pid);
      r.memRows.push({ name: 'bare node:http + ws', store: '–', afterStart, afterSockets, peakRss: procMemory(server.pid)?.peakRss ?? afterSockets.rss });
      progress(`baseline: bare node:http + ws: ${mb(afterStart.rss)} after start, ${mb(afterSockets.rss)} holding ${int(opened.open)} sockets`);
    });
  } finally {
    await server.stop();
  }
}

/** The seeded store: seeded now, or a copy of the one kept in --keep DIR (SQLite). */
async function seededStore(r: Run, store: StoreKind): Promise<{ db: BenchDatabase; manifest: SeedManifest }> {
  const { o, progress } = r;
  const db = await createBenchDatabase(store, o.pgUrl);
  try {
    const keep = store === 'sqlite' && o.keepDir ? resolve(o.keepDir) : undefined;
    const file = db.url.slice('sqlite:'.length);
    if (keep && existsSync(join(keep, 'manifest.json'))) {
      const manifest = JSON.parse(readFileSync(join(keep, 'manifest.json'), 'utf8')) as SeedManifest;
      if (JSON.stringify(manifest.sizes) === JSON.stringify(o.sizes)) {
        copyFileSync(join(keep, 'bench.db'), file);
        copyFileSync(join(keep, 'secret.key'), join(db.dataDir, 'secret.key'));
        progress(`[${store}] using a copy of the store kept in ${keep} (seeded ${new Date(manifest.seededAt).toISOString()})`);
        return { db, manifest };
      }
      progress(`[${store}] the store kept in ${keep} has other sizes: seeding anew`);
    }
    const manifest = await seedLargeStore({ databaseUrl: db.url, dataDir: db.dataDir, sizes: o.sizes, progress: (l) => progress(`[${store}] ${l}`) });
    if (keep) {
      mkdirSync(keep, { recursive: true });
      copyFileSync(file, join(keep, 'bench.db'));
      copyFileSync(join(db.dataDir, 'secret.key'), join(keep, 'secret.key'));
      writeFileSync(join(keep, 'manifest.json'), JSON.stringify(manifest));
      progress(`[${store}] kept a copy of the seeded store in ${keep}`);
    }
    return { db, manifest };
  } catch (e) {
    await db.drop();
    throw e;
  }
}

async function emptyStore(r: Run, store: StoreKind): Promise<void> {
  const { o, progress } = r;
  const db = await createBenchDatabase(store, o.pgUrl);
  const launch = () => launchHub({ databaseUrl: db.url, dataDir: db.dataDir, env: r.providerEnv });
  try {
    // The first start creates the schema (migrations): timed, but shown apart.
    const first = await launch();
    await sleep(5000);
    const idleCpuMsPerS = await idleCpu(first.pid, 5000);
    const afterStart = await memPoint(first.pid, first.origin);
    await first.stop();
    progress(`[${store}] hub, empty database: first start (runs the migrations) ${first.readyMs.toFixed(0)} ms (${first.cpuMs?.toFixed(0) ?? '?'} ms CPU); ${mb(afterStart.rss)} RSS`);
    const times = await timeStarts(o.starts, launch);
    r.startRows.push({ name: 'hub, empty database', store, ...times });
    r.memRows.push({ name: 'hub, empty database', store, afterStart, ...(idleCpuMsPerS !== undefined ? { idleCpuMsPerS } : {}) });
    progress(`[${store}] hub, empty database: starts in ${startLine(times)}`);
  } finally {
    await db.drop();
  }
}

async function seededRun(r: Run, store: StoreKind): Promise<void> {
  const { o, progress } = r;
  const say = (line: string) => progress(`[${store}] ${line}`);
  const { db, manifest } = await seededStore(r, store);
  r.emulators.addLine(manifest);
  r.emulators.addTwilio(manifest);
  const nodeArgs = o.heapProfDir ? ['--heap-prof', `--heap-prof-dir=${resolve(o.heapProfDir)}`] : [];
  const launch = (args: string[] = []) => launchHub({ databaseUrl: db.url, dataDir: db.dataDir, env: r.providerEnv, nodeArgs: args });
  try {
    // As on the empty database, the first start is shown apart: it applies any migration newer
    // than the (possibly kept) store — once, on a large table — and warms the OS file cache.
    const first = await launch();
    await first.stop();
    say(`hub, seeded database: first start ${first.readyMs.toFixed(0)} ms (${first.cpuMs?.toFixed(0) ?? '?'} ms CPU)`);
    const times = await timeStarts(o.starts, () => launch());
    r.startRows.push({ name: `hub, ${int(o.sizes.conversations)} conversations / ${int(o.sizes.messages)} messages`, store, ...times });
    say(`hub, seeded database: starts in ${startLine(times)}`);

    const hub = await launch(nodeArgs);
    try {
      const row: MemRow = { name: `hub, seeded + ${int(o.sizes.agents)} sockets + traffic`, store };
      // The first seconds hold catch-up work (the engine's first pass offers waiting items, closes
      // wrap-ups whose time ran out while the hub was down); idle is measured after them.
      const settling = await idleCpu(hub.pid, 5000);
      const cpu = await idleCpu(hub.pid, 5000);
      if (cpu !== undefined) row.idleCpuMsPerS = cpu;
      row.afterStart = await memPoint(hub.pid, hub.origin);
      say(`measured hub up in ${hub.readyMs.toFixed(0)} ms; ${mb(row.afterStart.rss)} RSS 10 s after start; CPU ${settling?.toFixed(1) ?? '?'} ms/s in the first 5 s, ${cpu?.toFixed(1) ?? '?'} ms/s idle in the next 5 s`);

      await withSockets(async (sockets) => {
        const opened = await sockets.open(hub.origin, manifest.agents.map((a) => ({ token: a.token })), SOCKETS);
        say(`${int(opened.open)} agent sockets open in ${opened.ms} ms (${opened.failed} failed)`);
        if (opened.hellos !== manifest.agents.length) r.failures.push(`[${store}] ${opened.hellos} of ${manifest.agents.length} agent sockets authenticated and said hello (${opened.firstError ?? 'no error'})`);
        await sleep(2000);
        row.afterSockets = await memPoint(hub.pid, hub.origin);
        // Each socket re-reads its agent's queue memberships every 10 s: idle, but not free.
        const withSockets = await idleCpu(hub.pid, 5000);
        if (withSockets !== undefined) row.socketsIdleCpuMsPerS = withSockets;
        say(`${mb(row.afterSockets.rss)} RSS with the sockets connected; CPU ${withSockets?.toFixed(1) ?? '?'} ms/s idle with them`);

        const before = await countCustomerMessages(db.url);
        const hooks = await sendWebhooks(hub.origin, manifest, o.webhooks);
        say(`${int(hooks.ok)} of ${int(hooks.sent)} webhooks answered 2xx in ${(hooks.ms / 1000).toFixed(1)} s${hooks.failures.length ? `: ${hooks.failures.join('; ')}` : ''}`);
        const reads = await agentReads(hub.origin, manifest);
        say(`${int(reads.ok)} of ${int(reads.requests)} agent REST reads answered 2xx in ${(reads.ms / 1000).toFixed(1)} s (${int(reads.messagesRead)} messages read)${reads.failures.length ? `: ${reads.failures.join('; ')}` : ''}`);
        if (hooks.failed > 0) r.failures.push(`[${store}] ${hooks.failed} webhooks not answered 2xx: ${hooks.failures.join('; ')}`);
        if (reads.failed > 0) r.failures.push(`[${store}] ${reads.failed} agent REST reads not answered 2xx: ${reads.failures.join('; ')}`);

        // Each message to a conversation an agent holds must reach that agent's socket.
        const readStats = async (): Promise<SocketsStatus & EventCounts> => ({ ...(await sockets.status()), ...(await sockets.counts()) });
        let stats = await readStats();
        const missing = (s: EventCounts) => [...hooks.toHeld].filter(([id, n]) => (s.messagesByConversation[id] ?? 0) < n).length;
        for (let waited = 0; missing(stats) > 0 && waited < 15_000; waited += 250) {
          await sleep(250);
          stats = await readStats();
        }
        const after = await countCustomerMessages(db.url);
        say(`customer messages in the store: ${int(before)} → ${int(after)} (+${int(after - before)} for ${int(hooks.ok)} accepted webhooks)`);
        if (after - before !== hooks.ok) r.failures.push(`[${store}] ${hooks.ok} webhooks accepted but ${after - before} customer messages stored`);
        const lost = missing(stats);
        say(`sockets received ${Object.entries(stats.byType).map(([t, n]) => `${int(n)} ${t}`).join(', ')}; ${stats.open} still open, ${stats.droppedUnasked} closed by the hub`);
        if (lost > 0) r.failures.push(`[${store}] ${lost} of ${hooks.toHeld.size} agent-held conversations: their agent's socket missed new messages`);
        if (stats.droppedUnasked > 0) r.failures.push(`[${store}] the hub closed ${stats.droppedUnasked} agent sockets`);

        await sleep(2000);
        row.afterTraffic = await memPoint(hub.pid, hub.origin);
        row.peakRss = procMemory(hub.pid)?.peakRss ?? row.afterTraffic.rss;
        say(`${mb(row.afterTraffic.rss)} RSS after the traffic; peak ${mb(row.peakRss)}`);
        await sockets.disconnect();
      });
      r.memRows.push(row);
    } finally {
      await hub.stop();
    }
  } finally {
    await db.drop();
  }
}

async function main(): Promise<number> {
  const parsed = parseMemoryArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(MEMORY_USAGE);
    return 0;
  }
  const o = parsed;
  const t0 = performance.now();
  const log: string[] = [];
  const progress = (line: string) => {
    const stamped = `[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}`;
    log.push(stamped);
    console.log(stamped);
  };
  const machine = machineDescription(o.pgUrl);
  progress(`machine: ${machine.join('; ')}`);
  progress(`sizes: ${int(o.sizes.conversations)} conversations, ${int(o.sizes.messages)} messages, ${int(o.sizes.agents)} agents; stores: ${o.stores.join(', ')}`);

  // "LINE" and "Twilio" for the hubs' workers, in this process: nothing leaves the machine.
  const line = await startLineEmulator({ rateLimitPerSecond: 1e9 });
  const twilio = await startTwilioEmulator({ rateLimitPerSecond: 1e9 });
  const r: Run = {
    o,
    progress,
    failures: [],
    notes: [],
    startRows: [],
    memRows: [],
    providerEnv: {
      SWITCHBOARD_LINE_API_URL: line.baseUrl,
      SWITCHBOARD_LINE_DATA_API_URL: line.baseUrl,
      SWITCHBOARD_TWILIO_API_URL: twilio.baseUrl,
      SWITCHBOARD_TWILIO_CONTENT_API_URL: twilio.baseUrl,
    },
    emulators: {
      addLine: (m) => line.addChannel({ channelId: m.line.channelId, channelSecret: m.line.channelSecret, channelAccessToken: m.line.channelAccessToken, botUserId: m.line.botUserId }),
      addTwilio: (m) => twilio.addAccount({ accountSid: m.twilio.accountSid, authToken: m.twilio.authToken }),
    },
  };
  try {
    await baselines(r);
    for (const store of o.stores) {
      await emptyStore(r, store);
      await seededRun(r, store);
    }
  } finally {
    await line.close();
    await twilio.close();
  }

  const starts = startTable(r.startRows);
  const memory = memoryTable(r.memRows);
  console.log(`\n${starts}\n\n${memory}\n`);
  for (const f of r.failures) console.log(`CHECK FAILED: ${f}`);
  const setup = [
    `Seeded store per database: ${int(o.sizes.conversations)} conversations (2 % open in queues, 2 % active, 0.5 % waiting, 0.3 % wrap-up, the rest closed),`,
    `${int(o.sizes.messages)} messages, ${int(o.sizes.agents)} available agents (3 units each, an API token each), LINE and WhatsApp accounts, 21 queues.`,
    `Sockets: ${int(o.sizes.agents)} agent sockets on /api/realtime from a child process of the runner. Traffic: ${int(o.webhooks)} signed webhooks`,
    `(LINE and WhatsApp) into live conversations, then each agent lists their conversations and opens one (view + history) over REST.`,
    `${o.starts} timed start-ups per database; the OS file cache is warm (the store was just written or copied).`,
  ].join('\n');
  // Does start-up scale with the data? The CPU to ready says it without the machine's noise.
  for (const store of o.stores) {
    const [empty, seeded] = [r.startRows.find((s) => s.store === store && s.name.startsWith('hub, empty')), r.startRows.find((s) => s.store === store && !s.name.startsWith('hub, empty'))];
    if (!empty || !seeded) continue;
    const [a, b] = [median(empty.cpuMs), median(seeded.cpuMs)];
    r.notes.push(
      `${store}: CPU to ready ${a.toFixed(0)} ms on the empty database, ${b.toFixed(0)} ms on the seeded one (${b >= a ? '+' : ''}${(b - a).toFixed(0)} ms). ` +
        'Before it answers, the hub reads no messages and of the conversations only the open ones a bot holds (the bot runner\'s sweep, ' +
        'through the state index); the engine\'s first pass runs a second after start. Most of the CPU is loading the code.',
    );
  }
  r.notes.push(
    'idle CPU ms/s: CPU the hub used per second from 5 to 10 s after start, with nothing asked of it: its timers (the distribution pass every second, job polling). The first 5 s hold catch-up work (the engine\'s first pass) and are left out.',
    'PostgreSQL: the hub\'s RSS only; the server\'s backends are other processes.',
    r.failures.length ? `Checks FAILED: ${r.failures.join(' / ')}` : 'Checks passed: every socket authenticated, every webhook and REST read answered 2xx, every accepted webhook stored, every agent saw the new messages of the conversations they hold.',
  );
  if (o.heapProfDir) {
    console.log(`Heap-profiled run: bench/RESULTS.md left as it was; profiles in ${resolve(o.heapProfDir)}`);
  } else {
    writeSection('memory', memorySection({ machine, setup, startTable: starts, memoryTable: memory, notes: r.notes, log }));
    console.log(`Written to ${RESULTS_FILE.pathname} (section "Memory and start-up")`);
  }
  return r.failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof MemoryUsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
