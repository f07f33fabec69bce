/**
 * A thrown fetch, for every channel: timeouts, aborts and connection failures are temporary (the
 * delivery worker retries them); anything else is unknown. `what` names the provider in messages.
 */
import type { SendError } from '../adapter.js';

const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

function systemCodeOf(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    if ('code' in e && typeof e.code === 'string') return e.code;
    e = 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}

/** A thrown fetch: timeouts, aborts and connection failures are temporary; anything else is unknown. */
export function mapNetworkError(err: unknown, what: string): SendError {
  if (!(err instanceof Error)) return { code: 'unknown', message: `${what} request failed: ${String(err)}` };
  const code = systemCodeOf(err);
  const detail = code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  const temporary =
    err.name === 'TimeoutError' ||
    err.name === 'AbortError' ||
    (code !== undefined && TRANSIENT_CODES.has(code)) ||
    (err.name === 'TypeError' && err.message === 'fetch failed');
  return {
    code: temporary ? 'temporary' : 'unknown',
    message: err.name === 'TimeoutError' ? `${what} did not answer in time: ${detail}` : `${what} request failed: ${detail}`,
    providerCode: code ?? err.name,
  };
}
