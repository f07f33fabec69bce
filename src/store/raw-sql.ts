/**
 * Statements the hot paths run for every batch, as SQL text made once per dialect and row count
 * and run as is: building and compiling them with Kysely for every batch cost more CPU than
 * SQLite took to execute them. The text is written with `?` placeholders (never inside a
 * literal) and numbered for PostgreSQL.
 */
import { CompiledQuery, type Kysely } from 'kysely';
import type { Dialect } from './db.js';
import type { Database } from './schema.js';
import { withoutNul } from './pg-text.js';

export type SqlParam = string | number | null;

const texts = new Map<string, string>();
/** PostgreSQL statement name by text, for every text made here (see preparedName). */
const names = new Map<string, string>();

function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/** The statement `key` for `dialect`, built by `build` (with `?` placeholders) the first time. */
export function sqlText(dialect: Dialect, key: string, build: () => string): string {
  const k = `${dialect}\u0000${key}`;
  let text = texts.get(k);
  if (text === undefined) {
    text = dialect === 'postgres' ? numbered(build()) : build();
    texts.set(k, text);
    if (dialect === 'postgres') names.set(text, `sb_${names.size + 1}`);
  }
  return text;
}

/**
 * The name under which PostgreSQL keeps a text made by sqlText prepared on each connection
 * (parsed and planned once per connection instead of once per batch); undefined for other text.
 */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

/** `(?, ?, …)` repeated for `rows` rows: `row` is one row's placeholder list, parentheses included. */
export function valuesList(rows: number, row: string): string {
  return Array.from({ length: rows }, () => row).join(', ');
}

/** `?, ?, …` — `n` placeholders. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * Runs prebuilt text with its parameters. On PostgreSQL strings lose U+0000 as every other
 * statement's do (PostgresTextPlugin, which raw queries bypass).
 */
export async function runSql<R>(db: Pick<Kysely<Database>, 'executeQuery'>, dialect: Dialect, text: string, params: readonly SqlParam[]): Promise<R[]> {
  const ps = dialect === 'postgres' ? params.map(withoutNul) : params;
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, ps as unknown[]));
  return result.rows;
}
