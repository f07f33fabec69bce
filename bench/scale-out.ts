/**
 * `node dist/bench/scale-out.js`: two hub processes on one PostgreSQL database (issue #7,
 * benchmark 5). Hub A seeds the store; hub B joins it (same database and secret key).
 *
 * (a) Cross-process delivery: paced LINE webhooks into hub A while the agents' sockets are
 *     connected to hub B (the event travels A → NOTIFY → B), and in the same run, as the baseline,
 *     the same into hub A with the agents on hub A. Send → agent event latency, lost events.
 * (b) Ingest scaling: the ingest bench's closed-loop generator against hub A alone, then with its
 *     connections split over hubs A and B; the rates and their ratio.
 *
 * Exits 1 if an event is lost or duplicated, or if the store does not hold exactly the
 * acknowledged messages. `--store sqlite` has nothing to do (one SQLite file serves one process).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startAgentSockets } from './agent-sockets.js';
import { awaitJobsDone, seedAssignedAgents } from './agent-seeding.js';
import { benchLog, reportIdle } from './bench-log.js';
import { DEFAULT_PG_URL } from './flags.js';
import { closedLoopIngest, type ClosedLoopResult } from './closed-loop-ingest.js';
import { deliveryOk, measureDelivery, type DeliveryResult } from './delivery-latency.js';
import { startGenerator } from './generator.js';
import { startBenchLineChannel } from './line-channel.js';
import { int, markdownTable, ms, signedMs } from './md-table.js';
import { parsePacedArgs, UsageError, type PacedBenchOptions } from './paced-args.js';
import { topFunctions, topPackages } from './profile-top.js';
import { machineDescription } from './report.js';
import { RESULTS_FILE, writeSection } from './results-file.js';
import { startHub, type HubRunning } from './targets.js';

const USAGE = `Usage: node dist/bench/scale-out.js [options]   (PostgreSQL only)
  --rate N            webhooks per second of the cross-process runs, open loop (default 500)
  --duration S        measured seconds of each run (default 10)
  --warmup S          warm-up seconds before each, not counted (default 3)
  --agents N          agents connected to /api/realtime (default 50)
  --customers N       customers, each with a conversation held by an agent (default 500)
  --connections N     keep-alive connections of the ingest runs, split over the hubs (default 50)
  --grace S           wait this long after the last answer for late events (default 5)
  --store KIND        postgres or both run it; sqlite: nothing to do (default postgres)
  --pg-url URL        PostgreSQL server (default: the Unix socket in /var/run/postgresql if there
                      is one, else postgres://postgres@127.0.0.1:5432/postgres)
  --cpu-prof DIR      V8 profile of both hub processes into DIR, with their top functions;
                      leaves bench/RESULTS.md alone
  --quick             smoke run: --duration 2 --warmup 1 --agents 10 --customers 100
  --help`;

const DEFAULTS: PacedBenchOptions = {
  stores: ['postgres'],
  pgUrl: DEFAULT_PG_URL,
  rate: 500,
  durationS: 10,
  warmupS: 3,
  agents: 50,
  customers: 500,
  connections: 50,
  graceS: 5,
  quick: false,
};

/** Most connections the paced sender opens (it rarely needs more than a few). */
const PACED_CONNECTIONS = 256;

