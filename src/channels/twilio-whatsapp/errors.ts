/** Twilio HTTP answers and network failures → SendError codes. Every row is tested in errors.test.ts. */
import { z } from 'zod';
import type { SendError, SendErrorCode } from '../adapter.js';
import { mapNetworkError as mapFetchError } from '../shared/network-errors.js';

export const DEFAULT_RETRY_AFTER_MS = 1000;

/** Twilio's error body: `{ code, message, more_info, status }`. */
const errorBodySchema = z.object({
  code: z.union([z.number(), z.string()]).nullish(),
  message: z.string().nullish(),
  more_info: z.string().nullish(),
  status: z.union([z.number(), z.string()]).nullish(),
});

/** Twilio error codes that say more than the HTTP status. */
const CODE_MAP: Readonly<Record<string, SendErrorCode>> = Object.freeze({
  '20003': 'auth', // authentication failed
  '20429': 'rate_limited', // too many requests
  '21211': 'invalid_recipient', // invalid 'To' phone number
  '21614': 'invalid_recipient', // 'To' is not a valid mobile number
  '63024': 'invalid_recipient', // invalid message recipient
  '21610': 'invalid_recipient', // the recipient replied STOP (unsubscribed)
  '63015': 'invalid_recipient', // sandbox: the recipient has not joined the sandbox
  '63016': 'outside_window', // outside the 24-hour window: only templates
  '21655': 'invalid_request', // invalid ContentSid
  '21617': 'invalid_request', // body exceeds 1600 characters
  '21606': 'invalid_request', // 'From' is not a valid sender for this account
});

export interface TwilioErrorDetail {
  code?: string;
  message?: string;
}

export function twilioErrorOf(body: unknown): TwilioErrorDetail {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const { code, message } = parsed.data;
  return {
    ...(code !== null && code !== undefined && String(code) !== '' ? { code: String(code) } : {}),
    ...(message ? { message } : {}),
  };
}

/** Twilio's message + "(Twilio error N)"; the HTTP status when Twilio said nothing. */
export function describeTwilioError(status: number, body: unknown): string {
  const { code, message } = twilioErrorOf(body);
  const text = message ?? `HTTP ${status}`;
  return code ? `${text} (Twilio error ${code})` : text;
}

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function codeFor(status: number, twilioCode: string | undefined): SendErrorCode {
  const byCode = twilioCode ? CODE_MAP[twilioCode] : undefined;
  if (byCode) return byCode;
  if (status === 401 || status === 403) return 'auth';
  if (status === 429) return 'rate_limited';
  if (status >= 500 && status <= 599) return 'temporary';
  if (status >= 400 && status <= 499) return 'invalid_request';
  return 'unknown';
}

export function mapHttpError(
  status: number,
  body: unknown,
  headers?: { get(name: string): string | null },
  now?: number,
): SendError {
  const { code: twilioCode } = twilioErrorOf(body);
  const code = codeFor(status, twilioCode);
  const error: SendError = { code, message: describeTwilioError(status, body), providerCode: twilioCode ?? String(status) };
  if (code === 'rate_limited') error.retryAfterMs = retryAfterMs(headers?.get('retry-after'), now) ?? DEFAULT_RETRY_AFTER_MS;
  return error;
}

/** A thrown fetch: see channels/shared/network-errors.ts. */
export function mapNetworkError(err: unknown): SendError {
  return mapFetchError(err, 'Twilio');
}

/** What the agent reads when a status callback carries only an ErrorCode (Twilio often omits ErrorMessage). */
export const STATUS_ERROR_MESSAGES: Readonly<Record<string, string>> = {
  '63016': 'Outside the 24-hour window: WhatsApp only allows an approved template now (Twilio error 63016)',
  '63015': 'The customer has not joined the Twilio Sandbox (Twilio error 63015)',
  '63024': 'Invalid message recipient (Twilio error 63024)',
  '63019': 'The media could not be downloaded by WhatsApp (Twilio error 63019)',
  '63018': 'Rate limit exceeded for this WhatsApp sender (Twilio error 63018)',
  '63049': 'Meta chose not to deliver this message (Twilio error 63049)',
  '30008': 'Unknown delivery error (Twilio error 30008)',
  '30003': 'The handset is unreachable (Twilio error 30003)',
};
