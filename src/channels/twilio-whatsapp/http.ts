/** The one place that builds Twilio requests: base URLs, Basic auth, form bodies, timeout + caller signal. */
import type { ClientDeps } from '../adapter.js';
import {
  TWILIO_API_BASE_URL,
  TWILIO_CONTENT_API_BASE_URL,
  TWILIO_DEFAULT_TIMEOUT_MS,
  type TwilioCredentials,
} from './config.js';

/** Client dependencies plus an injectable clock (the reconciliation window is time-based). */
export interface TwilioClientDeps extends ClientDeps {
  now?: () => number;
}

export interface TwilioHttp {
  readonly accountSid: string;
  readonly apiBase: string;
  readonly contentBase: string;
  now(): number;
  /** True when `url` may receive the account's credentials (the configured hosts, or https *.twilio.com). */
  trusts(url: string): boolean;
  /**
   * fetch with Basic auth (unless `auth: false`) and the timeout; network errors throw.
   * Redirects are not followed (`redirect: 'manual'`): callers decide where credentials go.
   */
  request(
    url: string,
    init: { method?: 'GET' | 'POST'; form?: URLSearchParams; auth?: boolean },
    signal?: AbortSignal,
  ): Promise<Response>;
}

export function createTwilioHttp(
  credentials: Pick<TwilioCredentials, 'accountSid' | 'authToken'>,
  deps: TwilioClientDeps,
): TwilioHttp {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? TWILIO_DEFAULT_TIMEOUT_MS;
  const basic = `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`, 'utf8').toString('base64')}`;
  const apiBase = trimSlash(deps.baseUrls['twilioApi'] ?? TWILIO_API_BASE_URL);
  const contentBase = trimSlash(deps.baseUrls['twilioContentApi'] ?? TWILIO_CONTENT_API_BASE_URL);
  const trustedOrigins = new Set([originOf(apiBase), originOf(contentBase)]);
  const now = deps.now ?? Date.now;
  return Object.freeze({
    accountSid: credentials.accountSid,
    apiBase,
    contentBase,
    now: () => now(),
    trusts(url) {
      let u: URL;
      try {
        u = new URL(url);
      } catch {
        return false;
      }
      return trustedOrigins.has(u.origin) || (u.protocol === 'https:' && (u.hostname === 'twilio.com' || u.hostname.endsWith('.twilio.com')));
    },
    request(url, init, signal) {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (init.auth !== false) headers['authorization'] = basic;
      if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const timeout = AbortSignal.timeout(timeoutMs);
      return fetchFn(url, {
        method: init.method ?? 'GET',
        headers,
        redirect: 'manual',
        ...(init.form ? { body: init.form.toString() } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    },
  } satisfies TwilioHttp);
}

/** The response body as JSON, or undefined when it is empty; a non-JSON body becomes `{ message }`. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
