/**
 * Messaging accounts: provider credentials validated by the channel's own schema, secured fields
 * sealed at rest and masked for whoever may not read them, and the callback URL a provider calls.
 * The webhook path reads accounts through `resolveForWebhook`, served from a short-lived cache.
 */
import { z } from 'zod';
import type { ChannelAdapter, ChannelCapabilities, ChannelKind } from '../channels/adapter.js';
import { AppError } from '../errors.js';
import type { AuthUser } from '../http/route.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Sealer } from '../lib/sealed.js';
import { TtlCache } from '../lib/ttl-cache.js';
import type { AccountsRepo, MessagingAccount, MessagingAccountPatch } from '../store/accounts-repo.js';

export type AdapterLookup = (kind: string) => ChannelAdapter<unknown, unknown> | undefined;

export interface AccountsServiceDeps {
  repo: AccountsRepo;
  sealer: Sealer;
  adapterFor: AdapterLookup;
  /** Public base URL of the hub, without a trailing slash (one is removed if present). */
  publicUrl: string;
  clock: Clock;
  /** Kinds listed by `channelKinds()`; defaults to every known kind `adapterFor` answers. */
  kinds?: () => ReadonlyArray<string>;
  /** How long `resolveForWebhook` trusts a cached account; 2 s by default. */
  cacheTtlMs?: number;
  /** Most accounts kept in the webhook cache (misses included); 10 000 by default. */
  cacheMaxEntries?: number;
}

/** Who sees what: only the view leaves the service. */
export interface AccountView {
  id: string;
  kind: string;
  name: string;
  settings: unknown;
  /** Secured fields are clear only for admins and users allowed to view secrets; else masked. */
  credentials: Record<string, unknown>;
  securedFields: string[];
  callbackUrl: string;
  /** Further URLs the provider needs (e.g. Twilio's status-callback URL), by name. */
  extraCallbackUrls: Record<string, string>;
  /** When the provider last proved the webhook URL (Business Messages' verification); null: never. */
  webhookVerifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the webhook handler needs: clear credentials, frozen (shared between requests). */
export interface ResolvedAccount {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  readonly settings: unknown;
  readonly credentials: Readonly<Record<string, unknown>>;
}

export interface CredentialField {
  name: string;
  secured: boolean;
  required: boolean;
}

export interface ChannelKindInfo {
  kind: string;
  displayName: string;
  capabilities: ChannelCapabilities;
  credentialFields: CredentialField[];
  /** JSON Schemas of what the admin enters, to build a form; undefined if not representable. */
  credentialsJsonSchema?: unknown;
  settingsJsonSchema?: unknown;
}

export const createAccountInput = z.object({
  kind: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  credentials: z.record(z.string(), z.unknown()),
  settings: z.unknown().optional(),
});
export type CreateAccountInput = z.infer<typeof createAccountInput>;

export const updateAccountInput = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  /**
   * Only the fields to change. A secured field omitted, or sent back as its masked value, keeps
   * the stored value; `null` removes an optional field.
   */
  credentials: z.record(z.string(), z.unknown()).optional(),
  /** Merged into the stored settings (top-level keys); `null` removes a key. */
  settings: z.record(z.string(), z.unknown()).optional(),
});
export type UpdateAccountInput = z.infer<typeof updateAccountInput>;

export const MASK = '••••';

/** '••••' + the last 4 characters, or just '••••' for values too short to show any of. */
export function maskSecret(value: unknown): string {
  if (typeof value !== 'string' || value.length < 12) return MASK;
  return MASK + value.slice(-4);
}

const KNOWN_KINDS: ReadonlyArray<ChannelKind> = ['line', 'twilio-whatsapp', 'gbm', 'webchat'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function canViewSecrets(user: Pick<AuthUser, 'role' | 'canViewSecrets'>): boolean {
  return user.role === 'admin' || user.canViewSecrets;
}

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as object)) deepFreeze(x);
  }
  return v;
}

