import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GBM_SCOPE } from './config.js';
import {
  createTokenCache,
  GbmTokenError,
  JWT_BEARER_GRANT,
  signJwtAssertion,
  TOKEN_EXPIRY_MARGIN_MS,
  type ServiceAccountKey,
  type TokenRequest,
} from './token.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
/** The public half, derived from the private key as a verifier would hold it. */
const publicKey = createPublicKey(PEM);

const sa: ServiceAccountKey = {
  client_email: 'bm-agent@switchboard-test.iam.gserviceaccount.com',
  private_key: PEM,
  private_key_id: 'f00dbabe0123456789abcdef0123456789abcdef',
};
const TOKEN_URL = 'https://oauth2.example.test/token';

function decode(segment: string): unknown {
  return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as unknown;
}

describe('signJwtAssertion', () => {
  const jwt = signJwtAssertion(sa, TOKEN_URL, 1_700_000_000.9);
  const [h, p, s] = jwt.split('.');

  it('has three base64url segments', () => {
    expect(jwt.split('.')).toHaveLength(3);
    for (const part of [h, p, s]) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('has the RS256 header with the key id', () => {
    expect(decode(h!)).toEqual({ alg: 'RS256', typ: 'JWT', kid: sa.private_key_id });
  });

  it('claims the service account, the Business Messages scope, the token URL and one hour', () => {
    expect(decode(p!)).toEqual({
      iss: sa.client_email,
      scope: GBM_SCOPE,
      aud: TOKEN_URL,
      iat: 1_700_000_000,
      exp: 1_700_003_600,
    });
  });

  it('is signed with the private key (RSASSA-PKCS1-v1_5 SHA-256), verified with the public key', () => {
    expect(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s!, 'base64url'))).toBe(true);
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    expect(verify('sha256', Buffer.from(`${h}.${p}`), other, Buffer.from(s!, 'base64url'))).toBe(false);
    const tampered = Buffer.from(JSON.stringify({ ...(decode(p!) as object), scope: 'x' })).toString('base64url');
    expect(verify('sha256', Buffer.from(`${h}.${tampered}`), publicKey, Buffer.from(s!, 'base64url'))).toBe(false);
  });

  it('leaves kid out when the key file has no private_key_id', () => {
    const { private_key_id: _k, ...noKid } = sa;
    expect(decode(signJwtAssertion(noKid, TOKEN_URL, 1).split('.')[0]!)).toEqual({ alg: 'RS256', typ: 'JWT' });
  });
});

/** A token endpoint in a function: checks each assertion like Google, answers what the test says. */
function tokenEndpoint(answer: (n: number) => { status: number; body?: unknown; delayMs?: number } = () => ({ status: 200 })) {
  const calls: Array<{ url: string; grantType: string | null; claims: Record<string, unknown> }> = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const form = new URLSearchParams(String(init?.body));
    const assertion = form.get('assertion') ?? '';
    const [h, p, s] = assertion.split('.');
    expect(init?.method).toBe('POST');
    expect(new Headers(init?.headers).get('content-type')).toBe('application/x-www-form-urlencoded');
    expect(verify('sha256', Buffer.from(`${h}.${p}`), publicKey, Buffer.from(s ?? '', 'base64url'))).toBe(true);
    calls.push({ url: String(input), grantType: form.get('grant_type'), claims: decode(p!) as Record<string, unknown> });
    const a = answer(calls.length);
    if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
    const body = a.body ?? { access_token: `token-${calls.length}`, expires_in: 3599, token_type: 'Bearer' };
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status: a.status, headers: { 'content-type': 'application/json' } });
  };
  return { calls, fetchFn };
}

function request(fetchFn: typeof fetch, clock: { t: number }, overrides: Partial<TokenRequest> = {}): TokenRequest {
  return { serviceAccount: sa, tokenUrl: TOKEN_URL, fetch: fetchFn, timeoutMs: 2000, now: () => clock.t, ...overrides };
}

async function tokenError(p: Promise<unknown>): Promise<GbmTokenError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof GbmTokenError) return err;
    throw err;
  }
  throw new Error('expected a GbmTokenError');
}

