import { describe, expect, it } from 'vitest';
import { sniffMatches } from './sniff.js';

describe('sniffMatches', () => {
  it.each([
    ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), true],
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), true],
    ['image/gif', Buffer.from('GIF89a...'), true],
    ['image/webp', Buffer.from('RIFF\0\0\0\0WEBPVP8 '), true],
    ['application/pdf', Buffer.from('%PDF-1.7'), true],
    ['image/png', Buffer.from('<html><script>'), false],
    ['image/jpeg', Buffer.from([0xff]), false],
    ['application/pdf', Buffer.from('<svg onload=alert(1)>'), false],
    ['text/html', Buffer.from('<html>'), false],
  ])('%s %#', (type, body, ok) => {
    expect(sniffMatches(type, body)).toBe(ok);
  });
});