/** Removes `null` keys after a shallow merge: null means "remove this field". */
function mergeDropNull(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * A zod failure as a bad_request that names each field and never repeats a secured value: for
 * secured fields only the path and the kind of problem are told, and any secured value that still
 * slipped into a message (an adapter's custom message) is blotted out.
 */
function validationError(
  where: 'credentials' | 'settings',
  error: z.ZodError,
  secured: ReadonlySet<string>,
  secretValues: ReadonlyArray<string>,
): AppError {
  const issues = error.issues.map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    const first = i.path[0];
    const isSecured = where === 'credentials' && typeof first === 'string' && secured.has(first);
    return { path, code: i.code, message: isSecured ? securedIssueMessage(i) : i.message };
  });
  let message = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  for (const s of secretValues) if (s.length >= 4) message = message.split(s).join(MASK);
  return new AppError(
    'bad_request',
    message,
    issues.map((i) => ({ path: i.path, code: i.code })),
  );
}

/** The outer shape (kind, name, types): paths and zod's messages, which never quote the input. */
function inputError(error: z.ZodError): AppError {
  const message = error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; ');
  return new AppError('bad_request', message, error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: i.code })));
}

function securedIssueMessage(i: z.core.$ZodIssue): string {
  switch (i.code) {
    case 'invalid_type':
      return i.input === undefined ? 'is required' : `must be a ${i.expected}`;
    case 'too_small':
      return 'is too short';
    case 'too_big':
      return 'is too long';
    case 'invalid_format':
      return `does not have the expected format${i.format === 'regex' ? '' : ` (${i.format})`}`;
    default:
      return 'is not valid';
  }
}

function secretStrings(credentials: Record<string, unknown>, secured: ReadonlyArray<string>): string[] {
  return secured.map((f) => credentials[f]).filter((v): v is string => typeof v === 'string');
}

export class AccountsService {
  private readonly publicUrl: string;
  private readonly cache: TtlCache<ResolvedAccount | undefined>;

  constructor(private readonly deps: AccountsServiceDeps) {
    this.publicUrl = deps.publicUrl.replace(/\/+$/, '');
    this.cache = new TtlCache({ ttlMs: deps.cacheTtlMs ?? 2000, maxEntries: deps.cacheMaxEntries ?? 10_000, now: () => deps.clock.now() });
  }

  /** The channels an admin can add accounts for, with the credential fields a form needs. */
  channelKinds(): ChannelKindInfo[] {
    const kinds = this.deps.kinds?.() ?? KNOWN_KINDS;
    const out: ChannelKindInfo[] = [];
    for (const kind of kinds) {
      const a = this.deps.adapterFor(kind);
      if (a) out.push(describeAdapter(a));
    }
    return out;
  }

  async create(input: CreateAccountInput, user: AuthUser): Promise<AccountView> {
    const parsed = createAccountInput.safeParse(input);
    if (!parsed.success) throw inputError(parsed.error);
    const { kind, name, credentials, settings } = parsed.data;
    const adapter = this.adapter(kind);
    const clear = this.validateCredentials(adapter, credentials);
    const validSettings = this.validateSettings(adapter, settings ?? {});
    const { publicPart, sealed } = this.split(adapter, clear);
    const account = await this.deps.repo.insert({
      id: newId('acc'),
      kind,
      name,
      settings: validSettings,
      credentialsPublic: publicPart,
      credentialsSealed: sealed,
      createdAt: this.deps.clock.now(),
    });
    this.cache.delete(account.id);
    return this.view(account, user);
  }

  async list(opts: { kind?: string }, user: AuthUser): Promise<AccountView[]> {
    const accounts = await this.deps.repo.list(opts.kind !== undefined ? { kind: opts.kind } : {});
    return accounts.map((a) => this.view(a, user));
  }

  /** not_found for a missing or deleted account. */
  async get(id: string, user: AuthUser): Promise<AccountView> {
    return this.view(await this.mustGet(id), user);
  }

