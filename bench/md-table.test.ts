import { describe, expect, it } from 'vitest';
import { int, markdownTable, ms, signedMs } from './md-table.js';

describe('markdownTable', () => {
  it('pads text columns left and figures right', () => {
    expect(markdownTable(['name', 'n'], [['a', '1'], ['bbb', '22']])).toBe(['| name |  n |', '|------|---:|', '| a    |  1 |', '| bbb  | 22 |'].join('\n'));
  });
});

describe('number formats', () => {
  it('signs differences', () => {
    expect(signedMs(3.2)).toBe('+3.20');
    expect(signedMs(-1.049)).toBe('−1.05');
    expect(signedMs(-347.49)).toBe('−347.5');
    expect(ms(12.34)).toBe('12.3');
    expect(int(12345.6)).toBe('12,346');
  });
});
