/**
 * WhatsApp message templates per messaging account: managed by admins, or imported from the
 * provider (Twilio Content API) so approval state stays in sync. Only approved templates may be
 * sent, and they are the only thing that may be sent outside the 24-hour window.
 */
import type { ChannelAdapter, ChannelClient } from '../channels/adapter.js';
import { placeholdersOf, renderTemplate } from '../domain/template.js';
import type { MessageContent } from '../domain/message.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { MessageTemplate, TemplatesRepo } from '../store/templates-repo.js';
import type { ResolvedAccount } from './channel-jobs.js';

export interface TemplateInput {
  name: string;
  language: string;
  text: string;
  providerTemplateId?: string | null;
  status?: string;
  variables?: Record<string, string>;
}

export interface TemplatesDeps {
  repo: TemplatesRepo;
  clock: Clock;
  resolveAccount: (id: string) => Promise<ResolvedAccount | undefined>;
  adapterFor: (kind: string) => ChannelAdapter<unknown, unknown> | undefined;
  clientFor: (account: ResolvedAccount) => ChannelClient;
}

export class TemplatesService {
  constructor(private readonly d: TemplatesDeps) {}

  private async templateAccount(accountId: string): Promise<ResolvedAccount> {
    const account = await this.d.resolveAccount(accountId);
    if (!account) throw new AppError('not_found', `No messaging account ${accountId}`);
    if (!this.d.adapterFor(account.kind)?.capabilities.templates) {
      throw new AppError('bad_request', `${account.kind} accounts have no message templates`);
    }
    return account;
  }

  async list(accountId: string, f: { status?: string; language?: string } = {}): Promise<MessageTemplate[]> {
    await this.templateAccount(accountId);
    return this.d.repo.list(accountId, f);
  }

  async get(id: string): Promise<MessageTemplate> {
    const t = await this.d.repo.get(id);
    if (!t) throw new AppError('not_found', `No template ${id}`);
    return t;
  }

  async create(accountId: string, input: TemplateInput): Promise<MessageTemplate> {
    await this.templateAccount(accountId);
    const now = this.d.clock.now();
    try {
      return await this.d.repo.insert({
        id: newId('tpl'),
        accountId,
        name: input.name,
        language: input.language,
        text: input.text,
        providerTemplateId: input.providerTemplateId ?? null,
        status: input.status ?? 'approved',
        variables: input.variables ?? {},
        createdAt: now,
        updatedAt: now,
      });
    } catch (e) {
      if (/unique|duplicate/i.test(String(e))) {
        throw new AppError('conflict', `A template named ${input.name} in ${input.language} exists already`);
      }
      throw e;
    }
  }

  async update(id: string, patch: Partial<TemplateInput>): Promise<MessageTemplate> {
    const t = await this.d.repo.update(id, patch, this.d.clock.now());
    if (!t) throw new AppError('not_found', `No template ${id}`);
    return t;
  }

  async delete(id: string): Promise<void> {
    if (!(await this.d.repo.delete(id))) throw new AppError('not_found', `No template ${id}`);
  }

  /** Pulls the provider's templates: new ones are added, known ones get the provider's text and approval state. */
  async importFromProvider(accountId: string): Promise<{ added: number; updated: number; total: number }> {
    const account = await this.templateAccount(accountId);
    const client = this.d.clientFor(account);
    if (!client.listTemplates) throw new AppError('bad_request', `${account.kind} cannot list templates`);
    let remote;
    try {
      remote = await client.listTemplates();
    } catch (e) {
      throw new AppError('unavailable', `The provider did not answer: ${e instanceof Error ? e.message : String(e)}`);
    }
    const local = await this.d.repo.list(accountId);
    let added = 0;
    let updated = 0;
    for (const r of remote) {
      const match =
        local.find((l) => l.providerTemplateId === r.providerTemplateId) ??
        local.find((l) => l.name === r.name && l.language === r.language);
      const fields = { name: r.name, language: r.language, text: r.text, providerTemplateId: r.providerTemplateId, status: r.status, variables: r.variables ?? {} };
      if (match) {
        await this.d.repo.update(match.id, fields, this.d.clock.now());
        updated++;
      } else {
        await this.create(accountId, fields);
        added++;
      }
    }
    return { added, updated, total: remote.length };
  }

  /** The message content for sending an approved template with its variables filled. */
  async contentFor(accountId: string, templateId: string, variables: Record<string, string>): Promise<Extract<MessageContent, { kind: 'template' }>> {
    const t = await this.get(templateId);
    if (t.accountId !== accountId) throw new AppError('not_found', `No template ${templateId} for this conversation's account`);
    if (t.status !== 'approved') throw new AppError('bad_request', `Template ${t.name} is ${t.status}, not approved`);
    const rendered = renderTemplate(t.text, variables);
    if (!rendered.ok) {
      throw new AppError('bad_request', `Fill the template variables ${rendered.missing.map((m) => `{{${m}}}`).join(', ')}`, {
        missing: rendered.missing,
      });
    }
    const used = Object.fromEntries(placeholdersOf(t.text).map((p) => [p, variables[p]!]));
    return {
      kind: 'template',
      templateId: t.id,
      name: t.name,
      language: t.language,
      ...(t.providerTemplateId ? { providerTemplateId: t.providerTemplateId } : {}),
      variables: used,
      text: rendered.text,
    };
  }
}
