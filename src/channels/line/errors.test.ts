import { describe, expect, it } from 'vitest';
import type { SendError } from '../adapter.js';
import { describeLineError, mapHttpError, mapNetworkError, retryAfterMs } from './errors.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const headers = (h: Record<string, string> = {}) => new Headers(h);

const httpRows: Array<[name: string, status: number, body: unknown, hdrs: Headers, expected: Partial<SendError>, messageLike?: RegExp]> = [
  [
    '400 with details',
    400,
    {
      message: 'The request body has 2 error(s)',
      details: [
        { message: 'must be non-empty text', property: 'messages[0].text' },
        { message: 'Only https is supported', property: 'messages[1].originalContentUrl' },
      ],
    },
    headers(),
    { code: 'invalid_request', providerCode: '400' },
    /The request body has 2 error\(s\) \(messages\[0\]\.text: must be non-empty text; messages\[1\]\.originalContentUrl: Only https is supported\)/,
  ],
  ['400 without details', 400, { message: 'Invalid reply token' }, headers(), { code: 'invalid_request', providerCode: '400' }, /Invalid reply token/],
  ['401', 401, { message: 'Authentication failed. Confirm that the access token in the authorization header is valid.' }, headers(), { code: 'auth', providerCode: '401' }, /access token/],
  ['403', 403, { message: 'Access to this API is not available for your account' }, headers(), { code: 'auth', providerCode: '403' }, /channel is not allowed/],
  ['404', 404, { message: 'Not found' }, headers(), { code: 'invalid_recipient', providerCode: '404' }],
  ['409', 409, { message: 'The retry key is already accepted' }, headers({ 'x-line-accepted-request-id': 'r1' }), { code: 'duplicate', providerCode: '409' }],
  ['429 with Retry-After seconds', 429, { message: 'Too Many Requests' }, headers({ 'retry-after': '7' }), { code: 'rate_limited', providerCode: '429', retryAfterMs: 7000 }],
  ['429 with Retry-After date', 429, { message: 'Too Many Requests' }, headers({ 'retry-after': new Date(NOW + 3000).toUTCString() }), { code: 'rate_limited', retryAfterMs: 3000 }],
  ['429 without Retry-After', 429, { message: 'You have reached your monthly limit.' }, headers(), { code: 'rate_limited', retryAfterMs: 1000 }, /monthly limit/],
  ['500', 500, { message: 'Internal server error' }, headers(), { code: 'temporary', providerCode: '500' }],
  ['502 with an HTML body', 502, { message: '<html>Bad gateway</html>' }, headers(), { code: 'temporary', providerCode: '502' }],
  ['503 without a body', 503, undefined, headers(), { code: 'temporary', providerCode: '503' }, /HTTP 503/],
  ['410 (anything else)', 410, { message: 'Gone' }, headers(), { code: 'unknown', providerCode: '410' }],
  ['302 (anything else)', 302, undefined, headers(), { code: 'unknown', providerCode: '302' }],
];

describe('mapHttpError', () => {
  it.each(httpRows)('%s', (_name, status, body, hdrs, expected, messageLike) => {
    const error = mapHttpError(status, body, hdrs, NOW);
    expect(error).toMatchObject(expected);
    if (!('retryAfterMs' in expected)) expect(error.retryAfterMs).toBeUndefined();
    if (messageLike) expect(error.message).toMatch(messageLike);
  });
});

function withCause(message: string, code: string): Error {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:9`), { code });
  return new TypeError(message, { cause });
}

const networkRows: Array<[name: string, error: unknown, expected: Partial<SendError>]> = [
  ['timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), { code: 'temporary', providerCode: 'TimeoutError' }],
  ['abort', new DOMException('This operation was aborted', 'AbortError'), { code: 'temporary', providerCode: 'AbortError' }],
  ['ECONNREFUSED', withCause('fetch failed', 'ECONNREFUSED'), { code: 'temporary', providerCode: 'ECONNREFUSED' }],
  ['ECONNRESET', withCause('fetch failed', 'ECONNRESET'), { code: 'temporary', providerCode: 'ECONNRESET' }],
  ['ENOTFOUND', withCause('fetch failed', 'ENOTFOUND'), { code: 'temporary', providerCode: 'ENOTFOUND' }],
  ['fetch failed without a cause', new TypeError('fetch failed'), { code: 'temporary', providerCode: 'TypeError' }],
  ['a programming error', new RangeError('boom'), { code: 'unknown', providerCode: 'RangeError' }],
  ['a thrown string', 'weird', { code: 'unknown' }],
];

describe('mapNetworkError', () => {
  it.each(networkRows)('%s', (_name, error, expected) => {
    expect(mapNetworkError(error)).toMatchObject(expected);
  });

  it('keeps the system code in the message', () => {
    expect(mapNetworkError(withCause('fetch failed', 'ECONNREFUSED')).message).toMatch(/fetch failed \(ECONNREFUSED\)/);
  });
});

describe('helpers', () => {
  it.each([
    ['5', 5000],
    ['0', 0],
    ['1.5', 1500],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('retryAfterMs(%s) = %s', (value, expected) => {
    expect(retryAfterMs(value, NOW)).toBe(expected);
  });

  it('a past Retry-After date means now', () => {
    expect(retryAfterMs(new Date(NOW - 5000).toUTCString(), NOW)).toBe(0);
  });

  it('describes a body that is not LINE-shaped by its status', () => {
    expect(describeLineError(500, 'oops')).toBe('HTTP 500');
    expect(describeLineError(400, { message: 'bad', details: [{ message: 'no property' }] })).toBe('bad (no property)');
  });
});
