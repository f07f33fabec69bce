/** Where a V8 .cpuprofile (node --cpu-prof) spent its time: top functions and top packages by self time. */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** `dist/src/x.js`, `kysely`, `node:internal/streams`, `(garbage collector)` … */
function packageOf(f: CallFrame): string {
  if (!f.url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const dep = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f.url);
  if (dep?.[1]) return dep[1];
  const own = /\/dist\/(.*)$/.exec(f.url);
  if (own?.[1]) return own[1];
  if (f.url.startsWith('node:internal/deps/undici')) return 'node:internal/deps/undici (fetch)';
  return f.url.startsWith('node:') ? f.url.split('/').slice(0, 2).join('/') : f.url;
}

function functionOf(f: CallFrame): string {
  const where = f.url ? ` ${f.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'}${where}`;
}

function selfTime(file: string, key: (f: CallFrame) => string, n: number): string[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(p.nodes.map((node) => [node.id, node.callFrame]));
  const us = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const f = frames.get(id);
    const dt = p.timeDeltas[i] ?? 0;
    if (!f) return;
    const k = key(f);
    us.set(k, (us.get(k) ?? 0) + dt);
    total += dt;
  });
  return [...us.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, t]) => `${((t / total) * 100).toFixed(1).padStart(5)} %  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`);
}

export const topFunctions = (file: string, n = 15) => selfTime(file, functionOf, n);
export const topPackages = (file: string, n = 10) => selfTime(file, packageOf, n);
