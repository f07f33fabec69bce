import { describe, expect, it } from 'vitest';
import { previewOf, statusMovesForward, type MessageStatus } from './message.js';

describe('message status only moves forward', () => {
  const rows: Array<[MessageStatus, MessageStatus, boolean]> = [
    ['queued', 'sent', true],
    ['sent', 'delivered', true],
    ['delivered', 'sent', false],
    ['read', 'delivered', false],
    ['delivered', 'read', true],
    ['sent', 'failed', true],
    ['queued', 'failed', true],
    ['delivered', 'failed', false],
    ['failed', 'sent', false],
    ['sending', 'queued', false],
  ];
  it.each(rows)('%s → %s: %s', (from, to, ok) => {
    expect(statusMovesForward(from, to)).toBe(ok);
  });
  it('previews never exceed 200 characters of text', () => {
    expect(previewOf({ kind: 'text', text: 'x'.repeat(500) })).toHaveLength(200);
    expect(previewOf({ kind: 'image', media: {} })).toBe('[image]');
  });
});