describe('createTokenCache', () => {
  it('posts the JWT bearer grant to the token URL and caches the token until a minute before it expires', async () => {
    const clock = { t: 1_700_000_000_000 };
    const { calls, fetchFn } = tokenEndpoint();
    const cache = createTokenCache();
    const req = request(fetchFn, clock);
    expect(await cache.get(req)).toBe('token-1');
    expect(calls).toEqual([{ url: TOKEN_URL, grantType: JWT_BEARER_GRANT, claims: expect.objectContaining({ iat: 1_700_000_000, aud: TOKEN_URL }) }]);
    clock.t += 3599_000 - TOKEN_EXPIRY_MARGIN_MS - 1;
    expect(await cache.get(req)).toBe('token-1');
    expect(calls).toHaveLength(1);
    clock.t += 1;
    expect(await cache.get(req)).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it('shares one in-flight request between concurrent callers', async () => {
    const { calls, fetchFn } = tokenEndpoint(() => ({ status: 200, delayMs: 30 }));
    const cache = createTokenCache();
    const req = request(fetchFn, { t: 0 });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => cache.get(req)));
    expect(new Set(tokens)).toEqual(new Set(['token-1']));
    expect(calls).toHaveLength(1);
  });

  it('one caller aborting does not cancel the request the others wait for', async () => {
    const { calls, fetchFn } = tokenEndpoint(() => ({ status: 200, delayMs: 50 }));
    const cache = createTokenCache();
    const req = request(fetchFn, { t: 0 });
    const controller = new AbortController();
    const impatient = cache.get(req, controller.signal);
    const patient = cache.get(req);
    controller.abort();
    await expect(impatient).rejects.toThrow();
    expect(await patient).toBe('token-1');
    expect(calls).toHaveLength(1);
  });

  it('keeps tokens apart per service account and per token URL', async () => {
    const { calls, fetchFn } = tokenEndpoint();
    const cache = createTokenCache();
    const clock = { t: 0 };
    expect(await cache.get(request(fetchFn, clock))).toBe('token-1');
    expect(await cache.get(request(fetchFn, clock, { serviceAccount: { ...sa, client_email: 'other@x.iam.gserviceaccount.com' } }))).toBe('token-2');
    expect(await cache.get(request(fetchFn, clock, { tokenUrl: 'https://elsewhere.test/token' }))).toBe('token-3');
    expect(await cache.get(request(fetchFn, clock, { serviceAccount: { ...sa, private_key_id: 'rotated' } }))).toBe('token-4');
    expect(await cache.get(request(fetchFn, clock))).toBe('token-1');
    expect(calls.map((c) => c.url)).toEqual([TOKEN_URL, TOKEN_URL, 'https://elsewhere.test/token', TOKEN_URL]);
  });

  it('invalidate drops the refused token only', async () => {
    const { calls, fetchFn } = tokenEndpoint();
    const cache = createTokenCache();
    const req = request(fetchFn, { t: 0 });
    expect(await cache.get(req)).toBe('token-1');
    cache.invalidate(req, 'some-older-token');
    expect(await cache.get(req)).toBe('token-1');
    cache.invalidate(req, 'token-1');
    expect(await cache.get(req)).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['400 invalid_grant', { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' } }, { code: 'auth', providerCode: 'invalid_grant' }],
    ['401', { status: 401, body: { error: 'unauthorized_client' } }, { code: 'auth' }],
    ['429', { status: 429, body: '' }, { code: 'rate_limited' }],
    ['500 with an HTML page', { status: 500, body: '<html>oops</html>' }, { code: 'temporary', providerCode: '500' }],
    ['200 without access_token', { status: 200, body: { token_type: 'Bearer' } }, { code: 'temporary' }],
  ])('maps %s to a SendError and caches nothing', async (_name, answer, expected) => {
    const { calls, fetchFn } = tokenEndpoint((n) => (n === 1 ? answer : { status: 200 }));
    const cache = createTokenCache();
    const req = request(fetchFn, { t: 0 });
    const err = await tokenError(cache.get(req));
    expect(err.error).toMatchObject(expected);
    expect(await cache.get(req)).toBe('token-2');
    expect(calls).toHaveLength(2);
  });

  it('maps a network failure to temporary', async () => {
    const cache = createTokenCache();
    const fetchFn: typeof fetch = () => Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }));
    const err = await tokenError(cache.get(request(fetchFn, { t: 0 })));
    expect(err.error).toMatchObject({ code: 'temporary', providerCode: 'ECONNREFUSED' });
    expect(err.error.message).toMatch(/token endpoint/);
  });

  it('maps a key that cannot sign to auth, without fetching', async () => {
    const { calls, fetchFn } = tokenEndpoint();
    const err = await tokenError(createTokenCache().get(request(fetchFn, { t: 0 }, { serviceAccount: { ...sa, private_key: 'not a key' } })));
    expect(err.error).toMatchObject({ code: 'auth' });
    expect(err.error.message).not.toContain('not a key');
    expect(calls).toHaveLength(0);
  });

  it('defaults the lifetime to an hour when expires_in is missing', async () => {
    const clock = { t: 0 };
    const { calls, fetchFn } = tokenEndpoint(() => ({ status: 200, body: { access_token: `t${Math.random()}` } }));
    const cache = createTokenCache();
    const req = request(fetchFn, clock);
    const first = await cache.get(req);
    clock.t = 3600_000 - TOKEN_EXPIRY_MARGIN_MS - 1;
    expect(await cache.get(req)).toBe(first);
    clock.t += 1;
    expect(await cache.get(req)).not.toBe(first);
    expect(calls).toHaveLength(2);
  });
});
