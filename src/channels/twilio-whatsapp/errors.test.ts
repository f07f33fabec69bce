import { describe, expect, it } from 'vitest';
import type { SendError } from '../adapter.js';
import { describeTwilioError, mapHttpError, mapNetworkError, retryAfterMs } from './errors.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const headers = (h: Record<string, string> = {}) => new Headers(h);
const body = (code: number | null, message: string, status: number) => ({
  code,
  message,
  more_info: code === null ? null : `https://www.twilio.com/docs/errors/${code}`,
  status,
});

const httpRows: Array<[name: string, status: number, body: unknown, hdrs: Headers, expected: Partial<SendError>]> = [
  ['401 / 20003 authenticate', 401, body(20003, 'Authenticate', 401), headers(), { code: 'auth', providerCode: '20003', message: 'Authenticate (Twilio error 20003)' }],
  ['401 without a body', 401, undefined, headers(), { code: 'auth', providerCode: '401', message: 'HTTP 401' }],
  ['403 (account suspended)', 403, body(20005, 'Account not active', 403), headers(), { code: 'auth', providerCode: '20005' }],
  [
    '429 / 20429 with Retry-After seconds',
    429,
    body(20429, 'Too Many Requests', 429),
    headers({ 'retry-after': '7' }),
    { code: 'rate_limited', providerCode: '20429', retryAfterMs: 7000, message: 'Too Many Requests (Twilio error 20429)' },
  ],
  ['429 with Retry-After date', 429, body(20429, 'Too Many Requests', 429), headers({ 'retry-after': new Date(NOW + 3000).toUTCString() }), { code: 'rate_limited', retryAfterMs: 3000 }],
  ['429 without Retry-After', 429, body(20429, 'Too Many Requests', 429), headers(), { code: 'rate_limited', retryAfterMs: 1000 }],
  ['500 / 20500', 500, body(20500, 'An internal server error has occurred', 500), headers(), { code: 'temporary', providerCode: '20500' }],
  ['502 with an HTML body', 502, { message: '<html>Bad gateway</html>' }, headers(), { code: 'temporary', providerCode: '502' }],
  ['503 without a body', 503, undefined, headers(), { code: 'temporary', providerCode: '503', message: 'HTTP 503' }],
  ["21211 invalid 'To'", 400, body(21211, "Invalid 'To' Phone Number: whatsapp:+1555", 400), headers(), { code: 'invalid_recipient', providerCode: '21211' }],
  ['21614 not a mobile number', 400, body(21614, "'To' number is not a valid mobile number", 400), headers(), { code: 'invalid_recipient', providerCode: '21614' }],
  ['63024 invalid recipient', 400, body(63024, 'Invalid message recipient', 400), headers(), { code: 'invalid_recipient', providerCode: '63024' }],
  ['21610 unsubscribed (STOP)', 400, body(21610, 'Attempt to send to unsubscribed recipient', 400), headers(), { code: 'invalid_recipient', providerCode: '21610' }],
  ['63015 sandbox not joined', 400, body(63015, 'Channel Sandbox can only send messages to phone numbers that have joined the Sandbox', 400), headers(), { code: 'invalid_recipient', providerCode: '63015' }],
  ['63016 outside the window', 400, body(63016, 'Failed to send freeform message because you are outside the allowed window.', 400), headers(), { code: 'outside_window', providerCode: '63016' }],
  ['21655 invalid ContentSid', 400, body(21655, 'The ContentSid is Invalid', 400), headers(), { code: 'invalid_request', providerCode: '21655' }],
  ['21617 body too long', 400, body(21617, 'The concatenated message body exceeds the 1600 character limit.', 400), headers(), { code: 'invalid_request', providerCode: '21617' }],
  ['21606 From not ours', 400, body(21606, 'The From phone number is not a valid, SMS-capable inbound phone number or short code for your account.', 400), headers(), { code: 'invalid_request', providerCode: '21606' }],
  ['another 400 code', 400, body(21619, 'A text message body or media urls must be specified.', 400), headers(), { code: 'invalid_request', providerCode: '21619' }],
  ['404 / 20404', 404, body(20404, 'The requested resource was not found', 404), headers(), { code: 'invalid_request', providerCode: '20404' }],
  ['the code as a string', 400, { code: '63016', message: 'outside window', status: 400 }, headers(), { code: 'outside_window', providerCode: '63016' }],
  ['a null code', 400, body(null, 'Bad request', 400), headers(), { code: 'invalid_request', providerCode: '400', message: 'Bad request' }],
  ['302 (anything else)', 302, undefined, headers(), { code: 'unknown', providerCode: '302' }],
];

describe('mapHttpError', () => {
  it.each(httpRows)('%s', (_name, status, b, hdrs, expected) => {
    const error = mapHttpError(status, b, hdrs, NOW);
    expect(error).toMatchObject(expected);
    if (!('retryAfterMs' in expected)) expect(error.retryAfterMs).toBeUndefined();
  });

  it("keeps Twilio's message and adds the code", () => {
    expect(mapHttpError(400, body(21211, "Invalid 'To' Phone Number: +1", 400)).message).toBe("Invalid 'To' Phone Number: +1 (Twilio error 21211)");
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
  ['socket closed', withCause('fetch failed', 'UND_ERR_SOCKET'), { code: 'temporary', providerCode: 'UND_ERR_SOCKET' }],
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

  it('describes a body that is not Twilio-shaped by its status', () => {
    expect(describeTwilioError(500, 'oops')).toBe('HTTP 500');
    expect(describeTwilioError(400, { code: 21211 })).toBe('HTTP 400 (Twilio error 21211)');
  });
});
