/**
 * `node dist/bench/outbound.js`: benchmark 3 of issue #7 — agents' messages delivered to the
 * providers, with status callbacks processed. A real hub (child process, fresh store, workers on)
 * sends to the Twilio emulator (its own child process), which calls the hub back with signed
 * status callbacks (queued, sent, delivered, read). Agents send through the public REST API the
 * web app uses (POST /api/conversations/:id/messages, API tokens), closed loop, many connections.
 *
 * Same-run baseline: the emulator's own ceiling, the same connections posting the same kind of
 * create calls straight to its Messages API, its callbacks going to a bare node:http server.
 *
 * After each run it waits for the outbox and the callbacks to finish, then checks that every
 * accepted message reached the emulator exactly once, none is missing, and the hub's stored status
 * is the one the emulator last called back. Exits 1 if a check fails, 2 on an error.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { UsageError } from './flags.js';
import { forkChild, type Child } from './child.js';
import type { BenchAgent } from './hub-process.js';
import type { CpuSample } from './ipc.js';
import { OUTBOUND_USAGE, parseOutboundArgs, type OutboundOptions } from './outbound-args.js';
import { checkOutbound, type CheckResult } from './outbound-check.js';
import type { LedgerSummary } from './outbound-ledger.js';
import { runClosedLoop, type ClosedLoopResult, type OutboundRequest } from './outbound-load.js';
import { outboundSection, outboundTable, type OutboundRow } from './outbound-report.js';
import type { Assigned, OutboundState, TwilioSeeded } from './outbound-seed.js';
import { topFunctions, topPackages } from './profile-top.js';
import { busyShare, machineTicks, pgBackendCpuByPid, pgCpuBetweenMs } from './proc-cpu.js';
import { benchLog, reportIdle } from './bench-log.js';
import { machineDescription } from './report.js';
import { RESULTS_FILE, writeSection } from './results-file.js';
import type { StoreKind } from './stores.js';
import { startBaseline, startHub, type HubRunning, type Running } from './targets.js';
import type { CustomersWrite, TwilioAccountSetup, TwilioReady } from './twilio-process.js';

type Progress = (line: string) => void;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Twilio account of the emulator with its business number and customers. */
interface Tenant {
  accountSid: string;
  authToken: string;
  number: string;
  waNumbers: string[];
}

function newTenant(index: number, customers: number): Tenant {
  return {
    accountSid: `AC${hex(16)}`,
    authToken: hex(16),
    number: `+1415555${String(1000 + index).slice(-4)}`,
    waNumbers: Array.from({ length: customers }, (_, i) => `+1555${String(index * 1_000_000 + i).padStart(7, '0')}`),
  };
}

/** What one target's phases produced. */
interface Phases {
  accepted: Map<string, number>;
  unaccepted: Set<string>;
  measured: ClosedLoopResult;
  cpu: { target: number; emulator: number; pg?: number; machineBusy?: number; targetElu: number };
}

const cpuUs = (a: CpuSample, b: CpuSample) => b.userUs + b.systemUs - a.userUs - a.systemUs;
const elu = (a: CpuSample, b: CpuSample) => {
  const active = b.elu.active - a.elu.active;
  const idle = b.elu.idle - a.elu.idle;
  return active + idle > 0 ? active / (active + idle) : 0;
};

function describe(r: ClosedLoopResult): string {
  const bad = r.non2xx + r.errors > 0 ? `, ${r.non2xx} non-2xx ${JSON.stringify(r.statuses)}, ${r.errors} errors${r.firstError ? ` (${r.firstError})` : ''}` : '';
  return `${fmt((r.ok / r.elapsedMs) * 1000)} accepted/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, p99 ${r.latencyMs.p99.toFixed(1)} ms${bad}`;
}