const pct = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n * 100)} %`);

function deliveryTable(rows: DeliveryResult[]): string {
  const same = rows[0]!;
  return markdownTable(
    ['webhooks → agents', 'sent/s', '2xx', 'not 2xx', 'events', 'missing', 'dup', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'p99 − same-process ms', 'hub A CPU µs/msg', 'PG µs/msg'],
    rows.map((r) => [
      r.label,
      int(r.sendRate),
      int(r.paced.ok),
      int(r.rejected),
      int(r.matched.arrived),
      int(r.matched.missing + r.warmupMissing),
      int(r.duplicates),
      ms(r.matched.latencyMs.p50),
      ms(r.matched.latencyMs.p90),
      ms(r.matched.latencyMs.p99),
      ms(r.matched.latencyMs.max),
      r === same ? '–' : signedMs(r.matched.latencyMs.p99 - same.matched.latencyMs.p99),
      int(r.cpuUsPerMsg),
      r.pgUsPerMsg === undefined ? '–' : int(r.pgUsPerMsg),
    ]),
  );
}

function ingestTable(rows: ClosedLoopResult[], connections: number): string {
  const one = rows[0]!;
  return markdownTable(
    ['ingest, closed loop', 'connections', '2xx/s', 'vs one hub', 'per hub 2xx/s', 'per hub p99 ms', 'hub loops busy', 'hubs CPU cores', 'PG µs/msg', 'generator loop busy', 'machine busy'],
    rows.map((r) => [
      r.label,
      `${connections}${r.hubs > 1 ? ` (${r.perHub.map(() => Math.round(connections / r.hubs)).join(' + ')})` : ''}`,
      int(r.rate),
      r === one ? '100 %' : `${((r.rate / one.rate) * 100).toFixed(0)} % (×${(r.rate / one.rate).toFixed(2)})`,
      r.perHub.map((h) => int(h.rate)).join(' + '),
      r.perHub.map((h) => ms(h.p99)).join(', '),
      r.perHub.map((h) => pct(h.elu)).join(', '),
      r.hubCores.toFixed(2),
      r.pgUsPerMsg === undefined ? '–' : int(r.pgUsPerMsg),
      pct(r.generatorElu),
      pct(r.machineBusy),
    ]),
  );
}

function section(o: PacedBenchOptions, machine: string[], body: string, log: string[]): string {
  return `## Scale-out: two hub processes on one PostgreSQL database

Written by \`node dist/bench/scale-out.js\` (bench/scale-out.ts, part of \`npm run bench\`).

${machine.map((m) => `- ${m}`).join('\n')}

Hub A seeded the database; hub B joined it (same database, same secret key). (a) ${o.rate.toLocaleString('en-US')} signed LINE webhooks/s
into hub A, open loop, ${o.warmupS} s warm-up then ${o.durationS} s measured, with the ${o.agents} agents' sockets on hub A (the baseline)
and then on hub B (the event crosses processes through PostgreSQL NOTIFY); latency from the webhook's send to the
agent's \`message.created\`. (b) The ingest bench's closed-loop generator, ${o.connections} connections and 100 known senders per
generator, against hub A alone and then split over A and B. Both hubs, PostgreSQL and every client share this
machine's CPUs: where they are few, a second process has little to add, and the ratio shows it.

${body}

\`\`\`
${log.join('\n')}
\`\`\``;
}

