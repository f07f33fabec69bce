/**
 * bench/RESULTS.md holds one section per benchmark. Each benchmark rewrites only its own section
 * (between `<!-- bench:<id>:start -->` and `<!-- bench:<id>:end -->`), so running one benchmark
 * keeps the figures of the others. Sections are kept in the order of SECTION_ORDER.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SECTION_ORDER = ['ingest', 'inbound-latency', 'outbound', 'memory', 'scale-out', 'distribution'] as const;
export type SectionId = (typeof SECTION_ORDER)[number];

export const RESULTS_FILE = new URL('../../bench/RESULTS.md', import.meta.url);

const HEADER = `# Benchmark results

Written by \`npm run bench\` (bench/all.ts runs every benchmark; each one rewrites only its own
section below, so a benchmark run alone keeps the others' figures). Each section names the machine
and the date it was measured on. What the benchmarks and columns mean: [README.md](README.md).
`;

const start = (id: string) => `<!-- bench:${id}:start -->`;
const end = (id: string) => `<!-- bench:${id}:end -->`;

/** Splits a RESULTS.md into its sections (text between the markers, markers excluded). */
export function parseSections(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /<!-- bench:([a-z0-9-]+):start -->\n([\s\S]*?)\n<!-- bench:\1:end -->/g;
  for (const m of text.matchAll(re)) out.set(m[1]!, m[2]!);
  return out;
}

/** The whole file with `id`'s section set to `body` and every other section kept. */
export function withSection(previous: string, id: SectionId, body: string): string {
  const sections = parseSections(previous);
  sections.set(id, body.trim());
  const ordered = [
    ...SECTION_ORDER.filter((s) => sections.has(s)),
    ...[...sections.keys()].filter((s) => !(SECTION_ORDER as readonly string[]).includes(s)),
  ];
  return `${HEADER}\n${ordered.map((s) => `${start(s)}\n${sections.get(s)}\n${end(s)}`).join('\n\n')}\n`;
}

/** Rewrites `id`'s section of bench/RESULTS.md. */
export function writeSection(id: SectionId, body: string, file: URL = RESULTS_FILE): void {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  writeFileSync(file, withSection(previous, id, body));
}
