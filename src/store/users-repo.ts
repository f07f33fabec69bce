/**
 * Users, sessions and API tokens. The only code that touches these tables through Kysely.
 * Rows are mapped to camelCase domain objects; the password hash leaves this file only through
 * `getCredentialsByEmail`, and token and session secrets are stored as sha256 digests only.
 */
import type { Kysely, Selectable } from 'kysely';
import { AppError } from '../errors.js';
import type { ApiTokensTable, Database, UsersTable } from './schema.js';

export type UserRole = UsersTable['role'];

/** Agent presence as stored: Available, Busy, Busy-DND, Away, Offline. */
export const PRESENCES = ['available', 'busy', 'busy_dnd', 'away', 'offline'] as const;
export type Presence = (typeof PRESENCES)[number];

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: UserRole;
  /** May read secured fields in clear (admins always may). */
  canViewSecrets: boolean;
  presence: Presence;
  disabled: boolean;
  createdAt: number;
}

export interface NewUser {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string;
  role: UserRole;
  canViewSecrets?: boolean;
  createdAt: number;
}

export interface UserPatch {
  displayName?: string;
  role?: UserRole;
  canViewSecrets?: boolean;
  disabled?: boolean;
  presence?: Presence;
}

export interface Session {
  /** sha256 of the cookie value. */
  id: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
}

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** How often `findApiTokenByHash` may write last_used_at for one token. */
export const TOKEN_TOUCH_INTERVAL_MS = 60_000;

