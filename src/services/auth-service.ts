/**
 * Sign-in, sessions and API tokens. Secrets handed to clients (session cookies, API tokens) are
 * random and stored only as sha256 digests; passwords as scrypt hashes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import { normalizeEmail, type ApiToken, type User, type UserRole, type UsersRepo } from '../store/users-repo.js';
import { hashPassword, needsRehash, verifyPassword } from './passwords.js';

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const PASSWORD_MIN_LENGTH = 10;
/** scrypt cost does not grow with length, but nobody needs more and it bounds the request. */
export const PASSWORD_MAX_LENGTH = 1024;
export const API_TOKEN_PREFIX = 'sbt_';

export const LOGIN_LIMITS = {
  windowMs: 15 * 60 * 1000,
  perEmail: 10,
  perIp: 30,
} as const;

export interface AuthServiceDeps {
  users: UsersRepo;
  clock: Clock;
  /** Default 12 hours. */
  sessionTtlMs?: number;
}

export interface NewUserInput {
  email: string;
  displayName: string;
  password: string;
  role: UserRole;
  canViewSecrets?: boolean;
}

export interface UserUpdateInput {
  displayName?: string;
  role?: UserRole;
  canViewSecrets?: boolean;
  disabled?: boolean;
  password?: string;
}

export interface LoginResult {
  /** The cookie value; only its sha256 is stored. */
  sessionCookie: string;
  csrfToken: string;
  user: User;
}

export interface ResolvedSession {
  user: User;
  csrfToken: string;
  expiresAt: number;
}

export interface CreatedApiToken extends ApiToken {
  /** The plaintext token, shown once. */
  token: string;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * Verified against when the email is unknown, so a missing user costs the same scrypt as a
 * wrong password. The hash of a random password nobody kept, with today's parameters.
 */
const DUMMY_HASH =
  'scrypt$16384$8$1$XOpsU9RXeIfudkdBrl17pw$LJA5WUYyb265jJWxjkHaGprhyBaNes5ZbgZwGODxudRkppx0WVtAbGVH1_RiHjIAuQohq4LCPxRgAZVPxehgoA';

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/**
 * Failed attempts per key in a sliding window, in memory, on the injected clock. Keys whose
 * attempts have all aged out are dropped, so the maps stay as small as the current attack.
 */
export class SlidingWindowCounter {
  private readonly hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(
    private readonly clock: Clock,
    private readonly windowMs: number,
  ) {}

  private live(key: string, now: number): number[] {
    const all = this.hits.get(key);
    if (!all) return [];
    const cutoff = now - this.windowMs;
    let i = 0;
    while (i < all.length && (all[i] ?? 0) <= cutoff) i++;
    if (i === all.length) {
      this.hits.delete(key);
      return [];
    }
    if (i > 0) all.splice(0, i);
    return all;
  }

  /** When `key` may try again if it has `limit` or more live hits; undefined if it may now. */
  blockedUntil(key: string, limit: number): number | undefined {
    const now = this.clock.now();
    const live = this.live(key, now);
    if (live.length < limit) return undefined;
    // The attempt that must age out before the count drops below the limit.
    const pivot = live[live.length - limit] ?? now;
    return pivot + this.windowMs;
  }

  record(key: string): void {
    const now = this.clock.now();
    const live = this.live(key, now);
    if (live.length === 0) this.hits.set(key, live);
    live.push(now);
    this.sweep(now);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const key of [...this.hits.keys()]) this.live(key, now);
  }
}

export class AuthService {
  private readonly users: UsersRepo;
  private readonly clock: Clock;
  readonly sessionTtlMs: number;
  private readonly failuresByEmail: SlidingWindowCounter;
  private readonly failuresByIp: SlidingWindowCounter;

  constructor(deps: AuthServiceDeps) {
    this.users = deps.users;
    this.clock = deps.clock;
    this.sessionTtlMs = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
    this.failuresByEmail = new SlidingWindowCounter(deps.clock, LOGIN_LIMITS.windowMs);
    this.failuresByIp = new SlidingWindowCounter(deps.clock, LOGIN_LIMITS.windowMs);
  }

  // ── users ────────────────────────────────────────────────────────────────────────────────

  async createUser(input: NewUserInput): Promise<User> {
    const email = normalizeEmail(input.email);
    if (!EMAIL_RE.test(email) || email.length > 320) throw new AppError('bad_request', 'The email address is not valid');
    const displayName = input.displayName.trim();
    if (displayName.length === 0) throw new AppError('bad_request', 'A display name is required');
    checkPassword(input.password);
    return this.users.createUser({
      id: newId('usr'),
      email,
      displayName,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      canViewSecrets: input.canViewSecrets ?? false,
      createdAt: this.clock.now(),
    });
  }

  async getUser(id: string): Promise<User | undefined> {
    return this.users.getUser(id);
  }