/** Warm-up, then the measured run with the CPU of the target, the emulator and PostgreSQL around it. */
async function load(
  label: string,
  origin: string,
  o: OutboundOptions,
  make: (seq: number) => OutboundRequest,
  cpu: { target: () => Promise<CpuSample>; emulator: () => Promise<CpuSample>; pgName?: string },
  progress: Progress,
): Promise<Phases> {
  const pool = new Pool(origin, { connections: o.connections, pipelining: 1 });
  const accepted = new Map<string, number>();
  const unaccepted = new Set<string>();
  const keep = (r: ClosedLoopResult) => {
    for (const [k, t] of r.accepted) accepted.set(k, t);
    for (const k of r.unaccepted) unaccepted.add(k);
  };
  try {
    if (o.warmupS > 0) {
      const warm = await runClosedLoop(pool, { connections: o.connections, durationMs: o.warmupS * 1000, make });
      keep(warm);
      progress(`${label}: warm-up ${o.warmupS} s: ${describe(warm)}`);
    }
    const [t0, e0] = await Promise.all([cpu.target(), cpu.emulator()]);
    const pg0 = cpu.pgName ? pgBackendCpuByPid(cpu.pgName) : undefined;
    const m0 = machineTicks();
    const measured = await runClosedLoop(pool, { connections: o.connections, durationMs: o.durationS * 1000, make });
    const m1 = machineTicks();
    const pg1 = cpu.pgName ? pgBackendCpuByPid(cpu.pgName) : undefined;
    const [t1, e1] = await Promise.all([cpu.target(), cpu.emulator()]);
    keep(measured);
    progress(`${label}: measured ${o.durationS} s: ${describe(measured)}, generator loop ${Math.round(measured.generatorElu * 100)} % busy`);
    const busy = busyShare(m0, m1);
    return {
      accepted,
      unaccepted,
      measured,
      cpu: {
        target: cpuUs(t0, t1),
        emulator: cpuUs(e0, e1),
        targetElu: elu(t0, t1),
        ...(pg0 !== undefined && pg1 !== undefined ? { pg: (pgCpuBetweenMs(pg0, pg1) ?? 0) * 1000 } : {}),
        ...(busy === undefined ? {} : { machineBusy: busy }),
      },
    };
  } finally {
    await pool.close();
  }
}

