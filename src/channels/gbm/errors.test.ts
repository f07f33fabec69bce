import { describe, expect, it } from 'vitest';
import type { SendError } from '../adapter.js';
import { googleErrorOf, mapGoogleError, mapNetworkError, mapTokenError, retryAfterMs } from './errors.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const headers = (h: Record<string, string> = {}) => new Headers(h);
const google = (code: number, status: string, message: string) => ({ error: { code, message, status } });

const apiRows: Array<[name: string, status: number, body: unknown, hdrs: Headers, expected: Partial<SendError>, messageLike?: RegExp]> = [
  ['409 ALREADY_EXISTS', 409, google(409, 'ALREADY_EXISTS', 'Requested entity already exists'), headers(), { code: 'duplicate', providerCode: 'ALREADY_EXISTS' }],
  [
    '401 UNAUTHENTICATED',
    401,
    google(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
    headers(),
    { code: 'auth', providerCode: 'UNAUTHENTICATED' },
    /invalid authentication credentials/,
  ],
  ['403 PERMISSION_DENIED', 403, google(403, 'PERMISSION_DENIED', 'The caller does not have permission'), headers(), { code: 'auth', providerCode: 'PERMISSION_DENIED' }],
  ['404 NOT_FOUND', 404, google(404, 'NOT_FOUND', 'Requested entity was not found.'), headers(), { code: 'invalid_recipient', providerCode: 'NOT_FOUND' }],
  [
    '400 INVALID_ARGUMENT keeps Google’s message',
    400,
    google(400, 'INVALID_ARGUMENT', 'message.representative must name its representative'),
    headers(),
    { code: 'invalid_request', providerCode: 'INVALID_ARGUMENT' },
    /message\.representative must name its representative/,
  ],
  [
    '400 FAILED_PRECONDITION',
    400,
    google(400, 'FAILED_PRECONDITION', 'The agent is not launched'),
    headers(),
    { code: 'invalid_request', providerCode: 'FAILED_PRECONDITION' },
    /The agent is not launched/,
  ],
  ['400 OUT_OF_RANGE', 400, google(400, 'OUT_OF_RANGE', 'too far'), headers(), { code: 'invalid_request', providerCode: 'OUT_OF_RANGE' }],
  [
    '429 RESOURCE_EXHAUSTED with Retry-After seconds',
    429,
    google(429, 'RESOURCE_EXHAUSTED', "Quota exceeded for quota metric 'Requests'"),
    headers({ 'retry-after': '7' }),
    { code: 'rate_limited', providerCode: 'RESOURCE_EXHAUSTED', retryAfterMs: 7000 },
    /Quota exceeded/,
  ],
  [
    '429 with a Retry-After date',
    429,
    google(429, 'RESOURCE_EXHAUSTED', 'Quota'),
    headers({ 'retry-after': new Date(NOW + 3000).toUTCString() }),
    { code: 'rate_limited', retryAfterMs: 3000 },
  ],
  ['429 without Retry-After', 429, google(429, 'RESOURCE_EXHAUSTED', 'Quota'), headers(), { code: 'rate_limited', retryAfterMs: 1000 }],
  ['RESOURCE_EXHAUSTED under another HTTP status', 403, google(403, 'RESOURCE_EXHAUSTED', 'Quota'), headers(), { code: 'rate_limited', retryAfterMs: 1000 }],
  ['429 without a Google body', 429, undefined, headers({ 'retry-after': '2' }), { code: 'rate_limited', providerCode: '429', retryAfterMs: 2000 }],
  ['503 UNAVAILABLE', 503, google(503, 'UNAVAILABLE', 'The service is currently unavailable.'), headers(), { code: 'temporary', providerCode: 'UNAVAILABLE' }],
  ['500 INTERNAL', 500, google(500, 'INTERNAL', 'Internal error encountered.'), headers(), { code: 'temporary', providerCode: 'INTERNAL' }],
  ['504 DEADLINE_EXCEEDED', 504, google(504, 'DEADLINE_EXCEEDED', 'too long'), headers(), { code: 'temporary', providerCode: 'DEADLINE_EXCEEDED' }],
  ['409 ABORTED (concurrency): retry', 409, google(409, 'ABORTED', 'conflict'), headers(), { code: 'temporary', providerCode: 'ABORTED' }],
  ['502 with an HTML body', 502, { error: { message: '<html>Bad gateway</html>' } }, headers(), { code: 'temporary', providerCode: '502' }],
  ['503 without a body', 503, undefined, headers(), { code: 'temporary', providerCode: '503' }, /HTTP 503/],
  ['401 without a body', 401, undefined, headers(), { code: 'auth', providerCode: '401' }],
  ['404 without a body', 404, undefined, headers(), { code: 'invalid_recipient', providerCode: '404' }],
  ['409 without a body', 409, undefined, headers(), { code: 'duplicate', providerCode: '409' }],
  ['an unknown status string falls back to the HTTP status', 400, google(400, 'SOMETHING_NEW', 'x'), headers(), { code: 'invalid_request', providerCode: 'SOMETHING_NEW' }],
  ['410 (anything else)', 410, google(410, 'UNKNOWN', 'Gone'), headers(), { code: 'unknown', providerCode: 'UNKNOWN' }],
  ['302 (anything else)', 302, undefined, headers(), { code: 'unknown', providerCode: '302' }],
];

describe('mapGoogleError', () => {
  it.each(apiRows)('%s', (_name, status, body, hdrs, expected, messageLike) => {
    const error = mapGoogleError(status, body, hdrs, NOW);
    expect(error).toMatchObject(expected);
    if (!('retryAfterMs' in expected)) expect(error.retryAfterMs).toBeUndefined();
    if (messageLike) expect(error.message).toMatch(messageLike);
  });
});

const tokenRows: Array<[name: string, status: number, body: unknown, hdrs: Headers, expected: Partial<SendError>, messageLike?: RegExp]> = [
  ['400 invalid_grant (bad signature)', 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }, headers(), { code: 'auth', providerCode: 'invalid_grant' }, /Invalid JWT Signature/],
  ['400 invalid_scope', 400, { error: 'invalid_scope', error_description: 'Invalid OAuth scope' }, headers(), { code: 'auth', providerCode: 'invalid_scope' }],
  ['401 unauthorized_client', 401, { error: 'unauthorized_client' }, headers(), { code: 'auth', providerCode: 'unauthorized_client' }, /unauthorized_client/],
  ['403 without a body', 403, undefined, headers(), { code: 'auth', providerCode: '403' }],
  ['429', 429, undefined, headers({ 'retry-after': '3' }), { code: 'rate_limited', retryAfterMs: 3000 }],
  ['500', 500, google(500, 'INTERNAL', 'boom'), headers(), { code: 'temporary', providerCode: 'INTERNAL' }, /boom/],
  ['503', 503, undefined, headers(), { code: 'temporary', providerCode: '503' }],
  ['302', 302, undefined, headers(), { code: 'unknown', providerCode: '302' }],
];