  /**
   * Admin edits. A new password or disabling the account ends the user's sessions. The last
   * enabled admin cannot be demoted or disabled, so the hub always has someone who can fix it.
   */
  async updateUser(id: string, input: UserUpdateInput): Promise<User> {
    const current = await this.users.getUser(id);
    if (!current) throw new AppError('not_found', 'No such user');
    if (input.password !== undefined) checkPassword(input.password);
    const displayName = input.displayName?.trim();
    if (displayName !== undefined && displayName.length === 0) throw new AppError('bad_request', 'A display name is required');

    const losesAdmin = current.role === 'admin' && !current.disabled && ((input.role !== undefined && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin && (await this.users.countUsers({ role: 'admin', includeDisabled: false })) <= 1) {
      throw new AppError('conflict', 'This is the last enabled admin; make another admin first');
    }

    if (input.password !== undefined) {
      await this.users.setPasswordHash(id, await hashPassword(input.password));
    }
    const updated = await this.users.updateUser(id, {
      ...(displayName !== undefined ? { displayName } : {}),
      ...(input.role !== undefined ? { role: input.role } : {}),
      ...(input.canViewSecrets !== undefined ? { canViewSecrets: input.canViewSecrets } : {}),
      ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    });
    if (!updated) throw new AppError('not_found', 'No such user');
    if (input.password !== undefined || input.disabled === true) await this.users.deleteSessionsForUser(id);
    return updated;
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────

  async login(email: string, password: string, ip: string): Promise<LoginResult> {
    const emailKey = normalizeEmail(email);
    this.checkRateLimit(emailKey, ip);

    const creds = password.length <= PASSWORD_MAX_LENGTH ? await this.users.getCredentialsByEmail(emailKey) : undefined;
    const ok = creds
      ? await verifyPassword(password, creds.passwordHash)
      : await verifyPassword(password.slice(0, PASSWORD_MAX_LENGTH), DUMMY_HASH).then(() => false);
    if (!creds || !ok) {
      this.failuresByEmail.record(emailKey);
      this.failuresByIp.record(ip);
      throw new AppError('invalid_credentials', 'Email or password is wrong');
    }
    // Only someone who knows the password learns that the account is disabled.
    if (creds.user.disabled) throw new AppError('forbidden', 'This account is disabled; ask an admin');
    this.failuresByEmail.reset(emailKey);

    if (needsRehash(creds.passwordHash)) {
      await this.users.setPasswordHash(creds.user.id, await hashPassword(password));
    }

    const sessionCookie = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.users.createSession({
      id: sha256Hex(sessionCookie),
      userId: creds.user.id,
      csrfToken,
      createdAt: now,
      expiresAt: now + this.sessionTtlMs,
    });
    return { sessionCookie, csrfToken, user: creds.user };
  }

  async logout(sessionCookie: string): Promise<void> {
    if (!looksLikeSecret(sessionCookie)) return;
    await this.users.deleteSession(sha256Hex(sessionCookie));
  }

  /** The signed-in user and the session's CSRF token, or undefined (unknown, expired, disabled). */
  async resolveSession(sessionCookie: string | undefined): Promise<ResolvedSession | undefined> {
    if (!sessionCookie || !looksLikeSecret(sessionCookie)) return undefined;
    const session = await this.users.getValidSession(sha256Hex(sessionCookie), this.clock.now());
    if (!session) return undefined;
    const user = await this.users.getUser(session.userId);
    if (!user || user.disabled) return undefined;
    return { user, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  }

  /** Deletes expired sessions; call it now and then (a timer in the app). */
  async purgeExpiredSessions(): Promise<number> {
    return this.users.deleteExpiredSessions(this.clock.now());
  }

  // ── API tokens ───────────────────────────────────────────────────────────────────────────

  async createApiToken(userId: string, name: string): Promise<CreatedApiToken> {
    const trimmed = name.trim();
    if (trimmed.length === 0 || trimmed.length > 100) throw new AppError('bad_request', 'A token name of 1 to 100 characters is required');
    const user = await this.users.getUser(userId);
    if (!user) throw new AppError('not_found', 'No such user');
    const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const created = await this.users.createApiToken({
      id: newId('tok'),
      userId,
      name: trimmed,
      tokenHash: sha256Hex(token),
      createdAt: this.clock.now(),
    });
    return { ...created, token };
  }

  async listApiTokens(userId: string): Promise<ApiToken[]> {
    return this.users.listApiTokensForUser(userId);
  }

  /** The token's owner, or undefined (unknown token, disabled owner). */
  async resolveApiToken(token: string): Promise<{ user: User; token: ApiToken } | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX) || !looksLikeSecret(token.slice(API_TOKEN_PREFIX.length))) return undefined;
    const found = await this.users.findApiTokenByHash(sha256Hex(token), this.clock.now());
    if (!found) return undefined;
    const user = await this.users.getUser(found.userId);
    if (!user || user.disabled) return undefined;
    return { user, token: found };
  }

  /** Users revoke their own tokens; admins anyone's. Others' tokens look like missing ones. */
  async revokeApiToken(tokenId: string, by: { id: string; role: UserRole }): Promise<void> {
    const token = await this.users.getApiToken(tokenId);
    if (!token || (token.userId !== by.id && by.role !== 'admin')) throw new AppError('not_found', 'No such API token');
    await this.users.deleteApiToken(tokenId);
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  private checkRateLimit(emailKey: string, ip: string): void {
    const until = Math.max(
      this.failuresByEmail.blockedUntil(emailKey, LOGIN_LIMITS.perEmail) ?? 0,
      this.failuresByIp.blockedUntil(ip, LOGIN_LIMITS.perIp) ?? 0,
    );
    if (until === 0) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
    throw new AppError(
      'rate_limited',
      `Too many failed sign-ins; try again in ${formatWait(retryAfterSeconds)} (after ${new Date(until).toISOString()})`,
      { retryAfterSeconds, retryAt: until },
    );
  }

}

function checkPassword(password: string): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new AppError('bad_request', `The password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new AppError('bad_request', `The password may have at most ${PASSWORD_MAX_LENGTH} characters`);
  }
}

/** Our secrets are base64url of 32 bytes (43 characters); anything else is not worth a query. */
function looksLikeSecret(s: string): boolean {
  return s.length >= 16 && s.length <= 128 && /^[A-Za-z0-9_-]+$/.test(s);
}

function formatWait(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}
