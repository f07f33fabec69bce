/**
 * Counts read straight from a store while a hub runs on it (a bench check, from outside the hub):
 * SQLite through a read-only connection (WAL lets it read beside the hub), PostgreSQL through a client.
 */
import Sqlite from 'better-sqlite3';
import pg from 'pg';

const CUSTOMER_MESSAGES = "select count(*) as n from messages where direction = 'in' and sender_type = 'customer'";

export async function countCustomerMessages(databaseUrl: string): Promise<number> {
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new Sqlite(databaseUrl.slice('sqlite:'.length), { readonly: true, fileMustExist: true });
    try {
      return Number((db.prepare(CUSTOMER_MESSAGES).get() as { n: number }).n);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>(CUSTOMER_MESSAGES);
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