  view(account: MessagingAccount, user: Pick<AuthUser, 'role' | 'canViewSecrets'>): AccountView {
    const securedFields: string[] = [...(this.deps.adapterFor(account.kind)?.securedFields ?? [])];
    const secured = this.unsealed(account);
    const clear = canViewSecrets(user);
    const credentials: Record<string, unknown> = { ...account.credentialsPublic };
    for (const [k, v] of Object.entries(secured)) credentials[k] = clear ? v : maskSecret(v);
    // Fields sealed under another adapter version are still secret even if no longer listed.
    for (const k of Object.keys(secured)) if (!securedFields.includes(k)) securedFields.push(k);
    return {
      id: account.id,
      kind: account.kind,
      name: account.name,
      settings: account.settings,
      credentials,
      securedFields,
      callbackUrl: this.callbackUrl(account.kind, account.id),
      extraCallbackUrls: Object.fromEntries(
        Object.entries(this.deps.adapterFor(account.kind)?.extraCallbacks ?? {}).map(([name, suffix]) => [
          name,
          this.callbackUrl(account.kind, account.id) + suffix,
        ]),
      ),
      webhookVerifiedAt: account.webhookVerifiedAt === null ? null : new Date(account.webhookVerifiedAt).toISOString(),
      createdAt: new Date(account.createdAt).toISOString(),
      updatedAt: new Date(account.updatedAt).toISOString(),
    };
  }

  callbackUrl(kind: string, id: string): string {
    return `${this.publicUrl}/webhooks/${encodeURIComponent(kind)}/${encodeURIComponent(id)}`;
  }

