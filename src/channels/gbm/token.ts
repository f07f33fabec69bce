/**
 * OAuth2 for a service account, by hand with node:crypto (RFC 7523 JWT bearer grant): sign an
 * RS256 JWT with the key file's private key, trade it at the token endpoint for an access token,
 * keep that token until a minute before it expires. Concurrent callers share one request.
 */
import { createHash, sign } from 'node:crypto';
import { z } from 'zod';
import type { SendError } from '../adapter.js';
import { GBM_SCOPE, type GbmServiceAccount } from './config.js';
import { mapNetworkError, mapTokenError } from './errors.js';

export const JWT_LIFETIME_SECONDS = 3600;
/** A cached token is not used in its last minute: a request that starts then must not arrive expired. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** The token endpoint refused or failed; `error` is what send() returns. */
export class GbmTokenError extends Error {
  override readonly name = 'GbmTokenError';
  constructor(readonly error: SendError) {
    super(error.message);
  }
}

export type ServiceAccountKey = Pick<GbmServiceAccount, 'client_email' | 'private_key' | 'private_key_id'>;

export interface TokenRequest {
  serviceAccount: ServiceAccountKey;
  tokenUrl: string;
  fetch: typeof fetch;
  timeoutMs: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface TokenCache {
  /** A valid access token: cached, joined in flight, or fetched now. Throws GbmTokenError. */
  get(request: TokenRequest, signal?: AbortSignal): Promise<string>;
  /** Drops `token` (the API answered 401 to it); a newer token someone else fetched stays. */
  invalidate(request: Pick<TokenRequest, 'serviceAccount' | 'tokenUrl'>, token: string): void;
}

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** The signed assertion: `{alg: RS256, typ: JWT, kid}` . `{iss, scope, aud, iat, exp}` . signature. */
export function signJwtAssertion(serviceAccount: ServiceAccountKey, tokenUrl: string, nowSeconds: number): string {
  const header = { alg: 'RS256', typ: 'JWT', ...(serviceAccount.private_key_id ? { kid: serviceAccount.private_key_id } : {}) };
  const iat = Math.floor(nowSeconds);
  const claims = { iss: serviceAccount.client_email, scope: GBM_SCOPE, aud: tokenUrl, iat, exp: iat + JWT_LIFETIME_SECONDS };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(input, 'utf8'), serviceAccount.private_key);
  return `${input}.${base64url(signature)}`;
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  token_type: z.string().optional(),
});

interface Cached {
  token: string;
  /** When the token stops being handed out (its expiry minus the margin). */
  usableUntil: number;
}

/**
 * One process-wide cache is safe: entries are keyed by the service account (e-mail and key id)
 * and the token URL, so two accounts never share a token unless they hold the same identity.
 */
export function createTokenCache(): TokenCache {
  const tokens = new Map<string, Cached>();
  const inFlight = new Map<string, Promise<Cached>>();

  return Object.freeze({
    async get(request: TokenRequest, signal?: AbortSignal): Promise<string> {
      const now = request.now ?? Date.now;
      const key = cacheKey(request);
      const hit = tokens.get(key);
      if (hit && now() < hit.usableUntil) return hit.token;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetchToken(request, now).then((fresh) => {
          tokens.set(key, fresh);
          return fresh;
        });
        const settled = pending.finally(() => {
          if (inFlight.get(key) === pending) inFlight.delete(key);
        });
        settled.catch(() => undefined);
        inFlight.set(key, pending);
      }
      // One caller giving up must not cancel the request the others wait for.
      return (await abortable(pending, signal)).token;
    },
    invalidate(request, token): void {
      const key = cacheKey(request);
      if (tokens.get(key)?.token === token) tokens.delete(key);
    },
  } satisfies TokenCache);
}

/** The cache send.ts uses unless given another. */
export const sharedTokenCache: TokenCache = createTokenCache();

function cacheKey(request: Pick<TokenRequest, 'serviceAccount' | 'tokenUrl'>): string {
  const { client_email, private_key_id, private_key } = request.serviceAccount;
  // A re-uploaded key for the same e-mail gets its own token; the key text itself is hashed, never kept as a key.
  const keyId = private_key_id ?? createHash('sha256').update(private_key).digest('base64url');
  return JSON.stringify([client_email, keyId, request.tokenUrl]);
}

async function fetchToken(request: TokenRequest, now: () => number): Promise<Cached> {
  const startedAt = now();
  let assertion: string;
  try {
    assertion = signJwtAssertion(request.serviceAccount, request.tokenUrl, startedAt / 1000);
  } catch (err) {
    throw new GbmTokenError({
      code: 'auth',
      message: `the service-account private key cannot sign: ${err instanceof Error ? err.message : String(err)}`,
    });
  }
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion }).toString(),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (err) {
    throw new GbmTokenError(mapNetworkError(err, "Google's token endpoint"));
  }
  const body = jsonOrText(text);
  if (!response.ok) throw new GbmTokenError(mapTokenError(response.status, body, response.headers));
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new GbmTokenError({
      code: 'temporary',
      message: "Google's token endpoint answered without an access_token",
      providerCode: String(response.status),
    });
  }
  const lifetimeMs = (parsed.data.expires_in ?? JWT_LIFETIME_SECONDS) * 1000;
  return { token: parsed.data.access_token, usableUntil: startedAt + lifetimeMs - TOKEN_EXPIRY_MARGIN_MS };
}

/** JSON, or undefined (an HTML error page from a proxy says nothing the status does not). */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}
