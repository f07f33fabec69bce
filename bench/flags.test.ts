import { describe, expect, it } from 'vitest';
import { parseFlags, STORE_FLAG, UsageError, type FlagTable } from './flags.js';
import type { StoreKind } from './stores.js';

interface Opts {
  stores: StoreKind[];
  name: string;
  rate: number;
  count: number;
  size: number;
  verbose: boolean;
  quick: boolean;
}

const FLAGS: FlagTable<Opts> = {
  '--store': STORE_FLAG,
  '--name': { kind: 'string', key: 'name' },
  '--rate': { kind: 'number', key: 'rate', min: 0.5, quick: 2 },
  '--count': { kind: 'number', key: 'count', min: 1, integer: true, quick: 3 },
  '--size': { kind: 'number', key: 'size', min: 0, round: true },
  '--verbose': { kind: 'boolean', key: 'verbose' },
};
const DEFAULTS: Opts = { stores: ['sqlite'], name: 'x', rate: 10, count: 100, size: 7, verbose: false, quick: false };
const parse = (...argv: string[]) => parseFlags(argv, FLAGS, DEFAULTS, 'USAGE TEXT');

describe('parseFlags', () => {
  it('keeps the defaults, as a copy', () => {
    const o = parse();
    expect(o).toEqual(DEFAULTS);
    expect(o).not.toBe(DEFAULTS);
  });

  it('reads every kind of flag', () => {
    expect(parse('--store', 'both', '--name', 'y', '--rate', '1.5', '--count', '4', '--size', '2.6', '--verbose')).toEqual({
      stores: ['sqlite', 'postgres'],
      name: 'y',
      rate: 1.5,
      count: 4,
      size: 3,
      verbose: true,
      quick: false,
    });
  });

  it('--quick sets the quick values of the flags not given, wherever it stands', () => {
    expect(parse('--quick')).toMatchObject({ quick: true, rate: 2, count: 3, size: 7 });
    expect(parse('--count', '9', '--quick')).toMatchObject({ quick: true, rate: 2, count: 9 });
  });

  it('answers --help and -h', () => {
    expect(parse('--help')).toBe('help');
    expect(parse('--rate', '3', '-h')).toBe('help');
  });

  it('rejects unknown flags and missing values with the usage text', () => {
    expect(() => parse('--nope')).toThrow(UsageError);
    expect(() => parse('--nope')).toThrow('unknown option --nope\nUSAGE TEXT');
    expect(() => parse('--toString')).toThrow(/unknown option/);
    expect(() => parse('--name')).toThrow('--name needs a value\nUSAGE TEXT');
  });

  it('checks numbers against their minimum and integer flags', () => {
    expect(() => parse('--rate', '0.4')).toThrow('--rate must be a number >= 0.5');
    expect(() => parse('--rate', 'abc')).toThrow('--rate must be a number >= 0.5');
    expect(() => parse('--count', '2.5')).toThrow('--count must be an integer >= 1');
    expect(() => parse('--count', '0')).toThrow('--count must be an integer >= 1');
  });

  it('names the choices of a choice flag', () => {
    expect(() => parse('--store', 'mysql')).toThrow('--store must be sqlite, postgres or both, not mysql');
  });
});
