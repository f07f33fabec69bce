/** Markdown tables for the bench's RESULTS.md sections, and the number formats in them. */

export const int = (n: number) => Math.round(n).toLocaleString('en-US');
/** Milliseconds: two decimals below 10, one above. */
export const ms = (n: number) => n.toFixed(Math.abs(n) < 10 ? 2 : 1);
/** A difference in milliseconds with its sign: +3.20, −1.05. */
export const signedMs = (n: number) => `${n < 0 ? '−' : '+'}${ms(Math.abs(n))}`;

/** A table with aligned columns: the first `textColumns` left-aligned, the rest (figures) right-aligned. */
export function markdownTable(head: string[], rows: string[][], textColumns = 1): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i < textColumns ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
