import { describe, expect, it } from 'vitest';
import { BENCHES, parseAllArgs } from './all.js';

describe('npm run bench flags', () => {
  it('runs every benchmark unless told otherwise', () => {
    expect(parseAllArgs([])).toEqual({ only: BENCHES.map((b) => b.id), quick: false, list: false });
  });

  it('takes a subset and a quick run', () => {
    expect(parseAllArgs(['--only', 'ingest, outbound', '--quick'])).toEqual({ only: ['ingest', 'outbound'], quick: true, list: false });
  });

  it('names what it does not know', () => {
    expect(() => parseAllArgs(['--only', 'ingest,warp'])).toThrow(/unknown benchmark warp/);
    expect(() => parseAllArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(parseAllArgs(['--help'])).toBe('help');
  });

  it('has one section of RESULTS.md per benchmark', async () => {
    const { SECTION_ORDER } = await import('./results-file.js');
    expect(BENCHES.map((b) => b.id)).toEqual([...SECTION_ORDER]);
  });
});
