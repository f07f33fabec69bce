/** The memory bench's pure pieces: flags, /proc and /metrics parsing, bulk-insert SQL, tables. */
import { describe, expect, it } from 'vitest';
import { columnsOf, unnestInsertSql, type TableSpec } from './bulk-insert.js';
import { MemoryUsageError, parseMemoryArgs } from './memory-args.js';
import { median, memoryTable, startTable } from './memory-report.js';
import { metricValue, parseProcStatus } from './proc-mem.js';

describe('parseMemoryArgs', () => {
  it('defaults to the issue sizes on both stores', () => {
    const o = parseMemoryArgs([]);
    expect(o).toMatchObject({ stores: ['sqlite', 'postgres'], sizes: { conversations: 100_000, messages: 1_000_000, agents: 1000 }, starts: 5, webhooks: 3000 });
  });

  it('--quick takes a twentieth, and explicit sizes win', () => {
    expect(parseMemoryArgs(['--quick'])).toMatchObject({ sizes: { conversations: 5000, messages: 50_000, agents: 50 }, starts: 3, webhooks: 150 });
    expect(parseMemoryArgs(['--quick', '--agents', '7', '--store', 'sqlite'])).toMatchObject({ sizes: { agents: 7 }, stores: ['sqlite'] });
  });

  it('refuses unknown flags and bad values', () => {
    expect(() => parseMemoryArgs(['--nope'])).toThrow(MemoryUsageError);
    expect(() => parseMemoryArgs(['--store', 'mysql'])).toThrow(/sqlite, postgres or both/);
    expect(() => parseMemoryArgs(['--agents', '0'])).toThrow(/>= 1/);
    expect(() => parseMemoryArgs(['--conversations', '100', '--messages', '50'])).toThrow(/at least/);
    expect(parseMemoryArgs(['--help'])).toBe('help');
  });
});

describe('proc and metrics parsing', () => {
  it('reads VmRSS and VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';
    expect(parseProcStatus(status)).toEqual({ rss: 100 * 2 ** 20, peakRss: 200 * 2 ** 20 });
    expect(parseProcStatus('Name:\tkthread\n')).toBeUndefined();
  });

  it('reads an unlabelled or labelled Prometheus sample', () => {
    const text = '# HELP x_nodejs_heap_size_used_bytes h\n# TYPE x_nodejs_heap_size_used_bytes gauge\nx_nodejs_heap_size_used_bytes 12345678\nx_other{a="b"} 3.5e2\n';
    expect(metricValue(text, 'x_nodejs_heap_size_used_bytes')).toBe(12_345_678);
    expect(metricValue(text, 'x_other')).toBe(350);
    expect(metricValue(text, 'x_missing')).toBeUndefined();
  });
});

describe('bulk insert on PostgreSQL', () => {
  const t: TableSpec = { name: 'things', columns: [['id', 'text'], ['n', 'integer'], ['at', 'bigint']] };
  it('is one unnest with one typed array parameter per column', () => {
    expect(unnestInsertSql(t)).toBe('INSERT INTO things (id, n, at) SELECT * FROM unnest($1::text[], $2::integer[], $3::bigint[])');
  });
  it('turns rows into columns, missing cells as null', () => {
    expect(columnsOf(t, [['a', 1, 10], ['b', null]])).toEqual([['a', 'b'], [1, null], [10, null]]);
  });
});

describe('tables', () => {
  it('median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('start-up: ratio to the bare node process and the 1 s target', () => {
    const t = startTable([
      { name: 'bare', store: '–', timesMs: [50, 60, 55], cpuMs: [40] },
      { name: 'hub', store: 'sqlite', timesMs: [500, 1200, 550], cpuMs: [450] },
    ]);
    expect(t).toMatch(/\| hub +\| sqlite \| +3 \| +550 \| +1200 \| +450 \| +10\.00× \| +MISSED \|/);
  });

  it('memory: MB of 10⁶ bytes, ratio to the bare ws server, the 250 MB target on the worst of last and peak', () => {
    const t = memoryTable([
      { name: 'bare', store: '–', afterStart: { rss: 40e6 }, afterSockets: { rss: 60e6 } },
      { name: 'hub', store: 'sqlite', afterStart: { rss: 150e6, heapUsed: 40e6 }, afterSockets: { rss: 170e6, heapUsed: 50e6 }, afterTraffic: { rss: 180e6, heapUsed: 55e6 }, peakRss: 260e6, idleCpuMsPerS: 12.34, socketsIdleCpuMsPerS: 45.6 },
    ]);
    expect(t).toMatch(/\| +150\.0 \|/);
    expect(t).toContain('40.0 / 50.0 / 55.0');
    expect(t).toMatch(/3\.00× \| +MISSED \|/);
    expect(t).toContain('12.3 / 45.6');
  });
});
