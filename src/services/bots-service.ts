/**
 * Bots as admins configure them: an HTTP bot (URL + signing secret, the secret sealed at rest and
 * masked like secured fields) or the built-in FAQ bot (keywords → answers). Settings are checked
 * against the kind's schema; a bot a workstream uses cannot be deleted.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { AuthUser } from '../http/route.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Sealer } from '../lib/sealed.js';
import type { BotKind, BotPatch, BotRow, BotsRepo } from '../store/bots-repo.js';
import { MASK, maskSecret } from './accounts-service.js';
import type { Bot } from './bots/contract.js';
import { FaqBot, faqBotSettingsSchema } from './bots/faq-bot.js';
import { HttpBot, httpBotSettingsSchema, type HttpBotOptions } from './bots/http-bot.js';

const name = z.string().trim().min(1).max(200);
const secret = z.string().min(16).max(512).describe('The HMAC-SHA256 signing secret (generated when omitted)');

export const createBotInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('http'), name, settings: httpBotSettingsSchema, secret: secret.optional() }),
  z.object({ kind: z.literal('faq'), name, settings: faqBotSettingsSchema }),
]);
export type CreateBotInput = z.input<typeof createBotInput>;

export const updateBotInput = z.object({
  name: name.optional(),
  /** Replaces the whole settings object; checked against the bot's kind. */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** HTTP bots: a new secret in clear; the masked value sent back unchanged keeps the stored one. */
  secret: z.string().max(512).optional(),
});
export type UpdateBotInput = z.infer<typeof updateBotInput>;

export interface BotView {
  id: string;
  name: string;
  kind: BotKind;
  settings: unknown;
  /** HTTP bots: clear for admins and users allowed to view secrets, else masked (••••abcd). */
  secret?: string;
  /** Workstreams that send their conversations to this bot first. */
  usedBy: Array<{ id: string; name: string }>;
  createdAt: string;
  updatedAt: string;
}

const SETTINGS: Record<BotKind, z.ZodType> = { http: httpBotSettingsSchema, faq: faqBotSettingsSchema };

export interface BotsServiceDeps {
  repo: BotsRepo;
  sealer: Sealer;
  clock: Clock;
  /** Options for calling HTTP bots (fetch, timeouts); the URL and secret come from the bot. */
  http?: Omit<HttpBotOptions, 'url' | 'secret'>;
}

const canViewSecrets = (u: Pick<AuthUser, 'role' | 'canViewSecrets'>) => u.role === 'admin' || u.canViewSecrets;

function settingsError(error: z.ZodError): AppError {
  const message = error.issues.map((i) => `${['settings', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
  return new AppError('bad_request', message, error.issues.map((i) => ({ path: ['settings', ...i.path.map(String)].join('.'), code: i.code })));
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new AppError('bad_request', r.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

export class BotsService {
  constructor(private readonly d: BotsServiceDeps) {}

  async list(user: AuthUser): Promise<BotView[]> {
    return Promise.all((await this.d.repo.list()).map((b) => this.view(b, user)));
  }

  async get(id: string, user: AuthUser): Promise<BotView> {
    return this.view(await this.mustGet(id), user);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.d.repo.get(id)) !== undefined;
  }

  async create(input: CreateBotInput, user: AuthUser): Promise<BotView> {
    const b = parseInput(createBotInput, input);
    const clear = b.kind === 'http' ? (b.secret ?? randomBytes(32).toString('base64url')) : undefined;
    const row = await this.d.repo.insert({
      id: newId('bot'),
      name: b.name,
      kind: b.kind,
      settings: b.settings,
      secretSealed: clear === undefined ? null : this.d.sealer.seal(clear),
      createdAt: this.d.clock.now(),
    });
    return this.view(row, user);
  }

  async update(id: string, input: UpdateBotInput, user: AuthUser): Promise<BotView> {
    const p = parseInput(updateBotInput, input);
    const bot = await this.mustGet(id);
    const patch: BotPatch = { updatedAt: this.d.clock.now() };
    if (p.name !== undefined) patch.name = p.name;
    if (p.settings !== undefined) {
      const r = SETTINGS[bot.kind].safeParse(p.settings);
      if (!r.success) throw settingsError(r.error);
      patch.settings = r.data;
    }
    if (p.secret !== undefined) {
      if (bot.kind !== 'http') throw new AppError('bad_request', 'secret: only HTTP bots have a secret');
      const stored = this.secretOf(bot);
      if (!(stored !== undefined && p.secret === maskSecret(stored))) {
        if (p.secret.startsWith(MASK)) throw new AppError('bad_request', 'secret: send the new value in clear, or the masked value unchanged');
        if (!canViewSecrets(user)) throw new AppError('forbidden', 'Changing the secret needs an admin or the permission to view secrets');
        const s = secret.safeParse(p.secret);
        if (!s.success) throw new AppError('bad_request', `secret: ${s.error.issues[0]?.message ?? 'not valid'}`);
        patch.secretSealed = this.d.sealer.seal(s.data);
      }
    }
    const updated = await this.d.repo.update(id, patch);
    if (!updated) throw new AppError('not_found', `No bot ${id}`);
    return this.view(updated, user);
  }

  /** conflict while a workstream uses the bot: point the workstream elsewhere first. */
  async delete(id: string): Promise<void> {
    await this.mustGet(id);
    const users = await this.d.repo.workstreamsUsing(id);
    if (users.length > 0) {
      throw new AppError('conflict', `The bot is used by workstream ${users.map((w) => `${w.name} (${w.id})`).join(', ')}; remove it from there first`, { workstreams: users });
    }
    if (!(await this.d.repo.delete(id))) throw new AppError('not_found', `No bot ${id}`);
  }

  /** The runnable bot, or undefined when it no longer exists or its settings no longer parse. */
  async runnable(id: string): Promise<{ id: string; name: string; bot: Bot } | undefined> {
    const row = await this.d.repo.get(id);
    if (!row) return undefined;
    if (row.kind === 'faq') {
      const s = faqBotSettingsSchema.safeParse(row.settings);
      return s.success ? { id: row.id, name: row.name, bot: new FaqBot(s.data) } : undefined;
    }
    const s = httpBotSettingsSchema.safeParse(row.settings);
    const clear = this.secretOf(row);
    if (!s.success || clear === undefined) return undefined;
    return { id: row.id, name: row.name, bot: new HttpBot({ ...this.d.http, url: s.data.url, secret: clear }) };
  }

  private async view(b: BotRow, user: Pick<AuthUser, 'role' | 'canViewSecrets'>): Promise<BotView> {
    const clear = this.secretOf(b);
    return {
      id: b.id,
      name: b.name,
      kind: b.kind,
      settings: b.settings,
      ...(clear !== undefined ? { secret: canViewSecrets(user) ? clear : maskSecret(clear) } : {}),
      usedBy: await this.d.repo.workstreamsUsing(b.id),
      createdAt: new Date(b.createdAt).toISOString(),
      updatedAt: new Date(b.updatedAt).toISOString(),
    };
  }

  private secretOf(b: BotRow): string | undefined {
    if (b.secretSealed === null) return undefined;
    try {
      return this.d.sealer.unseal(b.secretSealed);
    } catch {
      throw new AppError('internal', `The secret of bot ${b.id} cannot be unsealed with this secret key`);
    }
  }

  private async mustGet(id: string): Promise<BotRow> {
    const b = await this.d.repo.get(id);
    if (!b) throw new AppError('not_found', `No bot ${id}`);
    return b;
  }
}
