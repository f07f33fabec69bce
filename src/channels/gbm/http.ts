/**
 * The one place that builds Business Messages requests: base URL, the service account's bearer
 * token (fetched and cached by token.ts, dropped and fetched again once on a 401), timeout and the
 * caller's signal.
 */
import type { ClientDeps } from '../adapter.js';
import { GBM_API_BASE_URL, GBM_DEFAULT_TIMEOUT_MS, GOOGLE_TOKEN_URL, type GbmCredentials } from './config.js';
import { sharedTokenCache, type TokenCache, type TokenRequest } from './token.js';

export interface GbmAnswer {
  ok: boolean;
  status: number;
  body: unknown;
  headers: Headers;
}

export interface GbmHttp {
  readonly apiBase: string;
  readonly tokenUrl: string;
  /**
   * An authenticated JSON request. Throws GbmTokenError when no token can be had, and whatever
   * fetch throws (network, timeout, abort); every HTTP answer is returned.
   */
  call(method: 'GET' | 'POST', path: string, json: unknown, signal?: AbortSignal): Promise<GbmAnswer>;
  /** A plain GET with no credentials (signed media URLs), with the timeout and the caller's signal. */
  fetchPublic(url: string, signal?: AbortSignal): Promise<Response>;
}

export interface GbmHttpOptions {
  tokenCache?: TokenCache;
  now?: () => number;
}

export function createGbmHttp(
  credentials: Pick<GbmCredentials, 'serviceAccount'>,
  deps: ClientDeps,
  options: GbmHttpOptions = {},
): GbmHttp {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? GBM_DEFAULT_TIMEOUT_MS;
  const cache = options.tokenCache ?? sharedTokenCache;
  const apiBase = trimSlash(deps.baseUrls['gbmApi'] ?? GBM_API_BASE_URL);
  const tokenUrl = deps.baseUrls['googleTokenUrl'] ?? credentials.serviceAccount.token_uri ?? GOOGLE_TOKEN_URL;
  const tokenRequest: TokenRequest = Object.freeze({
    serviceAccount: credentials.serviceAccount,
    tokenUrl,
    fetch: fetchFn,
    timeoutMs,
    ...(options.now ? { now: options.now } : {}),
  });
  const withTimeout = (signal: AbortSignal | undefined): AbortSignal => {
    const timeout = AbortSignal.timeout(timeoutMs);
    return signal ? AbortSignal.any([signal, timeout]) : timeout;
  };

  async function once(token: string, method: 'GET' | 'POST', path: string, json: unknown, signal?: AbortSignal): Promise<GbmAnswer> {
    const response = await fetchFn(`${apiBase}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      signal: withTimeout(signal),
    });
    return { ok: response.ok, status: response.status, body: await readJson(response), headers: response.headers };
  }

  return Object.freeze({
    apiBase,
    tokenUrl,
    async call(method, path, json, signal) {
      const token = await cache.get(tokenRequest, signal);
      const answer = await once(token, method, path, json, signal);
      if (answer.status !== 401) return answer;
      // Revoked or expired early: drop it and try once more with a fresh one.
      cache.invalidate(tokenRequest, token);
      return once(await cache.get(tokenRequest, signal), method, path, json, signal);
    },
    fetchPublic(url, signal) {
      return fetchFn(url, { method: 'GET', signal: withTimeout(signal) });
    },
  } satisfies GbmHttp);
}

/** The response body as JSON, or undefined when it is empty; a non-JSON body is kept as a message. */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { message: text.slice(0, 500) } };
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
