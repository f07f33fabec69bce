import { describe, expect, it } from 'vitest';
import { UsageError } from './args.js';
import { parsePacedArgs, type PacedBenchOptions } from './paced-args.js';

const DEFAULTS: PacedBenchOptions = {
  stores: ['sqlite', 'postgres'],
  pgUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  rate: 1000,
  durationS: 10,
  warmupS: 3,
  agents: 50,
  customers: 500,
  connections: 256,
  graceS: 5,
  quick: false,
};
const parse = (...argv: string[]) => parsePacedArgs(argv, 'usage', DEFAULTS);

describe('parsePacedArgs', () => {
  it('keeps the defaults when given nothing', () => {
    expect(parse()).toEqual(DEFAULTS);
  });

  it('reads every flag', () => {
    expect(
      parse('--rate', '250', '--duration', '4', '--warmup', '0', '--agents', '5', '--customers', '20', '--connections', '8', '--grace', '2', '--store', 'postgres', '--pg-url', 'postgres://x/y', '--cpu-prof', 'out'),
    ).toEqual({ ...DEFAULTS, rate: 250, durationS: 4, warmupS: 0, agents: 5, customers: 20, connections: 8, graceS: 2, stores: ['postgres'], pgUrl: 'postgres://x/y', cpuProfDir: 'out' });
  });

  it('--quick shortens what was not given', () => {
    expect(parse('--quick', '--duration', '5')).toMatchObject({ quick: true, durationS: 5, warmupS: 1, agents: 10, customers: 100, rate: 1000 });
  });

  it('answers --help', () => {
    expect(parse('--help')).toBe('help');
  });

  it('rejects unknown flags, bad values and fewer customers than agents', () => {
    expect(() => parse('--nope')).toThrow(UsageError);
    expect(() => parse('--rate')).toThrow(/needs a value/);
    expect(() => parse('--rate', '0')).toThrow(/>= 1/);
    expect(() => parse('--agents', '2.5')).toThrow(/integer/);
    expect(() => parse('--store', 'mysql')).toThrow(/sqlite, postgres or both/);
    expect(() => parse('--agents', '10', '--customers', '5')).toThrow(/at least --agents/);
  });
});
