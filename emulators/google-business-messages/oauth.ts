/**
 * Service accounts and the OAuth 2.0 JWT bearer grant (RFC 7523) as Google's token endpoint does
 * it: a partner's key file holds an RSA private key; the partner signs an RS256 JWT
 * `{iss: client_email, scope, aud: token_uri, iat, exp}`, trades it at /token for an access token,
 * and calls the API with `Authorization: Bearer <token>` until it expires.
 */
import { generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { OAUTH_ERRORS, type OAuthErrorBody } from './errors.js';
import { newAccessToken, newClientId, newPrivateKeyId } from './ids.js';
import type { ServiceAccountJson } from './types.js';

export const GBM_SCOPE = 'https://www.googleapis.com/auth/businessmessages';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google refuses a JWT that lives longer than an hour. */
export const MAX_JWT_LIFETIME_SEC = 3600;
/** How far in the future an `iat` may be (clock skew). */
export const IAT_SKEW_SEC = 300;

export interface ServiceAccountRecord {
  partnerId: string;
  json: ServiceAccountJson;
  publicKey: KeyObject;
}

/** A GCP project id: 6-30 lowercase letters, digits and dashes, starting with a letter. */
function projectIdFor(partnerId: string): string {
  const slug = partnerId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `bm-${slug}`.slice(0, 30).replace(/-+$/, '').padEnd(6, '0');
}

/** A new service account with a fresh 2048-bit RSA key, as the partner's downloaded key file. */
export function createServiceAccount(partnerId: string, tokenUrl: string): ServiceAccountRecord {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const projectId = projectIdFor(partnerId);
  const clientEmail = `bm-partner@${projectId}.iam.gserviceaccount.com`;
  const json: ServiceAccountJson = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: newPrivateKeyId(),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: newClientId(),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: tokenUrl,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(clientEmail)}`,
    universe_domain: 'googleapis.com',
  };
  return { partnerId, json, publicKey };
}

export interface AssertionCheck {
  /** Finds the service account by its client_email. */
  account(email: string): ServiceAccountRecord | undefined;
  /** Audiences accepted: the token URL (and the URL the request actually reached). */
  audiences: string[];
  nowSec: number;
}
export type AssertionResult = { ok: true; account: ServiceAccountRecord; scopes: string[] } | { ok: false; error: OAuthErrorBody };

function decodeSegment(seg: string): unknown {
  try {
    return JSON.parse(Buffer.from(seg, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a JWT bearer assertion in Google's order: shape, issuer, signature (and `kid`),
 * audience, lifetime, delegation, scope. Errors are the token endpoint's bodies.
 */
export function checkAssertion(assertion: string, c: AssertionCheck): AssertionResult {
  const parts = assertion.split('.');
  const [h, p, s] = parts;
  if (parts.length !== 3 || h === undefined || p === undefined || s === undefined) return { ok: false, error: OAUTH_ERRORS.malformed };
  const header = decodeSegment(h);
  const claims = decodeSegment(p);
  if (!isObj(header) || !isObj(claims)) return { ok: false, error: OAUTH_ERRORS.malformed };
  const iss = claims['iss'];
  const account = typeof iss === 'string' ? c.account(iss) : undefined;
  if (account === undefined) return { ok: false, error: OAUTH_ERRORS.unknownAccount };

  const kidOk = header['kid'] === undefined || header['kid'] === account.json.private_key_id;
  const sigOk =
    header['alg'] === 'RS256' &&
    kidOk &&
    verify('sha256', Buffer.from(`${h}.${p}`, 'utf8'), account.publicKey, Buffer.from(s, 'base64url'));
  if (!sigOk) return { ok: false, error: OAUTH_ERRORS.badSignature };

  if (typeof claims['aud'] !== 'string' || !c.audiences.includes(claims['aud'])) return { ok: false, error: OAUTH_ERRORS.badAudience };

  const { iat, exp } = claims;
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    !Number.isInteger(iat) ||
    !Number.isInteger(exp) ||
    exp <= iat ||
    exp - iat > MAX_JWT_LIFETIME_SEC ||
    exp <= c.nowSec ||
    iat > c.nowSec + IAT_SKEW_SEC
  ) {
    return { ok: false, error: OAUTH_ERRORS.badTiming };
  }
  if (claims['sub'] !== undefined && claims['sub'] !== iss) return { ok: false, error: OAUTH_ERRORS.delegation };

  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(/\s+/).filter((x) => x !== '') : [];
  if (scopes.length === 0 || !scopes.every((x) => x.startsWith('https://www.googleapis.com/auth/'))) {
    return { ok: false, error: OAUTH_ERRORS.badScope };
  }
  return { ok: true, account, scopes };
}

export interface IssuedToken {
  token: string;
  partnerId: string;
  clientEmail: string;
  scopes: string[];
  expiresAt: number;
}

/** Access tokens the token endpoint issued, on the emulator clock. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly now: () => number,
    readonly ttlSec: number,
  ) {}

  issue(account: ServiceAccountRecord, scopes: string[]): IssuedToken {
    const now = this.now();
    if (this.tokens.size > 10_000) for (const [k, t] of this.tokens) if (t.expiresAt <= now) this.tokens.delete(k);
    const issued: IssuedToken = {
      token: newAccessToken(),
      partnerId: account.partnerId,
      clientEmail: account.json.client_email,
      scopes,
      expiresAt: now + this.ttlSec * 1000,
    };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /** 'unknown' or 'expired', or the token. */
  lookup(token: string): IssuedToken | 'unknown' | 'expired' {
    const t = this.tokens.get(token);
    if (t === undefined) return 'unknown';
    return t.expiresAt <= this.now() ? 'expired' : t;
  }
}

/** Does this token's scope cover the Business Messages API? */
export function coversBusinessMessages(scopes: string[]): boolean {
  return scopes.includes(GBM_SCOPE) || scopes.includes(CLOUD_PLATFORM_SCOPE);
}
