/** The figures as a Markdown table, the machine they were measured on, and bench/RESULTS.md. */
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import type { BenchOptions } from './args.js';
import type { ScenarioResult } from './scenario.js';

/** How the PostgreSQL scenarios reach the server: its Unix socket or TCP (host and port). */
export function pgTransport(pgUrl: string): string {
  const u = new URL(pgUrl);
  const socketDir = u.searchParams.get('host');
  return socketDir?.startsWith('/') ? `Unix socket in ${socketDir}` : `TCP to ${u.hostname}:${u.port || '5432'}`;
}

export function machineDescription(pgUrl?: string, now = new Date()): string[] {
  const c = cpus();
  return [
    `CPU: ${c[0]?.model.trim() ?? 'unknown'} × ${c.length}`,
    `Memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${osType()} ${release()}`,
    `Node: ${process.version}`,
    `Date: ${now.toISOString()}`,
    `Load average when the run started: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (1, 5, 15 min)`,
    ...(pgUrl ? [`PostgreSQL reached through: ${pgTransport(pgUrl)}`] : []),
  ];
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
const pct = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n * 100)} %`);

export function resultsTable(results: ScenarioResult[]): string {
  const bare = results.find((r) => r.store === undefined);
  const head = [
    'scenario',
    'store',
    '2xx/s',
    'vs bare',
    'non-2xx',
    'p50 ms',
    'p99 ms',
    'server CPU µs/msg',
    'PG backends CPU µs/msg',
    'webhooks / commit',
    'server loop busy',
    'generator loop busy',
    'machine busy',
    'stored / acked',
  ];
  const rows = results.map((r) => [
    r.name,
    r.store ?? '–',
    int(r.rate),
    bare && r !== bare ? `${((r.rate / bare.rate) * 100).toFixed(1)} %` : '100 %',
    int(r.measured.non2xx + r.measured.errors),
    ms(r.measured.latencyMs.p50),
    ms(r.measured.latencyMs.p99),
    int(r.cpuUsPerMsg),
    r.dbCpuUsPerMsg === undefined ? '–' : int(r.dbCpuUsPerMsg),
    r.webhooksPerCommit === undefined ? '–' : r.webhooksPerCommit.toFixed(1),
    pct(r.targetElu),
    pct(r.measured.generatorElu),
    pct(r.machineBusy),
    r.stored === undefined ? '–' : `${int(r.stored)} / ${int(r.acked)}${r.stored === r.acked ? '' : ' MISMATCH'}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** The ingest benchmark's section of RESULTS.md (see results-file.ts). */
export function ingestSection(o: BenchOptions, machine: string[], table: string, log: string[]): string {
  return `## Webhook ingest

Written by \`node dist/bench/run.js\` (bench/run.ts, part of \`npm run bench\`).

${machine.map((m) => `- ${m}`).join('\n')}

${o.connections} keep-alive connections, ${o.warmupS} s warm-up, ${o.durationS} s measured per scenario, stores: ${o.stores.join(', ')}.
The load generator runs in a worker thread of the runner process and the server under test in its
own child process, all on this one machine, so generator and server share its CPUs.

${table}

\`\`\`
${log.join('\n')}
\`\`\``;
}