async function main(): Promise<number> {
  const parsed = parsePacedArgs(process.argv.slice(2), USAGE, DEFAULTS);
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const o = parsed;
  if (!o.stores.includes('postgres')) {
    console.log('scale-out: runs on PostgreSQL only (several processes on one database); nothing to do for --store sqlite');
    return 0;
  }
  const { progress, lines } = benchLog();
  const machine = machineDescription(o.pgUrl);
  progress(`machine: ${machine.join('; ')}`);
  await reportIdle(progress);
  const profDir = o.cpuProfDir ? resolve(o.cpuProfDir) : undefined;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const execArgv = (name: string) => (profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=hub-scale-out-${name}.cpuprofile`] : []);

  const ch = await startBenchLineChannel();
  const sockets = await startAgentSockets();
  const bodies = { channelSecret: ch.line.channelSecret, destination: ch.botUserId };
  let hubA: HubRunning | undefined;
  let hubB: HubRunning | undefined;
  const delivery: DeliveryResult[] = [];
  const ingest: ClosedLoopResult[] = [];
  let storedOk = false;
  let storedLine = '';
  try {
    hubA = await startHub({ store: 'postgres', pgUrl: o.pgUrl, lineApiUrl: ch.emulator.baseUrl, line: ch.line, execArgv: execArgv('a') });
    hubB = await startHub({ store: 'postgres', pgUrl: o.pgUrl, lineApiUrl: ch.emulator.baseUrl, line: ch.line, execArgv: execArgv('b'), join: hubA.db });
    progress(`hub A at ${hubA.target.origin}, hub B at ${hubB.target.origin}, one database ${hubA.db.pgName}`);
    const A = hubA;
    const B = hubB;

    // (a) Cross-process delivery.
    const gen = await startGenerator({ origin: A.target.origin, connections: PACED_CONNECTIONS, bodies: { ...bodies, mix: 'known', knownSenders: o.customers }, initialBodies: o.customers });
    let acked = 0;
    try {
      const seeded = await seedAssignedAgents(A, gen, o, progress);
      acked += seeded.primedAcked;
      for (const [label, on] of [
        ['into A, agents on A', A],
        ['into A, agents on B', B],
      ] as const) {
        const open = await sockets.connect(on.target.origin, seeded.credentials);
        progress(`${label}: ${open} agent sockets connected`);
        const spec = { label, path: A.target.path, rate: o.rate, warmupS: o.warmupS, durationS: o.durationS, graceMs: o.graceS * 1000 };
        const r = await measureDelivery(gen, sockets, A.target, spec, progress);
        await sockets.disconnect();
        delivery.push(r);
        acked += r.acked;
      }
    } finally {
      await sockets.disconnect();
      await gen.close();
    }

    // (b) Ingest scaling, closed loop: one hub, then both.
    // Each starts with the workers idle (the previous run's profile fetches done).
    const spec = { connections: o.connections, warmupS: o.warmupS, durationS: o.durationS, knownSenders: 100, bodies };
    await awaitJobsDone(A.target, 60_000, progress);
    ingest.push(await closedLoopIngest([A.target], { ...spec, label: 'one hub (A)' }, progress));
    await awaitJobsDone(A.target, 60_000, progress);
    ingest.push(await closedLoopIngest([A.target, B.target], { ...spec, label: 'two hubs (A + B)' }, progress));
    acked += ingest.reduce((a, r) => a + r.acked, 0);

    const st = await A.target.storedMessages!();
    storedOk = st.messagesIn === acked;
    storedLine = `Stored ${int(st.messagesIn)} customer messages of ${int(acked)} acknowledged over every phase (priming, both parts): ${storedOk ? 'equal' : 'MISMATCH'}.`;
    progress(`stored ${st.messagesIn} of ${acked} acknowledged over every phase (${storedOk ? 'ok' : 'MISMATCH'}); ${st.jobsOpen} jobs still open`);
  } finally {
    await sockets.stop();
    // B first: stopping A drops the database under it.
    await hubB?.stop();
    await hubA?.stop();
    await ch.emulator.close();
  }

  const [same, cross] = delivery;
  const [one, two] = ingest;
  const summary = [
    `Cross-process delivery: p99 ${ms(cross!.matched.latencyMs.p99)} ms with the agents on hub B against ${ms(same!.matched.latencyMs.p99)} ms on hub A ` +
      `(${signedMs(cross!.matched.latencyMs.p99 - same!.matched.latencyMs.p99)} ms); lost ${cross!.matched.missing + cross!.warmupMissing}, duplicated ${cross!.duplicates}.`,
    `Ingest: ${int(two!.rate)} 2xx/s on two hubs against ${int(one!.rate)} 2xx/s on one (×${(two!.rate / one!.rate).toFixed(2)}).`,
    storedLine,
  ];
  const body = `(a) Cross-process delivery (send → agent's event):\n\n${deliveryTable(delivery)}\n\n(b) Ingest scaling:\n\n${ingestTable(ingest, o.connections)}\n\n${summary.map((s) => `- ${s}`).join('\n')}`;
  console.log(`\n${body}\n`);
  if (profDir) {
    for (const f of readdirSync(profDir).filter((x) => x.startsWith('hub-scale-out-') && x.endsWith('.cpuprofile')).sort()) {
      const prof = join(profDir, f);
      console.log(`Self time in ${f}, by function:\n${topFunctions(prof, 25).join('\n')}\nby package:\n${topPackages(prof).join('\n')}\n`);
    }
    console.log("Profiled run: its figures carry the profiler's cost, so bench/RESULTS.md was left as it was.");
  } else {
    writeSection('scale-out', section(o, machine, body, lines));
    console.log(`Written to ${RESULTS_FILE.pathname} (section "Scale-out")`);
  }
  return delivery.every(deliveryOk) && storedOk ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof UsageError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(2);
  },
);
