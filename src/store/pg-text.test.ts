import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { PostgresTextPlugin, withoutNul } from './pg-text.js';

interface Db {
  t: { a: string; b: number };
}

/** Compiles PostgreSQL queries through the plugin without a server. */
const db = new Kysely<Db>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new PostgresTextPlugin()],
});

describe('PostgresTextPlugin', () => {
  it('replaces U+0000 in string parameters of writes, lookups, lists and raw SQL; leaves the rest alone', () => {
    expect(db.insertInto('t').values({ a: 'x\u0000y\u0000', b: 1 }).compile().parameters).toEqual(['x\uFFFDy\uFFFD', 1]);
    expect(db.selectFrom('t').selectAll().where('a', '=', '\u0000').compile().parameters).toEqual(['\uFFFD']);
    expect(db.selectFrom('t').selectAll().where('a', 'in', ['a', 'b\u0000']).compile().parameters).toEqual(['a', 'b\uFFFD']);
    expect(db.updateTable('t').set({ a: 'ok' }).where('b', '=', 2).compile().parameters).toEqual(['ok', 2]);
    expect(sql`select ${'n\u0000'}::text`.compile(db).parameters).toEqual(['n\uFFFD']);
  });

  it('withoutNul only touches strings', () => {
    expect(withoutNul('a\u0000')).toBe('a\uFFFD');
    expect(withoutNul(3)).toBe(3);
    const o = { a: '\u0000' };
    expect(withoutNul(o)).toBe(o);
  });
});
