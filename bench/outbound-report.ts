/** The outbound bench's table and its section of bench/RESULTS.md. */
import type { OutboundOptions } from './outbound-args.js';
import type { CheckResult } from './outbound-check.js';
import type { LatencySummary } from './samples.js';
import type { StoreKind } from './stores.js';

/** The issue's target for this benchmark: messages delivered, callbacks processed, per second. */
export const TARGET_PER_S = 3000;

export interface OutboundRow {
  name: string;
  store?: StoreKind;
  acceptedPerS: number;
  apiLatency: LatencySummary;
  check: CheckResult;
  targetCpuUsPerMsg: number;
  emulatorCpuUsPerMsg?: number;
  pgCpuUsPerMsg?: number;
  targetElu: number;
  generatorElu: number;
  machineBusy?: number;
  failedRequests: number;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => n.toFixed(Math.abs(n) < 10 ? 1 : 0);
const pct = (n: number | undefined) => (n === undefined ? '–' : `${Math.round(n * 100)} %`);
const pair = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p99)}`;

export function outboundTable(rows: OutboundRow[]): string {
  const base = rows.find((r) => r.store === undefined);
  const head = [
    'target',
    'store',
    'accepted/s',
    'delivered/s',
    'completed/s',
    'vs emulator alone',
    'failed requests',
    'answer p50 / p99 ms',
    '→ emulator p50 / p99 ms',
    '→ final status p50 / p99 ms',
    'target CPU µs/msg',
    'emulator CPU µs/msg',
    'PG backends CPU µs/msg',
    'target loop busy',
    'generator loop busy',
    'machine busy',
    'checks',
  ];
  const body = rows.map((r) => [
    r.name,
    r.store ?? '–',
    int(r.acceptedPerS),
    int(r.check.deliveredPerS),
    int(r.check.completedPerS),
    base && r !== base && base.check.completedPerS > 0 ? `${((r.check.completedPerS / base.check.completedPerS) * 100).toFixed(1)} %` : '100 %',
    int(r.failedRequests),
    pair(r.apiLatency),
    pair(r.check.toProvider),
    pair(r.check.toFinalStatus),
    int(r.targetCpuUsPerMsg),
    r.emulatorCpuUsPerMsg === undefined ? '–' : int(r.emulatorCpuUsPerMsg),
    r.pgCpuUsPerMsg === undefined ? '–' : int(r.pgCpuUsPerMsg),
    pct(r.targetElu),
    pct(r.generatorElu),
    pct(r.machineBusy),
    r.check.ok ? 'ok' : 'FAILED',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < 2 ? `${'-'.repeat(w + 1)}-` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...body.map(line)].join('\n');
}

export function outboundSection(o: OutboundOptions, machine: string[], table: string, log: string[]): string {
  return `## Outbound

Written by \`node dist/bench/outbound.js\` (bench/outbound.ts, part of \`npm run bench\`). Issue #7 asks
for ≥ ${TARGET_PER_S.toLocaleString('en-US')} messages/s delivered with status callbacks processed ("completed/s"),
none lost or duplicated.

${machine.map((m) => `- ${m}`).join('\n')}

${o.connections} keep-alive connections (closed loop), ${o.agents} agents, ${o.customers} customers with an open
conversation each, ${o.warmupS} s warm-up, ${o.durationS} s measured per target, stores: ${o.stores.join(', ')}.
The generator runs in the runner process, the hub and the Twilio emulator each in their own child
process, all on this one machine. "completed/s": messages whose last status callback (read) the
receiver acknowledged during the measured run; "vs emulator alone" compares it with the emulator's
own ceiling measured in the same run.

${table}

\`\`\`
${log.join('\n')}
\`\`\``;
}
