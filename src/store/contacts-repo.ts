import { sql, type Kysely, type Selectable } from 'kysely';
import { newId } from '../lib/ids.js';
import type { ContactsTable, Database } from './schema.js';

export interface Contact {
  id: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  fields: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

function toContact(r: Selectable<ContactsTable>): Contact {
  return {
    id: r.id,
    displayName: r.display_name,
    email: r.email,
    phone: r.phone,
    fields: JSON.parse(r.fields) as Record<string, unknown>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class ContactsRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async create(c: { displayName: string; email?: string | null; phone?: string | null; fields?: Record<string, unknown> }, at: number): Promise<Contact> {
    const row = await this.db
      .insertInto('contacts')
      .values({
        id: newId('ct'),
        display_name: c.displayName,
        email: c.email ?? null,
        phone: c.phone ?? null,
        fields: JSON.stringify(c.fields ?? {}),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toContact(row);
  }

  async get(id: string): Promise<Contact | undefined> {
    const r = await this.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toContact(r);
  }

  async update(id: string, p: { displayName?: string; email?: string | null; phone?: string | null; fields?: Record<string, unknown> }, at: number): Promise<Contact | undefined> {
    const r = await this.db
      .updateTable('contacts')
      .set({
        updated_at: at,
        ...(p.displayName !== undefined ? { display_name: p.displayName } : {}),
        ...(p.email !== undefined ? { email: p.email } : {}),
        ...(p.phone !== undefined ? { phone: p.phone } : {}),
        ...(p.fields !== undefined ? { fields: JSON.stringify(p.fields) } : {}),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    return r && toContact(r);
  }

  /** Case-insensitive search on name, email and phone. */
  async search(q: string | undefined, limit = 50): Promise<Contact[]> {
    let query = this.db.selectFrom('contacts').selectAll();
    if (q) {
      const like = `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(display_name)`, 'like', sql`${like} escape '\\'`),
          eb(sql`lower(coalesce(email, ''))`, 'like', sql`${like} escape '\\'`),
          eb(sql`coalesce(phone, '')`, 'like', sql`${like} escape '\\'`),
        ]),
      );
    }
    const rows = await query.orderBy('display_name').limit(limit).execute();
    return rows.map(toContact);
  }

  async identitiesOf(contactId: string) {
    return this.db.selectFrom('identities').selectAll().where('contact_id', '=', contactId).execute();
  }
}
