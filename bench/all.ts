/**
 * `npm run bench`: every benchmark, one after the other (they would steal each other's CPU if run
 * together), each in its own process. Each writes its own section of bench/RESULTS.md; this
 * prints their progress as it comes and a summary at the end. Exits with the worst exit code:
 * 1 when a benchmark's correctness check failed (lost or duplicated messages), 2 on an error.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

interface Bench {
  id: string;
  file: string;
  what: string;
  /** Extra flags for a full run (their own defaults otherwise). */
  args?: string[];
}

export const BENCHES: readonly Bench[] = [
  { id: 'ingest', file: 'run.js', what: 'webhook ingest vs bare node:http (LINE and Twilio, known and new senders)', args: ['--store', 'both'] },
  { id: 'inbound-latency', file: 'inbound-latency.js', what: 'webhook → agent WebSocket latency at a steady rate' },
  { id: 'outbound', file: 'outbound.js', what: "agents' messages → emulators, with status callbacks" },
  { id: 'memory', file: 'memory.js', what: 'RSS and start-up on a large store with 1,000 agent sockets' },
  { id: 'scale-out', file: 'scale-out.js', what: 'two hub processes on one PostgreSQL' },
  { id: 'distribution', file: 'distribution.js', what: 'work distribution: assignment and freed-capacity latency', args: ['--store', 'both'] },
];

export const USAGE = `Usage: npm run bench -- [options]   (or node dist/bench/all.js after npm run build)
Runs every benchmark in turn; each writes its own section of bench/RESULTS.md.
  --only IDS      comma-separated subset of: ${BENCHES.map((b) => b.id).join(', ')}
  --quick         smoke run: each benchmark's --quick (short runs, small stores)
  --list          print the benchmarks and exit
  --help
Each benchmark also runs alone: node dist/bench/<file> --help (see bench/README.md).`;

export interface AllOptions {
  only: string[];
  quick: boolean;
  list: boolean;
}

export function parseAllArgs(argv: readonly string[]): AllOptions | 'help' {
  const o: AllOptions = { only: BENCHES.map((b) => b.id), quick: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--only': {
        const v = argv[++i];
        if (!v) throw new Error(`--only needs a value\n${USAGE}`);
        const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
        const unknown = ids.filter((id) => !BENCHES.some((b) => b.id === id));
        if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.id).join(', ')}`);
        o.only = ids;
        break;
      }
      case '--quick':
        o.quick = true;
        break;
      case '--list':
        o.list = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new Error(`unknown option ${flag}\n${USAGE}`);
    }
  }
  return o;
}

function runOne(b: Bench, quick: boolean): Promise<number> {
  const args = [new URL(`./${b.file}`, import.meta.url).pathname, ...(b.args ?? []), ...(quick ? ['--quick'] : [])];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.once('error', () => resolve(2));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 2 : 0)));
  });
}

async function main(): Promise<number> {
  let o: AllOptions | 'help';
  try {
    o = parseAllArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (o === 'help') {
    console.log(USAGE);
    return 0;
  }
  const chosen = BENCHES.filter((b) => o.only.includes(b.id));
  if (o.list) {
    for (const b of chosen) console.log(`${b.id.padEnd(16)} dist/bench/${b.file.padEnd(20)} ${b.what}`);
    return 0;
  }
  const summary: string[] = [];
  let worst = 0;
  for (const [i, b] of chosen.entries()) {
    console.log(`\n=== [${i + 1}/${chosen.length}] ${b.id}: ${b.what} ===\n`);
    const t0 = performance.now();
    const code = await runOne(b, o.quick);
    const s = ((performance.now() - t0) / 1000).toFixed(0);
    summary.push(`${b.id.padEnd(16)} ${code === 0 ? 'ok' : code === 1 ? 'CHECK FAILED' : 'ERROR'} (exit ${code}, ${s} s)`);
    worst = Math.max(worst, code);
  }
  console.log(`\n=== summary ===\n${summary.join('\n')}\nFigures: bench/RESULTS.md`);
  return worst;
}

// Run only as the entry point (the test imports the parser).
if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
