import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestStore, STORE_KINDS } from '../../test/support/stores.js';
import type { ChannelAdapter } from '../channels/adapter.js';
import { AppError } from '../errors.js';
import type { AuthUser, Role } from '../http/route.js';
import { ManualClock } from '../lib/clock.js';
import { Sealer } from '../lib/sealed.js';
import { AccountsRepo } from '../store/accounts-repo.js';
import type { Store } from '../store/db.js';
import { AccountsService, maskSecret, type AdapterLookup } from './accounts-service.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-LONG-LIVED-access-token-9Zq7';
const CREDS = { channelId: '1234567890', channelSecret: SECRET, channelAccessToken: TOKEN };

function notImplemented(): never {
  throw new Error('not used in these tests');
}

/** A LINE-shaped adapter owned by this test, so the test does not follow the real one's changes. */
const fakeLine: ChannelAdapter<unknown, unknown> = {
  kind: 'line',
  displayName: 'Fake LINE',
  capabilities: { templates: false, maxTextLength: 5000, inboundContent: ['text'], outboundContent: ['text'], outboundMediaTypes: {} },
  credentialsSchema: z.object({
    channelId: z.string().regex(/^\d+$/, 'Channel ID is a number'),
    channelSecret: z.string().regex(/^[0-9a-f]{32}$/),
    channelAccessToken: z.string().min(1),
  }),
  securedFields: ['channelSecret', 'channelAccessToken'] as never[],
  settingsSchema: z.object({ botUserId: z.string().optional() }),
  verify: notImplemented,
  parse: notImplemented,
  createClient: notImplemented,
};

/** An adapter whose custom message repeats the input: the service must still not echo it. */
const leaky: ChannelAdapter<unknown, unknown> = {
  ...fakeLine,
  kind: 'webchat',
  displayName: 'Leaky',
  credentialsSchema: z.object({
    apiKey: z.string().refine((v) => v.startsWith('key_'), { error: (iss) => `bad key ${String(iss.input)}` }),
    shortPin: z.string().optional(),
  }),
  securedFields: ['apiKey', 'shortPin'] as never[],
  settingsSchema: z.object({}).loose(),
};

const adapterFor: AdapterLookup = (k) => (k === 'line' ? fakeLine : k === 'webchat' ? leaky : undefined);

function user(role: Role, canViewSecrets = false): AuthUser {
  return { id: `u_${role}`, email: `${role}@example.com`, displayName: role, role, canViewSecrets, via: 'session' };
}
const admin = user('admin');
const supervisor = user('supervisor');
const agent = user('agent');
const trustedSupervisor = user('supervisor', true);

async function appError(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}