/** Polls until `done` says so or `seconds` pass; returns whether it finished. */
async function drain(seconds: number, done: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    if (await done()) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

function onlyRun(s: LedgerSummary, prefix: string): LedgerSummary {
  return { ...s, rows: s.rows.filter((r) => r[0].startsWith(prefix)), duplicates: s.duplicates.filter(([b]) => b.startsWith(prefix)) };
}

function describeCheck(label: string, c: CheckResult, accepted: number, progress: Progress): void {
  progress(
    `${label}: ${fmt(accepted)} accepted; duplicates ${c.duplicates}, lost ${c.lost}, unexpected ${c.unexpected}, ` +
      `not delivered ${c.notDelivered}, unsettled ${c.unsettled}, callbacks refused ${c.callbacksRefused}` +
      `, missing in store ${c.missingInStore}, status ≠ last callback ${c.statusMismatches} → ${c.ok ? 'ok' : 'FAILED'}`,
  );
  for (const e of c.examples) progress(`${label}:   ${e}`);
}

function row(name: string, store: StoreKind | undefined, p: Phases, c: CheckResult): OutboundRow {
  const m = p.measured;
  const per = (us: number) => (m.ok > 0 ? us / m.ok : 0);
  return {
    name,
    ...(store ? { store } : {}),
    acceptedPerS: (m.ok / m.elapsedMs) * 1000,
    apiLatency: m.latencyMs,
    check: c,
    targetCpuUsPerMsg: per(p.cpu.target),
    emulatorCpuUsPerMsg: per(p.cpu.emulator),
    ...(p.cpu.pg === undefined ? {} : { pgCpuUsPerMsg: per(p.cpu.pg) }),
    targetElu: p.cpu.targetElu,
    generatorElu: m.generatorElu,
    ...(p.cpu.machineBusy === undefined ? {} : { machineBusy: p.cpu.machineBusy }),
    failedRequests: m.non2xx + m.errors,
  };
}

/** The emulator's ceiling: create calls straight to its Messages API; callbacks to a bare server. */
async function runBaseline(o: OutboundOptions, twilio: Child, twilioUrl: string, runTag: string, progress: Progress): Promise<OutboundRow> {
  const label = 'emulator alone';
  const sink: Running = await startBaseline();
  try {
    const t = newTenant(0, o.customers);
    const setup: TwilioAccountSetup = { ...t, webhookUrl: `${sink.target.origin}/in`, statusCallbackUrl: `${sink.target.origin}/status` };
    await twilio.rpc.call('addAccount', setup);
    const wrote = await twilio.rpc.call<{ ok: number }>('customersWrite', { accountSid: t.accountSid, number: t.number, waNumbers: t.waNumbers, inFlight: 32 } satisfies CustomersWrite);
    progress(`${label}: ${wrote.ok} customers wrote first (24-hour window open)`);
    const prefix = `${runTag} base `;
    const auth = `Basic ${Buffer.from(`${t.accountSid}:${t.authToken}`).toString('base64')}`;
    const path = `/2010-04-01/Accounts/${t.accountSid}/Messages.json`;
    const make = (seq: number): OutboundRequest => {
      const key = `${prefix}${seq}`;
      const body = new URLSearchParams({
        To: `whatsapp:${t.waNumbers[seq % t.waNumbers.length]}`,
        From: `whatsapp:${t.number}`,
        Body: key,
        StatusCallback: `${sink.target.origin}/status?m=msg_${seq}`,
      }).toString();
      return { key, body, path, headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' } };
    };
    const phases = await load(label, twilioUrl, o, make, { target: () => twilio.rpc.cpu(), emulator: () => twilio.rpc.cpu() }, progress);
    const summary = () => twilio.rpc.call<LedgerSummary>('summary', { accountSid: t.accountSid });
    const drained = await drain(o.drainS, async () => (await summary()).unsettled === 0);
    if (!drained) progress(`${label}: callbacks still running after ${o.drainS} s`);
    const c = checkOutbound({ accepted: phases.accepted, unaccepted: phases.unaccepted, window: { start: phases.measured.startedAt, end: phases.measured.endedAt }, ledger: onlyRun(await summary(), prefix) });
    describeCheck(label, c, phases.accepted.size, progress);
    const r = row(label, undefined, phases, c);
    delete r.emulatorCpuUsPerMsg; // the target is the emulator
    return r;
  } finally {
    await sink.stop();
  }
}

async function runHub(
  o: OutboundOptions,
  store: StoreKind,
  index: number,
  twilio: Child,
  twilioUrl: string,
  runTag: string,
  progress: Progress,
): Promise<OutboundRow> {
  const label = `hub [${store}]`;
  const profDir = o.cpuProfDir ? resolve(o.cpuProfDir) : undefined;
  const execArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=hub-outbound-${store}.cpuprofile`] : [];
  const line = { channelId: '2000000001', channelSecret: hex(16), channelAccessToken: `bench-${hex(24)}` };
  // lineApiUrl: the hub process needs one; nothing in this bench calls LINE.
  const hub: HubRunning = await startHub({ store, pgUrl: o.pgUrl, lineApiUrl: twilioUrl, line, execArgv, twilioApiUrl: twilioUrl });
  try {
    const t = newTenant(index, o.customers);
    const agents = await hub.rpc.call<BenchAgent[]>('agents', { count: o.agents, prefix: 'wa-agent' });
    const seeded = await hub.rpc.call<TwilioSeeded>('seedTwilio', { accountSid: t.accountSid, authToken: t.authToken, number: t.number, agentIds: agents.map((a) => a.id) });
    await twilio.rpc.call('addAccount', { ...t, webhookUrl: seeded.webhookUrl, statusCallbackUrl: seeded.statusCallbackUrl } satisfies TwilioAccountSetup);
    const wrote = await twilio.rpc.call<{ ok: number; failed: number; firstError?: string }>('customersWrite', {
      accountSid: t.accountSid,
      number: t.number,
      waNumbers: t.waNumbers,
      inFlight: 32,
    } satisfies CustomersWrite);
    if (wrote.failed > 0) throw new Error(`${wrote.failed} customers' first messages were refused by the hub: ${wrote.firstError}`);
    const assigned = await hub.rpc.call<Assigned[]>('assignConversations', { queueId: seeded.queueId, agentIds: agents.map((a) => a.id), expect: o.customers, timeoutMs: 120_000 });
    progress(`${label}: ${o.agents} agents, ${assigned.length} conversations assigned (each customer wrote first, through a signed webhook)`);

    const prefix = `${runTag} ${store} `;
    const make = (seq: number): OutboundRequest => {
      const a = assigned[seq % assigned.length]!;
      const key = `${prefix}${seq}`;
      return {
        key,
        path: `/api/conversations/${a.conversationId}/messages`,
        headers: { authorization: `Bearer ${agents[a.agentIndex]!.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'text', text: key }),
      };
    };
    const phases = await load(
      label,
      hub.ready.origin,
      o,
      make,
      { target: () => hub.rpc.cpu(), emulator: () => twilio.rpc.cpu(), ...(hub.db.pgName ? { pgName: hub.db.pgName } : {}) },
      progress,
    );
    const drainStart = performance.now();
    const summary = () => twilio.rpc.call<LedgerSummary>('summary', { accountSid: t.accountSid });
    const drained = await drain(o.drainS, async () => {
      const state = await hub.rpc.call<OutboundState>('outboundState');
      return (state.jobs['pending'] ?? 0) + (state.jobs['running'] ?? 0) === 0 && (await summary()).unsettled === 0;
    });
    progress(`${label}: ${drained ? 'outbox drained and callbacks done' : `NOT drained after ${o.drainS} s`} ${((performance.now() - drainStart) / 1000).toFixed(1)} s after the run`);
    const state = await hub.rpc.call<OutboundState>('outboundState');
    progress(`${label}: jobs ${JSON.stringify(state.jobs)}`);
    const c = checkOutbound({
      accepted: phases.accepted,
      unaccepted: phases.unaccepted,
      window: { start: phases.measured.startedAt, end: phases.measured.endedAt },
      ledger: onlyRun(await summary(), prefix),
      hubRows: state.rows.filter((r) => r[0].startsWith(prefix)),
    });
    describeCheck(label, c, phases.accepted.size, progress);
    return row(`hub (REST API → outbox → Twilio emulator → callbacks)`, store, phases, c);
  } finally {
    await hub.stop();
  }
}

async function main(): Promise<number> {
  const parsed = parseOutboundArgs(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(OUTBOUND_USAGE);
    return 0;
  }
  const o = parsed;
  const { progress, lines: log } = benchLog();
  const machine = machineDescription(o.pgUrl);
  progress(`machine: ${machine.join('; ')}`);
  await reportIdle(progress);
  if (o.cpuProfDir) mkdirSync(resolve(o.cpuProfDir), { recursive: true });

  const runTag = `bench-${hex(3)}`;
  const profDir = o.cpuProfDir ? resolve(o.cpuProfDir) : undefined;
  const twilioArgv = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-name=twilio-emulator.cpuprofile'] : [];
  const twilio = await forkChild(new URL('./twilio-process.js', import.meta.url), twilioArgv);
  const rows: OutboundRow[] = [];
  try {
    const { baseUrl } = await twilio.rpc.call<TwilioReady>('start');
    progress(`Twilio emulator (own process): ${baseUrl}`);
    rows.push(await runBaseline(o, twilio, baseUrl, runTag, progress));
    let index = 1;
    if (!o.onlyEmulator) for (const store of o.stores) rows.push(await runHub(o, store, index++, twilio, baseUrl, runTag, progress));
  } finally {
    await twilio.stop();
  }

  const table = outboundTable(rows);
  console.log(`\n${table}\n`);
  if (profDir) {
    const mine = (x: string) => (x.startsWith('hub-outbound-') || x === 'twilio-emulator.cpuprofile') && x.endsWith('.cpuprofile');
    for (const f of readdirSync(profDir).filter(mine).sort()) {
      const prof = join(profDir, f);
      console.log(`Self time in ${f}, by function:\n${topFunctions(prof, 25).join('\n')}\nby package:\n${topPackages(prof).join('\n')}\n`);
    }
    console.log("Profiled run: its figures carry the profiler's cost, so bench/RESULTS.md was left as it was.");
  } else if (o.onlyEmulator) {
    console.log('--only-emulator: a partial run, so bench/RESULTS.md was left as it was.');
  } else {
    writeSection('outbound', outboundSection(o, machine, table, log));
    console.log(`Written to ${RESULTS_FILE.pathname} (section "Outbound")`);
  }
  return rows.every((r) => r.check.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
