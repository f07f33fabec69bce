/**
 * Memory of another process: resident set from /proc/<pid>/status (Linux only), and the V8 heap a
 * hub reports on its own /metrics (prom-client's default metrics), so the hub under test needs no
 * bench code inside it.
 */
import { readFileSync } from 'node:fs';

export interface ProcMemory {
  /** VmRSS: resident now, in bytes. */
  rss: number;
  /** VmHWM: the highest resident set so far, in bytes. */
  peakRss: number;
}

/** VmRSS and VmHWM out of the text of /proc/<pid>/status (values are in kB). */
export function parseProcStatus(text: string): ProcMemory | undefined {
  const kb = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const rss = kb('VmRSS');
  if (rss === undefined) return undefined;
  return { rss, peakRss: kb('VmHWM') ?? rss };
}

export function procMemory(pid: number): ProcMemory | undefined {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The value of an unlabelled sample `name` in Prometheus text exposition, or undefined. */
export function metricValue(text: string, name: string): number | undefined {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

export interface HubHeap {
  heapUsed: number;
  heapTotal: number;
  /** Memory of ArrayBuffers and Buffers outside the V8 heap (sockets' buffers among them). */
  external?: number;
}

/** The hub's V8 heap from its /metrics (names carry the hub's `switchboard_` prefix). */
export async function hubHeap(origin: string, prefix = 'switchboard_'): Promise<HubHeap | undefined> {
  const res = await fetch(`${origin}/metrics`);
  if (!res.ok) return undefined;
  const text = await res.text();
  const used = metricValue(text, `${prefix}nodejs_heap_size_used_bytes`);
  const total = metricValue(text, `${prefix}nodejs_heap_size_total_bytes`);
  if (used === undefined || total === undefined) return undefined;
  const external = metricValue(text, `${prefix}nodejs_external_memory_bytes`);
  return { heapUsed: used, heapTotal: total, ...(external !== undefined ? { external } : {}) };
}

export const mib = (bytes: number) => bytes / 2 ** 20;