  async update(id: string, patch: UpdateAccountInput, user: AuthUser): Promise<AccountView> {
    const parsed = updateAccountInput.safeParse(patch);
    if (!parsed.success) throw inputError(parsed.error);
    const p = parsed.data;
    const account = await this.mustGet(id);
    const adapter = this.adapter(account.kind);
    const securedFields = new Set<string>(adapter.securedFields);
    const storedSecured = this.unsealed(account);
    for (const k of Object.keys(storedSecured)) securedFields.add(k);

    let credentialsChanged = false;
    let merged: Record<string, unknown> = { ...account.credentialsPublic, ...storedSecured };
    if (p.credentials) {
      const effective: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(p.credentials)) {
        if (v === undefined) continue;
        if (securedFields.has(k)) {
          if (typeof v === 'string' && k in storedSecured && v === maskSecret(storedSecured[k])) continue;
          if (typeof v === 'string' && v.startsWith(MASK)) {
            throw new AppError('bad_request', `credentials.${k}: send the new value in clear, or the masked value unchanged`);
          }
          // Refused whatever the value, so a guess cannot be checked against the stored secret.
          if (!canViewSecrets(user)) {
            throw new AppError('forbidden', `Changing the secured field ${k} needs an admin or the permission to view secrets`);
          }
        }
        effective[k] = v;
      }
      if (Object.keys(effective).length > 0) {
        credentialsChanged = true;
        merged = mergeDropNull(merged, effective);
      }
    }
    const changes: MessagingAccountPatch = { updatedAt: this.deps.clock.now() };
    if (p.name !== undefined) changes.name = p.name;
    if (credentialsChanged) {
      const clear = this.validateCredentials(adapter, merged);
      const { publicPart, sealed } = this.split(adapter, clear);
      changes.credentialsPublic = publicPart;
      changes.credentialsSealed = sealed;
    }
    if (p.settings !== undefined) {
      const base = isPlainObject(account.settings) ? account.settings : {};
      changes.settings = this.validateSettings(adapter, mergeDropNull(base, p.settings));
    }
    const updated = await this.deps.repo.update(id, changes);
    this.cache.delete(id);
    if (!updated) throw new AppError('not_found', `No messaging account ${id}`);
    return this.view(updated, user);
  }

  /** Soft delete: history stays, webhooks for the account then get 404. */
  async delete(id: string): Promise<void> {
    const ok = await this.deps.repo.softDelete(id, this.deps.clock.now());
    this.cache.delete(id);
    if (!ok) throw new AppError('not_found', `No messaging account ${id}`);
  }

  /** The provider's ownership check of the webhook succeeded. */
  async markWebhookVerified(id: string): Promise<void> {
    await this.deps.repo.markWebhookVerified(id, this.deps.clock.now());
  }

  /**
   * The account a webhook names, with clear credentials; undefined when missing or deleted.
   * Cached in-process for `cacheTtlMs` (misses too, so unknown ids cannot hammer the store);
   * concurrent lookups of one id share one query. This service's writes invalidate at once;
   * other processes' writes are seen within the TTL.
   */
  resolveForWebhook(id: string): Promise<ResolvedAccount | undefined> {
    return this.cache.get(id, () => this.loadResolved(id));
  }

  // ── internals ─────────────────────────────────────────────────────────────────────────────
  private async loadResolved(id: string): Promise<ResolvedAccount | undefined> {
    const account = await this.deps.repo.get(id);
    if (!account) return undefined;
    return deepFreeze({
      id: account.id,
      kind: account.kind,
      name: account.name,
      settings: account.settings,
      credentials: { ...account.credentialsPublic, ...this.unsealed(account) },
    });
  }

  private async mustGet(id: string): Promise<MessagingAccount> {
    const a = await this.deps.repo.get(id);
    if (!a) throw new AppError('not_found', `No messaging account ${id}`);
    return a;
  }

  private adapter(kind: string): ChannelAdapter<unknown, unknown> {
    const a = this.deps.adapterFor(kind);
    if (!a) throw new AppError('bad_request', `Unknown channel kind: ${kind}`);
    return a;
  }

  private validateCredentials(adapter: ChannelAdapter<unknown, unknown>, input: Record<string, unknown>): Record<string, unknown> {
    const secured = new Set<string>(adapter.securedFields);
    const r = adapter.credentialsSchema.safeParse(input);
    if (!r.success) throw validationError('credentials', r.error, secured, secretStrings(input, adapter.securedFields));
    if (!isPlainObject(r.data)) throw new AppError('internal', `The ${adapter.kind} credentials schema does not produce an object`);
    return r.data;
  }

  private validateSettings(adapter: ChannelAdapter<unknown, unknown>, input: unknown): unknown {
    const r = adapter.settingsSchema.safeParse(input);
    if (!r.success) throw validationError('settings', r.error, new Set(), []);
    return r.data;
  }

  private split(
    adapter: ChannelAdapter<unknown, unknown>,
    clear: Record<string, unknown>,
  ): { publicPart: Record<string, unknown>; sealed: string } {
    const secured = new Set<string>(adapter.securedFields);
    const publicPart: Record<string, unknown> = {};
    const securedPart: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(clear)) {
      if (v === undefined) continue;
      (secured.has(k) ? securedPart : publicPart)[k] = v;
    }
    return { publicPart, sealed: this.deps.sealer.seal(JSON.stringify(securedPart)) };
  }

  private unsealed(account: MessagingAccount): Record<string, unknown> {
    let text: string;
    try {
      text = this.deps.sealer.unseal(account.credentialsSealed);
    } catch {
      // Wrong secret key (rotated, or another installation's data): never show a half-read value.
      throw new AppError('internal', `The secured fields of account ${account.id} cannot be unsealed with this secret key`);
    }
    const v: unknown = JSON.parse(text);
    return isPlainObject(v) ? v : {};
  }
}

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> | undefined {
  try {
    const s = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    return isPlainObject(s) ? s : undefined;
  } catch {
    return undefined;
  }
}

function describeAdapter(a: ChannelAdapter<unknown, unknown>): ChannelKindInfo {
  const secured = new Set<string>(a.securedFields);
  const credentialsJsonSchema = jsonSchemaOf(a.credentialsSchema);
  const props = credentialsJsonSchema?.properties;
  const required = new Set(Array.isArray(credentialsJsonSchema?.required) ? (credentialsJsonSchema.required as string[]) : []);
  const names = isPlainObject(props) ? Object.keys(props) : [...secured];
  for (const s of secured) if (!names.includes(s)) names.push(s);
  const info: ChannelKindInfo = {
    kind: a.kind,
    displayName: a.displayName,
    capabilities: a.capabilities,
    credentialFields: names.map((name) => ({ name, secured: secured.has(name), required: required.has(name) })),
  };
  if (credentialsJsonSchema) info.credentialsJsonSchema = credentialsJsonSchema;
  const settingsJsonSchema = jsonSchemaOf(a.settingsSchema);
  if (settingsJsonSchema) info.settingsJsonSchema = settingsJsonSchema;
  return info;
}
