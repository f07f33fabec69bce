import type { Kysely, Selectable } from 'kysely';
import type { Database, MessageTemplatesTable } from './schema.js';

export interface MessageTemplate {
  id: string;
  accountId: string;
  name: string;
  language: string;
  text: string;
  providerTemplateId: string | null;
  status: string;
  variables: Record<string, string>;
  createdAt: number;
  updatedAt: number;
}

function toTemplate(r: Selectable<MessageTemplatesTable>): MessageTemplate {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    language: r.language,
    text: r.text,
    providerTemplateId: r.provider_template_id,
    status: r.status,
    variables: JSON.parse(r.variables) as Record<string, string>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class TemplatesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: MessageTemplate): Promise<MessageTemplate> {
    const r = await this.db
      .insertInto('message_templates')
      .values({
        id: t.id,
        account_id: t.accountId,
        name: t.name,
        language: t.language,
        text: t.text,
        provider_template_id: t.providerTemplateId,
        status: t.status,
        variables: JSON.stringify(t.variables),
        created_at: t.createdAt,
        updated_at: t.updatedAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplate(r);
  }

  async get(id: string): Promise<MessageTemplate | undefined> {
    const r = await this.db.selectFrom('message_templates').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toTemplate(r);
  }

  async list(accountId: string, f: { status?: string; language?: string } = {}): Promise<MessageTemplate[]> {
    let q = this.db.selectFrom('message_templates').selectAll().where('account_id', '=', accountId);
    if (f.status) q = q.where('status', '=', f.status);
    if (f.language) q = q.where('language', '=', f.language);
    return (await q.orderBy('name').orderBy('language').execute()).map(toTemplate);
  }

  async update(
    id: string,
    p: Partial<Pick<MessageTemplate, 'name' | 'language' | 'text' | 'providerTemplateId' | 'status' | 'variables'>>,
    at: number,
  ): Promise<MessageTemplate | undefined> {
    const r = await this.db
      .updateTable('message_templates')
      .set({
        updated_at: at,
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.language !== undefined ? { language: p.language } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.providerTemplateId !== undefined ? { provider_template_id: p.providerTemplateId } : {}),
        ...(p.status !== undefined ? { status: p.status } : {}),
        ...(p.variables !== undefined ? { variables: JSON.stringify(p.variables) } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toTemplate(r);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('message_templates').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
