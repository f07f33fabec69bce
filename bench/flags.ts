/**
 * The benches' flag parser: a table of flags (number, string, choice, boolean) onto an options
 * object, plus `--quick` (each number flag may name its quick value, used when it was not given)
 * and `--help` / `-h`. A wrong flag throws UsageError, reported as its message alone (exit 2).
 */
import { existsSync } from 'node:fs';
import type { StoreKind } from './stores.js';

/** A wrong flag: reported as its message alone, without a stack. */
export class UsageError extends Error {}

export type FlagSpec<O> =
  /** `integer`: must be an integer; `round`: any finite number, rounded; `quick`: value under --quick unless given. */
  | { kind: 'number'; key: keyof O; min: number; integer?: boolean; round?: boolean; quick?: number }
  | { kind: 'string'; key: keyof O }
  /** The value must be one of `choices`' names; the option gets what it maps to. */
  | { kind: 'choice'; key: keyof O; choices: Record<string, unknown> }
  | { kind: 'boolean'; key: keyof O };

export type FlagTable<O> = Record<string, FlagSpec<O>>;

/** `--store sqlite | postgres | both`, as every bench spells it. */
export const STORE_FLAG = {
  kind: 'choice',
  key: 'stores',
  choices: { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] } satisfies Record<string, StoreKind[]>,
} as const;

/**
 * PostgreSQL on this machine through its Unix socket when it has one, as a same-machine deployment
 * should reach it: TCP over loopback cost the hub about a tenth more CPU per webhook (the kernel's
 * loopback work is charged to the sender) and doubled p99 at 1,000 webhooks/s. TCP otherwise.
 */
export const PG_SOCKET_DIR = '/var/run/postgresql';
export const DEFAULT_PG_URL = existsSync(`${PG_SOCKET_DIR}/.s.PGSQL.5432`)
  ? `postgres://postgres@localhost/postgres?host=${PG_SOCKET_DIR}`
  : 'postgres://postgres@127.0.0.1:5432/postgres';

/** "a, b or c" */
function oneOf(names: string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}`;
}

/** Parses `argv` against `table` onto a copy of `defaults`; 'help' for `--help` / `-h`. */
export function parseFlags<O extends { quick: boolean }>(argv: string[], table: FlagTable<O>, defaults: O, usage: string): O | 'help' {
  const o: O = { ...defaults };
  const set = (key: keyof O, v: unknown): void => {
    (o as Record<keyof O, unknown>)[key] = Array.isArray(v) ? [...(v as unknown[])] : v;
  };
  const given = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--quick') {
      o.quick = true;
      continue;
    }
    const spec = Object.hasOwn(table, flag) ? table[flag] : undefined;
    if (!spec) throw new UsageError(`unknown option ${flag}\n${usage}`);
    given.add(flag);
    if (spec.kind === 'boolean') {
      set(spec.key, true);
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${usage}`);
    switch (spec.kind) {
      case 'string':
        set(spec.key, value);
        break;
      case 'choice': {
        const names = Object.keys(spec.choices);
        if (!Object.hasOwn(spec.choices, value)) throw new UsageError(`${flag} must be ${oneOf(names)}, not ${value}`);
        set(spec.key, spec.choices[value]);
        break;
      }
      case 'number': {
        const v = Number(value);
        const ok = spec.integer ? Number.isInteger(v) : Number.isFinite(v);
        if (!ok || v < spec.min) throw new UsageError(`${flag} must be ${spec.integer ? 'an integer' : 'a number'} >= ${spec.min}`);
        set(spec.key, spec.round ? Math.round(v) : v);
        break;
      }
    }
  }
  if (o.quick) {
    for (const [flag, spec] of Object.entries(table)) {
      if (spec.kind === 'number' && spec.quick !== undefined && !given.has(flag)) set(spec.key, spec.quick);
    }
  }
  return o;
}
