/** LINE HTTP answers and network failures → SendError codes. Every row is tested in errors.test.ts. */
import { z } from 'zod';
import type { SendError } from '../adapter.js';
import { mapNetworkError as mapFetchError } from '../shared/network-errors.js';

export const DEFAULT_RETRY_AFTER_MS = 1000;

const errorBodySchema = z.object({
  message: z.string().optional(),
  details: z.array(z.object({ message: z.string().optional(), property: z.string().optional() })).optional(),
});
export type LineErrorBody = z.infer<typeof errorBodySchema>;

/** LINE's `{message, details}` as one readable line: "The request body has 1 error(s) (messages[0].originalContentUrl: ...)". */
export function describeLineError(status: number, body: unknown): string {
  const parsed = errorBodySchema.safeParse(body);
  const message = (parsed.success && parsed.data.message) || `HTTP ${status}`;
  const details = (parsed.success ? parsed.data.details ?? [] : [])
    .map((d) => (d.property ? `${d.property}: ${d.message ?? 'invalid'}` : d.message))
    .filter((d): d is string => Boolean(d));
  return details.length > 0 ? `${message} (${details.join('; ')})` : message;
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function mapHttpError(
  status: number,
  body: unknown,
  headers?: { get(name: string): string | null },
  now?: number,
): SendError {
  const providerCode = String(status);
  const line = describeLineError(status, body);
  if (status === 400) return { code: 'invalid_request', message: `LINE refused the request: ${line}`, providerCode };
  if (status === 401) {
    return { code: 'auth', message: `LINE refused the channel access token: ${line}`, providerCode };
  }
  if (status === 403) {
    return { code: 'auth', message: `The LINE channel is not allowed to use this API: ${line}`, providerCode };
  }
  if (status === 404) {
    return { code: 'invalid_recipient', message: `LINE does not know this recipient (unknown user, or not a friend): ${line}`, providerCode };
  }
  if (status === 409) {
    return { code: 'duplicate', message: `LINE already accepted a request with this retry key: ${line}`, providerCode };
  }
  if (status === 429) {
    return {
      code: 'rate_limited',
      message: `LINE rate limit or monthly message quota reached: ${line}`,
      providerCode,
      retryAfterMs: retryAfterMs(headers?.get('retry-after'), now) ?? DEFAULT_RETRY_AFTER_MS,
    };
  }
  if (status >= 500 && status <= 599) return { code: 'temporary', message: `LINE server error: ${line}`, providerCode };
  return { code: 'unknown', message: `unexpected answer from LINE: ${line}`, providerCode };
}

/** A thrown fetch: see channels/shared/network-errors.ts. */
export function mapNetworkError(err: unknown): SendError {
  return mapFetchError(err, 'LINE');
}
