/**
 * Who is calling: a session cookie (browsers) or `Authorization: Bearer sbt_…` (integrations).
 * Cookie-authenticated writes must echo the session's CSRF token in `X-CSRF-Token`; bearer
 * tokens are never sent by a browser on its own, so they need none.
 * Assumes the app registered @fastify/cookie, so `req.cookies` is filled.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { User } from '../store/users-repo.js';
import { API_TOKEN_PREFIX, DEFAULT_SESSION_TTL_MS, type AuthService } from '../services/auth-service.js';
import type { AuthUser, Authenticator } from './route.js';

export const SESSION_COOKIE = 'sb_session';
export const CSRF_HEADER = 'x-csrf-token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'strict';
  path: '/';
  secure: boolean;
  /** Seconds, as Set-Cookie's Max-Age. */
  maxAge: number;
}

export function sessionCookieOptions(secure: boolean, ttlMs: number = DEFAULT_SESSION_TTL_MS): SessionCookieOptions {
  return { httpOnly: true, sameSite: 'strict', path: '/', secure, maxAge: Math.floor(ttlMs / 1000) };
}

/** Compares digests so neither the length nor the content of the expected value leaks. */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db) && a.length === b.length;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The bearer token of the request, if it sends one. */
export function bearerToken(req: FastifyRequest): string | undefined {
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '');
  return m?.[1];
}

function toAuthUser(user: User, via: AuthUser['via']): AuthUser {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    canViewSecrets: user.canViewSecrets,
    via,
  };
}

export class HttpAuthenticator implements Authenticator {
  constructor(private readonly auth: AuthService) {}

  async authenticate(req: FastifyRequest): Promise<AuthUser | undefined> {
    // A request that names a bearer credential is judged by it alone, never by a cookie beside it.
    if (req.headers.authorization !== undefined) {
      const token = bearerToken(req);
      if (!token || !token.startsWith(API_TOKEN_PREFIX)) return undefined;
      const found = await this.auth.resolveApiToken(token);
      return found && toAuthUser(found.user, 'token');
    }

    const cookie = req.cookies?.[SESSION_COOKIE];
    if (!cookie) return undefined;
    const session = await this.auth.resolveSession(cookie);
    if (!session) return undefined;
    if (!SAFE_METHODS.has(req.method.toUpperCase())) {
      const sent = header(req, CSRF_HEADER);
      if (!sent || !safeEqual(sent, session.csrfToken)) {
        throw new AppError('csrf_failed', `Send the session's CSRF token in the ${CSRF_HEADER} header (GET /api/me returns it)`);
      }
    }
    return toAuthUser(session.user, 'session');
  }
}