describe.each(STORE_KINDS)('AccountsService on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: AccountsRepo;
  let clock: ManualClock;
  let sealer: Sealer;
  let svc: AccountsService;

  beforeAll(async () => {
    ({ store, cleanup } = await createTestStore(kind));
    repo = new AccountsRepo(store.db);
    clock = new ManualClock();
    sealer = new Sealer(randomBytes(32));
    svc = new AccountsService({ repo, sealer, adapterFor, publicUrl: 'https://hub.example.com/', clock });
  });
  afterAll(async () => cleanup());

  it('seals secured fields at rest: their clear text appears nowhere in the row', async () => {
    const v = await svc.create({ kind: 'line', name: 'Tokyo store', credentials: CREDS, settings: { botUserId: 'Ubot' } }, admin);
    const raw = await store.db.selectFrom('messaging_accounts').selectAll().where('id', '=', v.id).executeTakeFirstOrThrow();
    const rowText = JSON.stringify(raw);
    expect(rowText).not.toContain(SECRET);
    expect(rowText).not.toContain(TOKEN);
    expect(rowText).not.toContain(SECRET.slice(0, 12));
    expect(JSON.parse(raw.credentials_public)).toEqual({ channelId: '1234567890' });
    expect(JSON.parse(sealer.unseal(raw.credentials_sealed))).toEqual({ channelSecret: SECRET, channelAccessToken: TOKEN });
  });

  it('shows secured fields in clear to admins and to users allowed to view secrets, masked to others', async () => {
    const v = await svc.create({ kind: 'line', name: 'Osaka', credentials: CREDS }, admin);
    expect(v.credentials).toEqual(CREDS);
    expect(v.securedFields).toEqual(['channelSecret', 'channelAccessToken']);
    expect(v.settings).toEqual({});
    const masked = { channelId: '1234567890', channelSecret: '••••cdef', channelAccessToken: '••••9Zq7' };
    expect((await svc.get(v.id, supervisor)).credentials).toEqual(masked);
    expect((await svc.get(v.id, agent)).credentials).toEqual(masked);
    expect((await svc.get(v.id, trustedSupervisor)).credentials).toEqual(CREDS);
    const listed = await svc.list({}, supervisor);
    expect(listed.length).toBeGreaterThanOrEqual(2);
    for (const a of listed) expect(JSON.stringify(a)).not.toContain(SECRET);
  });

  it('masks with the last 4 characters only for values of 12 characters or more', () => {
    expect(maskSecret('abcdefghijkl')).toBe('••••ijkl');
    expect(maskSecret('abcdefghijk')).toBe('••••');
    expect(maskSecret('')).toBe('••••');
    expect(maskSecret(42)).toBe('••••');
  });

  it('gives the callback URL the provider must call', async () => {
    const v = await svc.create({ kind: 'line', name: 'Nagoya', credentials: CREDS }, admin);
    expect(v.callbackUrl).toBe(`https://hub.example.com/webhooks/line/${v.id}`);
    expect(v.id).toMatch(/^acc_/);
    expect(v.createdAt).toBe(new Date(clock.now()).toISOString());
  });

  it('refuses an unknown kind and invalid credentials or settings with bad_request', async () => {
    expect((await appError(svc.create({ kind: 'fax', name: 'x', credentials: CREDS }, admin))).code).toBe('bad_request');
    const bad = '!!SECRET-but-not-hex-VALUE-0042!!';
    const e = await appError(svc.create({ kind: 'line', name: 'x', credentials: { ...CREDS, channelSecret: bad, channelId: 'abc' } }, admin));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain('credentials.channelSecret');
    expect(e.message).toContain('credentials.channelId: Channel ID is a number');
    expect(e.message).not.toContain(bad);
    expect(JSON.stringify(e.details)).not.toContain(bad);
    const missing = await appError(svc.create({ kind: 'line', name: 'x', credentials: { channelId: '1', channelSecret: SECRET } }, admin));
    expect(missing.message).toContain('credentials.channelAccessToken: is required');
    expect(missing.message).not.toContain(SECRET);
    const s = await appError(svc.create({ kind: 'line', name: 'x', credentials: CREDS, settings: { botUserId: 5 } }, admin));
    expect(s.code).toBe('bad_request');
    expect(s.message).toContain('settings.botUserId');
    expect(await repo.list({ kind: 'webchat' })).toEqual([]);
  });

  it('never echoes a secured value, even when the adapter message repeats it', async () => {
    const e = await appError(svc.create({ kind: 'webchat', name: 'x', credentials: { apiKey: 'sk_live_TOPSECRET' } }, admin));
    expect(e.code).toBe('bad_request');
    expect(e.message).toContain('credentials.apiKey');
    expect(e.message).not.toContain('TOPSECRET');
  });

  it('keeps secured values that are omitted or sent back masked, and re-validates the merge', async () => {
    const v = await svc.create({ kind: 'line', name: 'Kyoto', credentials: CREDS }, admin);
    const masked = (await svc.get(v.id, supervisor)).credentials;
    clock.advance(1000);
    const u = await svc.update(v.id, { name: 'Kyoto 2', credentials: masked }, admin);
    expect(u.name).toBe('Kyoto 2');
    expect(u.credentials).toEqual(CREDS);
    expect(u.updatedAt).toBe(new Date(clock.now()).toISOString());
    const u2 = await svc.update(v.id, { credentials: { channelId: '999' } }, admin);
    expect(u2.credentials).toEqual({ ...CREDS, channelId: '999' });
    const newSecret = 'ffffffffffffffffffffffffffffffff';
    const u3 = await svc.update(v.id, { credentials: { channelSecret: newSecret } }, admin);
    expect(u3.credentials).toMatchObject({ channelSecret: newSecret, channelAccessToken: TOKEN });
    const e = await appError(svc.update(v.id, { credentials: { channelId: 'not-a-number' } }, admin));
    expect(e.code).toBe('bad_request');
    expect(e.message).not.toContain(newSecret);
    expect(e.message).not.toContain(TOKEN);
    const e2 = await appError(svc.update(v.id, { credentials: { channelSecret: '••••zzzz' } }, admin));
    expect(e2.code).toBe('bad_request');
    expect((await svc.resolveForWebhook(v.id))?.credentials).toEqual({ ...CREDS, channelId: '999', channelSecret: newSecret });
  });

  it('forbids users who may not view secrets from changing secured fields', async () => {
    const v = await svc.create({ kind: 'line', name: 'Sapporo', credentials: CREDS }, admin);
    const e = await appError(svc.update(v.id, { credentials: { channelAccessToken: 'guess' } }, supervisor));
    expect(e.code).toBe('forbidden');
    // Sending the stored value itself is refused too: no oracle to check a guess against.
    expect((await appError(svc.update(v.id, { credentials: { channelAccessToken: TOKEN } }, supervisor))).code).toBe('forbidden');
    const masked = (await svc.get(v.id, supervisor)).credentials;
    const ok = await svc.update(v.id, { name: 'Sapporo 2', credentials: masked }, supervisor);
    expect(ok.credentials).toEqual(masked);
    const trusted = await svc.update(v.id, { credentials: { channelAccessToken: 'rotated-token-0001' } }, trustedSupervisor);
    expect(trusted.credentials.channelAccessToken).toBe('rotated-token-0001');
  });

  it('soft-deletes: get is not_found, resolveForWebhook undefined, the row stays', async () => {
    const v = await svc.create({ kind: 'line', name: 'Fukuoka', credentials: CREDS }, admin);
    expect((await svc.resolveForWebhook(v.id))?.name).toBe('Fukuoka');
    await svc.delete(v.id);
    expect(await svc.resolveForWebhook(v.id)).toBeUndefined();
    expect((await appError(svc.get(v.id, admin))).code).toBe('not_found');
    expect((await appError(svc.delete(v.id))).code).toBe('not_found');
    expect((await appError(svc.update(v.id, { name: 'x' }, admin))).code).toBe('not_found');
    expect((await svc.list({}, admin)).some((a) => a.id === v.id)).toBe(false);
    expect(await repo.get(v.id, { includeDeleted: true })).toMatchObject({ deletedAt: clock.now() });
  });

  it('resolves webhooks from a 2-second cache, sharing one query between concurrent calls', async () => {
    const v = await svc.create({ kind: 'line', name: 'Kobe', credentials: CREDS, settings: { botUserId: 'Ub' } }, admin);
    const get = vi.spyOn(repo, 'get');
    try {
      const [a, b] = await Promise.all([svc.resolveForWebhook(v.id), svc.resolveForWebhook(v.id)]);
      expect(a).toEqual({ id: v.id, kind: 'line', name: 'Kobe', settings: { botUserId: 'Ub' }, credentials: CREDS });
      expect(b).toBe(a);
      expect(Object.isFrozen(a?.credentials)).toBe(true);
      expect(get).toHaveBeenCalledTimes(1);
      clock.advance(1999);
      await svc.resolveForWebhook(v.id);
      expect(get).toHaveBeenCalledTimes(1);
      clock.advance(1);
      await svc.resolveForWebhook(v.id);
      expect(get).toHaveBeenCalledTimes(2);
      // Unknown ids are cached too, so a flood of them does not reach the store.
      expect(await svc.resolveForWebhook('acc_unknown')).toBeUndefined();
      expect(await svc.resolveForWebhook('acc_unknown')).toBeUndefined();
      expect(get).toHaveBeenCalledTimes(3);
    } finally {
      get.mockRestore();
    }
  });

  it("invalidates the cache on this service's writes and sees other processes' writes after the TTL", async () => {
    const other = new AccountsService({ repo, sealer, adapterFor, publicUrl: 'https://hub.example.com', clock });
    const v = await svc.create({ kind: 'line', name: 'Nara', credentials: CREDS }, admin);
    expect((await svc.resolveForWebhook(v.id))?.name).toBe('Nara');
    await svc.update(v.id, { name: 'Nara 2' }, admin);
    expect((await svc.resolveForWebhook(v.id))?.name).toBe('Nara 2');
    await other.update(v.id, { name: 'Nara 3' }, admin);
    expect((await svc.resolveForWebhook(v.id))?.name).toBe('Nara 2');
    clock.advance(2000);
    expect((await svc.resolveForWebhook(v.id))?.name).toBe('Nara 3');
    await other.delete(v.id);
    clock.advance(2000);
    expect(await svc.resolveForWebhook(v.id)).toBeUndefined();
  });

  it('keeps the cache bounded, evicting the oldest entries', async () => {
    const small = new AccountsService({ repo, sealer, adapterFor, publicUrl: 'https://h', clock, cacheMaxEntries: 3 });
    const get = vi.spyOn(repo, 'get');
    try {
      for (let i = 0; i < 10; i++) await small.resolveForWebhook(`acc_x${i}`);
      expect(get).toHaveBeenCalledTimes(10);
      await small.resolveForWebhook('acc_x9');
      expect(get).toHaveBeenCalledTimes(10);
      await small.resolveForWebhook('acc_x0');
      expect(get).toHaveBeenCalledTimes(11);
    } finally {
      get.mockRestore();
    }
  });

  it('describes channel kinds with their credential fields and which are secured', () => {
    const kinds = svc.channelKinds();
    expect(kinds.map((k) => k.kind)).toEqual(['line', 'webchat']);
    expect(kinds[0]?.credentialFields).toEqual([
      { name: 'channelId', secured: false, required: true },
      { name: 'channelSecret', secured: true, required: true },
      { name: 'channelAccessToken', secured: true, required: true },
    ]);
    expect(kinds[1]?.credentialFields).toContainEqual({ name: 'shortPin', secured: true, required: false });
    const only = new AccountsService({ repo, sealer, adapterFor, publicUrl: 'https://h', clock, kinds: () => ['line'] });
    expect(only.channelKinds().map((k) => k.kind)).toEqual(['line']);
  });

  it('works with the real channel registry and the LINE adapter', async () => {
    const registry = await import('../channels/registry.js');
    const real = new AccountsService({ repo, sealer, adapterFor: registry.adapterFor, kinds: registry.channelKinds, publicUrl: 'https://hub.example.com', clock });
    const v = await real.create({ kind: 'line', name: 'Real LINE', credentials: CREDS }, admin);
    expect((await real.get(v.id, agent)).credentials).toEqual({ channelId: '1234567890', channelSecret: '••••cdef', channelAccessToken: '••••9Zq7' });
    const line = real.channelKinds().find((k) => k.kind === 'line');
    expect(line?.credentialFields.filter((f) => f.secured).map((f) => f.name).sort()).toEqual(['channelAccessToken', 'channelSecret']);
  });
});
