/** The memory bench's tables and its section of bench/RESULTS.md (pure formatting). */

/** The issue's targets: RSS ≤ 250 MB (10⁶ bytes) with the large store and 1,000 sockets; start-up < 1 s. */
export const RSS_TARGET_BYTES = 250e6;
export const START_TARGET_MS = 1000;

export interface StartRow {
  name: string;
  store: string;
  /** Timed start-ups, spawn → first 200 of the health check, in ms. */
  timesMs: number[];
  /** CPU the process used until ready, per start, in ms (/proc; empty where unknown). */
  cpuMs: number[];
}

export interface MemPoint {
  rss: number;
  heapUsed?: number;
}

export interface MemRow {
  name: string;
  store: string;
  afterStart?: MemPoint;
  afterSockets?: MemPoint;
  afterTraffic?: MemPoint;
  /** VmHWM at the end: the highest RSS the process reached. */
  peakRss?: number;
  /** CPU the process used per second while idle just after start (ms/s). */
  idleCpuMsPerS?: number;
  /** The same with the sockets connected and silent. */
  socketsIdleCpuMsPerS?: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mb = (bytes: number | undefined) => (bytes === undefined ? '–' : (bytes / 1e6).toFixed(1));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
const ms = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(0));

function table(head: string[], rows: string[][], leftCols = 2): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < leftCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < leftCols ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/** Start-up times; "vs bare" is the median over the bare `node -e` server's median. */
export function startTable(rows: StartRow[]): string {
  const bare = rows.find((r) => r.store === '–');
  const bareMedian = bare ? median(bare.timesMs) : undefined;
  return table(
    ['process', 'store', 'starts', 'median ms', 'max ms', 'CPU ms to ready (median)', 'vs bare node', `target < ${START_TARGET_MS} ms`],
    rows.map((r) => {
      const med = median(r.timesMs);
      const max = r.timesMs.length ? Math.max(...r.timesMs) : NaN;
      return [
        r.name,
        r.store,
        String(r.timesMs.length),
        ms(med),
        ms(max),
        ms(median(r.cpuMs)),
        r === bare ? '1.00×' : ratio(med, bareMedian),
        r === bare ? '–' : Number.isNaN(max) ? '–' : max < START_TARGET_MS ? 'met' : 'MISSED',
      ];
    }),
  );
}

/** RSS (MB = 10⁶ bytes) at each step; "vs bare" compares the last RSS with the bare ws server's holding the same sockets. */
export function memoryTable(rows: MemRow[]): string {
  const bare = rows.find((r) => r.store === '–');
  const bareRss = bare?.afterSockets?.rss;
  return table(
    ['process', 'store', 'RSS after start', 'after sockets', 'after traffic', 'peak RSS', 'heap used start / sockets / traffic', 'idle CPU ms/s alone / with sockets', 'vs bare ws', `target ≤ ${RSS_TARGET_BYTES / 1e6} MB`],
    rows.map((r) => {
      const last = r.afterTraffic ?? r.afterSockets ?? r.afterStart;
      const heaps = [r.afterStart, r.afterSockets, r.afterTraffic].map((p) => mb(p?.heapUsed)).join(' / ');
      const worst = Math.max(r.peakRss ?? 0, last?.rss ?? 0);
      return [
        r.name,
        r.store,
        mb(r.afterStart?.rss),
        mb(r.afterSockets?.rss),
        mb(r.afterTraffic?.rss),
        mb(r.peakRss),
        heaps,
        [r.idleCpuMsPerS, r.socketsIdleCpuMsPerS].map((c) => (c === undefined ? '–' : c.toFixed(1))).join(' / '),
        r === bare ? '1.00×' : r.afterSockets ? ratio(last?.rss, bareRss) : '–',
        r === bare || !r.afterSockets ? '–' : worst <= RSS_TARGET_BYTES ? 'met' : 'MISSED',
      ];
    }),
  );
}

export function memorySection(p: { machine: string[]; setup: string; startTable: string; memoryTable: string; notes: string[]; log: string[] }): string {
  return `## Memory and start-up

Written by \`node dist/bench/memory.js\` (bench/memory.ts, part of \`npm run bench\`).

${p.machine.map((m) => `- ${m}`).join('\n')}

${p.setup}

Start-up: spawn of \`node bin/switchboard.js start\` → first 200 of \`GET /healthz\`.

${p.startTable}

Memory (MB = 10⁶ bytes; RSS from /proc/<pid>/status, heap used from the hub's /metrics):

${p.memoryTable}

${p.notes.map((n) => `- ${n}`).join('\n')}

\`\`\`
${p.log.join('\n')}
\`\`\``;
}
