/**
 * Business Messages answers, token-endpoint answers and network failures → SendError codes.
 * Google's API errors are `{ error: { code, message, status } }` with a canonical status string
 * (ALREADY_EXISTS, NOT_FOUND…) that says more than the HTTP status. Every row is tested in
 * errors.test.ts.
 */
import { z } from 'zod';
import type { SendError, SendErrorCode } from '../adapter.js';
import { mapNetworkError as mapFetchError } from '../shared/network-errors.js';

export const DEFAULT_RETRY_AFTER_MS = 1000;

const googleErrorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
  }),
});

/** Google's canonical status strings → what the delivery worker does next. */
const STATUS_MAP: Readonly<Record<string, SendErrorCode>> = Object.freeze({
  ALREADY_EXISTS: 'duplicate',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  NOT_FOUND: 'invalid_recipient',
  INVALID_ARGUMENT: 'invalid_request',
  FAILED_PRECONDITION: 'invalid_request',
  OUT_OF_RANGE: 'invalid_request',
  RESOURCE_EXHAUSTED: 'rate_limited',
  UNAVAILABLE: 'temporary',
  INTERNAL: 'temporary',
  DEADLINE_EXCEEDED: 'temporary',
  ABORTED: 'temporary',
});

const PREFIX: Readonly<Record<SendErrorCode, string>> = Object.freeze({
  duplicate: 'Business Messages already has a message with this id',
  auth: 'Business Messages refused the service account',
  invalid_recipient: 'Business Messages does not know this conversation',
  invalid_request: 'Business Messages refused the request',
  rate_limited: 'Business Messages rate limit reached',
  temporary: 'Business Messages server error',
  outside_window: 'Business Messages refused the message',
  unknown: 'unexpected answer from Business Messages',
});

export interface GoogleErrorDetail {
  status?: string;
  message?: string;
}

export function googleErrorOf(body: unknown): GoogleErrorDetail {
  const parsed = googleErrorSchema.safeParse(body);
  if (!parsed.success) return {};
  const { status, message } = parsed.data.error;
  return { ...(status ? { status } : {}), ...(message ? { message } : {}) };
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function codeOfHttpStatus(status: number): SendErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'invalid_recipient';
  if (status === 409) return 'duplicate';
  if (status === 429) return 'rate_limited';
  if (status >= 500 && status <= 599) return 'temporary';
  return 'unknown';
}

/** A non-2xx answer of the Business Messages API. */
export function mapGoogleError(
  status: number,
  body: unknown,
  headers?: { get(name: string): string | null },
  now?: number,
): SendError {
  const detail = googleErrorOf(body);
  const code = (detail.status !== undefined ? STATUS_MAP[detail.status] : undefined) ?? codeOfHttpStatus(status);
  const error: SendError = {
    code,
    message: `${PREFIX[code]}: ${detail.message ?? `HTTP ${status}`}`,
    providerCode: detail.status ?? String(status),
  };
  if (code === 'rate_limited') error.retryAfterMs = retryAfterMs(headers?.get('retry-after'), now) ?? DEFAULT_RETRY_AFTER_MS;
  return error;
}

const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });

/**
 * A non-2xx answer of the OAuth token endpoint (`{error: "invalid_grant", error_description}`):
 * a 4xx means the key itself is refused (deleted, disabled, wrong clock) and an admin must act.
 */
export function mapTokenError(
  status: number,
  body: unknown,
  headers?: { get(name: string): string | null },
  now?: number,
): SendError {
  const parsed = oauthErrorSchema.safeParse(body);
  const google = googleErrorOf(body);
  const providerCode = parsed.success ? parsed.data.error : google.status ?? String(status);
  const said = parsed.success
    ? [parsed.data.error, parsed.data.error_description].filter(Boolean).join(': ')
    : google.message ?? `HTTP ${status}`;
  if (status === 429) {
    return {
      code: 'rate_limited',
      message: `Google's token endpoint rate limit reached: ${said}`,
      providerCode,
      retryAfterMs: retryAfterMs(headers?.get('retry-after'), now) ?? DEFAULT_RETRY_AFTER_MS,
    };
  }
  if (status >= 400 && status <= 499) {
    return { code: 'auth', message: `Google refused the service-account key: ${said}`, providerCode };
  }
  if (status >= 500 && status <= 599) return { code: 'temporary', message: `Google's token endpoint failed: ${said}`, providerCode };
  return { code: 'unknown', message: `unexpected answer from Google's token endpoint: ${said}`, providerCode };
}

/** A thrown fetch: see channels/shared/network-errors.ts. */
export function mapNetworkError(err: unknown, what = 'Business Messages'): SendError {
  return mapFetchError(err, what);
}