/** Emails compare case-insensitively: stored and looked up trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const USER_COLUMNS = ['id', 'email', 'display_name', 'role', 'can_view_secrets', 'presence', 'disabled', 'created_at'] as const;
type UserRow = Pick<Selectable<UsersTable>, (typeof USER_COLUMNS)[number]>;

function toUser(r: UserRow): User {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    canViewSecrets: Number(r.can_view_secrets) === 1,
    presence: (PRESENCES as ReadonlyArray<string>).includes(r.presence) ? (r.presence as Presence) : 'offline',
    disabled: Number(r.disabled) === 1,
    createdAt: Number(r.created_at),
  };
}

const TOKEN_COLUMNS = ['id', 'user_id', 'name', 'created_at', 'last_used_at'] as const;
type TokenRow = Pick<Selectable<ApiTokensTable>, (typeof TOKEN_COLUMNS)[number]>;

function toToken(r: TokenRow): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    createdAt: Number(r.created_at),
    lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
  };
}

/** SQLite (better-sqlite3) and PostgreSQL (pg) report unique violations differently. */
function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const code = (e as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

const flag = (b: boolean): number => (b ? 1 : 0);

export class UsersRepo {
  constructor(private readonly db: Kysely<Database>) {}

  // ── users ────────────────────────────────────────────────────────────────────────────────

  async createUser(u: NewUser): Promise<User> {
    const row = {
      id: u.id,
      email: normalizeEmail(u.email),
      display_name: u.displayName,
      password_hash: u.passwordHash,
      role: u.role,
      can_view_secrets: flag(u.canViewSecrets ?? false),
      presence: 'offline',
      disabled: 0,
      created_at: u.createdAt,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new AppError('conflict', `A user with the email ${row.email} already exists`);
      throw e;
    }
    return toUser(row);
  }

  async getUser(id: string): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').select(USER_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r && toUser(r);
  }

  async getUserByEmail(email: string): Promise<User | undefined> {
    const r = await this.db
      .selectFrom('users')
      .select(USER_COLUMNS)
      .where('email', '=', normalizeEmail(email))
      .executeTakeFirst();
    return r && toUser(r);
  }

  /** The one way to read a password hash: for sign-in only. */
  async getCredentialsByEmail(email: string): Promise<{ user: User; passwordHash: string } | undefined> {
    const r = await this.db
      .selectFrom('users')
      .select([...USER_COLUMNS, 'password_hash'])
      .where('email', '=', normalizeEmail(email))
      .executeTakeFirst();
    return r && { user: toUser(r), passwordHash: r.password_hash };
  }

  async listUsers(filter: { role?: UserRole; includeDisabled?: boolean } = {}): Promise<User[]> {
    let q = this.db.selectFrom('users').select(USER_COLUMNS);
    if (filter.role) q = q.where('role', '=', filter.role);
    if (filter.includeDisabled === false) q = q.where('disabled', '=', 0);
    const rows = await q.orderBy('email').execute();
    return rows.map(toUser);
  }

  /** Applies the fields present in `patch`; returns the updated user, or undefined if there is none. */
  async updateUser(id: string, patch: UserPatch): Promise<User | undefined> {
    const set: Partial<Pick<UsersTable, 'display_name' | 'role' | 'can_view_secrets' | 'disabled' | 'presence'>> = {};
    if (patch.displayName !== undefined) set.display_name = patch.displayName;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.canViewSecrets !== undefined) set.can_view_secrets = flag(patch.canViewSecrets);
    if (patch.disabled !== undefined) set.disabled = flag(patch.disabled);
    if (patch.presence !== undefined) set.presence = patch.presence;
    if (Object.keys(set).length > 0) {
      const r = await this.db.updateTable('users').set(set).where('id', '=', id).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return undefined;
    }
    return this.getUser(id);
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const r = await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async countUsers(filter: { role?: UserRole; includeDisabled?: boolean } = {}): Promise<number> {
    let q = this.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n'));
    if (filter.role) q = q.where('role', '=', filter.role);
    if (filter.includeDisabled === false) q = q.where('disabled', '=', 0);
    const r = await q.executeTakeFirstOrThrow();
    return Number(r.n);
  }

  // ── sessions ─────────────────────────────────────────────────────────────────────────────

  async createSession(s: Session): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, created_at: s.createdAt, expires_at: s.expiresAt })
      .execute();
  }

  /** The session with this id if it has not expired at `now`. */
  async getValidSession(id: string, now: number): Promise<Session | undefined> {
    const r = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return (
      r && {
        id: r.id,
        userId: r.user_id,
        csrfToken: r.csrf_token,
        createdAt: Number(r.created_at),
        expiresAt: Number(r.expires_at),
      }
    );
  }

  async deleteSession(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('sessions').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteSessionsForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    const r = await this.db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  // ── API tokens ───────────────────────────────────────────────────────────────────────────

  async createApiToken(t: { id: string; userId: string; name: string; tokenHash: string; createdAt: number }): Promise<ApiToken> {
    const row = { id: t.id, user_id: t.userId, name: t.name, token_hash: t.tokenHash, created_at: t.createdAt, last_used_at: null };
    await this.db.insertInto('api_tokens').values(row).execute();
    return toToken(row);
  }

  async getApiToken(id: string): Promise<ApiToken | undefined> {
    const r = await this.db.selectFrom('api_tokens').select(TOKEN_COLUMNS).where('id', '=', id).executeTakeFirst();
    return r && toToken(r);
  }

  async listApiTokensForUser(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(TOKEN_COLUMNS)
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toToken);
  }

  /**
   * The token with this hash. Records `now` as its last use, writing at most once per
   * TOKEN_TOUCH_INTERVAL_MS so that busy integrations do not turn every read into a write.
   */
  async findApiTokenByHash(tokenHash: string, now: number): Promise<ApiToken | undefined> {
    const r = await this.db.selectFrom('api_tokens').select(TOKEN_COLUMNS).where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!r) return undefined;
    const token = toToken(r);
    if (token.lastUsedAt === null || token.lastUsedAt <= now - TOKEN_TOUCH_INTERVAL_MS) {
      // Conditional, so concurrent requests on several processes still write once.
      const u = await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', token.id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', now - TOKEN_TOUCH_INTERVAL_MS)]))
        .executeTakeFirst();
      if (Number(u.numUpdatedRows) > 0) token.lastUsedAt = now;
    }
    return token;
  }

  async deleteApiToken(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
