import { describe, expect, it } from 'vitest';
import { pgCpuBetweenMs } from './proc-cpu.js';

describe('pgCpuBetweenMs', () => {
  it('counts growth of backends in both readings and all of new ones, never the departed', () => {
    const a = new Map([
      ['10', 100],
      ['11', 50],
    ]);
    const b = new Map([
      ['10', 130],
      ['12', 7],
    ]);
    expect(pgCpuBetweenMs(a, b)).toBe(37);
    expect(pgCpuBetweenMs(undefined, b)).toBeUndefined();
  });
});
