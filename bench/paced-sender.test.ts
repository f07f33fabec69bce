import { describe, expect, it } from 'vitest';
import { LineBodies } from './line-bodies.js';
import { dueBy, lineMessageId, scheduledCount } from './paced-sender.js';

describe('open-loop schedule', () => {
  it('sends the first webhook at once and one more every 1/rate', () => {
    expect(dueBy(-1, 1000)).toBe(0);
    expect(dueBy(0, 1000)).toBe(1);
    expect(dueBy(0.999, 1000)).toBe(1);
    expect(dueBy(1, 1000)).toBe(2);
    expect(dueBy(10, 1000)).toBe(11);
    expect(dueBy(999, 1)).toBe(1);
    expect(dueBy(1000, 1)).toBe(2);
    expect(dueBy(250, 200)).toBe(51);
  });

  it('does not lose a send to floating-point error on exact boundaries', () => {
    // 3 × (1000 / 300) ms is a hair under 10 in binary floating point.
    expect(dueBy(3 * (1000 / 300), 300)).toBe(4);
  });

  it('schedules rate × duration sends', () => {
    expect(scheduledCount(10_000, 1000)).toBe(10_000);
    expect(scheduledCount(2_000, 500)).toBe(1_000);
    expect(scheduledCount(1, 1)).toBe(1);
  });
});

describe('lineMessageId', () => {
  it('finds the message id of a body made by line-bodies.ts', () => {
    const bodies = new LineBodies({ channelSecret: 's', destination: 'Ubot', mix: 'known', knownSenders: 3 });
    for (let i = 0; i < 5; i++) {
      const { body } = bodies.take();
      const parsed = JSON.parse(body.toString('utf8')) as { events: Array<{ message: { id: string } }> };
      expect(lineMessageId(body)).toBe(parsed.events[0]!.message.id);
    }
  });

  it('throws on a body without a message', () => {
    expect(() => lineMessageId(Buffer.from('{"destination":"U","events":[]}'))).toThrow(/no LINE message id/);
  });
});
