import type { Kysely, Selectable } from 'kysely';
import type { Database, QuickRepliesTable } from './schema.js';

export interface QuickReply {
  id: string;
  title: string;
  text: string;
  /** '' = any language. */
  language: string;
  createdAt: number;
  updatedAt: number;
}

function toQuickReply(r: Selectable<QuickRepliesTable>): QuickReply {
  return { id: r.id, title: r.title, text: r.text, language: r.language, createdAt: r.created_at, updatedAt: r.updated_at };
}

export class QuickRepliesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(q: QuickReply): Promise<QuickReply> {
    const r = await this.db
      .insertInto('quick_replies')
      .values({ id: q.id, title: q.title, text: q.text, language: q.language, created_at: q.createdAt, updated_at: q.updatedAt })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toQuickReply(r);
  }

  async get(id: string): Promise<QuickReply | undefined> {
    const r = await this.db.selectFrom('quick_replies').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toQuickReply(r);
  }

  /**
   * With a language: that language's replies, its primary language's ('en' for 'en-US') and those
   * for any language ('').
   */
  async list(f: { language?: string } = {}): Promise<QuickReply[]> {
    let q = this.db.selectFrom('quick_replies').selectAll();
    if (f.language) q = q.where('language', 'in', [...new Set([f.language, f.language.split('-')[0]!, ''])]);
    return (await q.orderBy('title').orderBy('id').execute()).map(toQuickReply);
  }

  async update(id: string, p: Partial<Pick<QuickReply, 'title' | 'text' | 'language'>>, at: number): Promise<QuickReply | undefined> {
    const r = await this.db
      .updateTable('quick_replies')
      .set({
        updated_at: at,
        ...(p.title !== undefined ? { title: p.title } : {}),
        ...(p.text !== undefined ? { text: p.text } : {}),
        ...(p.language !== undefined ? { language: p.language } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toQuickReply(r);
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('quick_replies').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
}