describe('mapTokenError', () => {
  it.each(tokenRows)('%s', (_name, status, body, hdrs, expected, messageLike) => {
    const error = mapTokenError(status, body, hdrs, NOW);
    expect(error).toMatchObject(expected);
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
  ['UND_ERR_HEADERS_TIMEOUT', withCause('fetch failed', 'UND_ERR_HEADERS_TIMEOUT'), { code: 'temporary', providerCode: 'UND_ERR_HEADERS_TIMEOUT' }],
  ['fetch failed without a cause', new TypeError('fetch failed'), { code: 'temporary', providerCode: 'TypeError' }],
  ['a programming error', new RangeError('boom'), { code: 'unknown', providerCode: 'RangeError' }],
  ['a thrown string', 'weird', { code: 'unknown' }],
];

describe('mapNetworkError', () => {
  it.each(networkRows)('%s', (_name, error, expected) => {
    expect(mapNetworkError(error)).toMatchObject(expected);
  });

  it('says what timed out and keeps the system code in the message', () => {
    expect(mapNetworkError(new DOMException('t', 'TimeoutError'), "Google's token endpoint").message).toMatch(/^Google's token endpoint did not answer in time/);
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

  it('reads Google error bodies and ignores anything else', () => {
    expect(googleErrorOf(google(404, 'NOT_FOUND', 'gone'))).toEqual({ status: 'NOT_FOUND', message: 'gone' });
    expect(googleErrorOf({ error: 'invalid_grant' })).toEqual({});
    expect(googleErrorOf('oops')).toEqual({});
  });
});
