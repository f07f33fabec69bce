import { describe, expect, it } from 'vitest';
import { packEvents } from './pg-event-bus.js';

describe('packEvents (NOTIFY payloads of the PostgreSQL event bus)', () => {
  it('packs events in order into payloads under the NOTIFY limit, each numbered', () => {
    const events = Array.from({ length: 100 }, (_, i) => JSON.stringify({ type: 'typing', i, pad: 'x'.repeat(200) }));
    const payloads = packEvents('o1', events, 7);
    expect(payloads.length).toBeGreaterThan(1);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
    const parsed = payloads.map((p) => JSON.parse(p) as { origin: string; n: number; events: Array<{ i: number }> });
    expect(parsed.map((p) => p.n)).toEqual(parsed.map((_, k) => 7 + k));
    expect(parsed.every((p) => p.origin === 'o1')).toBe(true);
    expect(parsed.flatMap((p) => p.events.map((e) => e.i))).toEqual(events.map((_, i) => i));
  });

  it('sends nothing for nothing', () => {
    expect(packEvents('o1', [], 0)).toEqual([]);
  });
});
