/**
 * Automated messages as admins configure them, and what waiting customers were last told about
 * their queue position (queue_notices).
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { AutomatedMessage, PositionNotice } from '../domain/automated-messages.js';
import { newId } from '../lib/ids.js';
import type { AutomatedMessagesTable, Database } from './schema.js';

function toMessage(r: Selectable<AutomatedMessagesTable>): AutomatedMessage {
  return {
    id: r.id,
    trigger: r.trigger,
    channel: r.channel,
    language: r.language,
    channelInstanceId: r.channel_instance_id,
    text: r.text,
    templateId: r.template_id,
    enabled: Number(r.enabled) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export interface AutomatedMessageInput {
  trigger: string;
  channel: string;
  language: string;
  channelInstanceId: string;
  text: string;
  templateId: string | null;
  enabled: boolean;
}

export interface StoredNotice extends PositionNotice {
  conversationId: string;
  queueId: string;
}

export class AutomatedMessagesRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async list(f: { trigger?: string; channel?: string; channelInstanceId?: string; language?: string } = {}): Promise<AutomatedMessage[]> {
    let q = this.db.selectFrom('automated_messages').selectAll();
    if (f.trigger !== undefined) q = q.where('trigger', '=', f.trigger);
    if (f.channel !== undefined) q = q.where('channel', '=', f.channel);
    if (f.channelInstanceId !== undefined) q = q.where('channel_instance_id', '=', f.channelInstanceId);
    if (f.language !== undefined) q = q.where('language', '=', f.language);
    const rows = await q.orderBy('trigger').orderBy('channel').orderBy('channel_instance_id').orderBy('language').execute();
    return rows.map(toMessage);
  }

  /** The messages that may apply to one conversation: its channel's, wide or for its instance. */
  async candidates(trigger: string, channel: string, channelInstanceId: string): Promise<AutomatedMessage[]> {
    const rows = await this.db
      .selectFrom('automated_messages')
      .selectAll()
      .where('trigger', '=', trigger)
      .where('channel', '=', channel)
      .where('channel_instance_id', 'in', channelInstanceId ? ['', channelInstanceId] : [''])
      .execute();
    return rows.map(toMessage);
  }

  async get(id: string): Promise<AutomatedMessage | undefined> {
    const r = await this.db.selectFrom('automated_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return r && toMessage(r);
  }

  /** Insert, or replace the text/template/switch of the message with the same key (one statement, race-free). */
  async upsert(m: AutomatedMessageInput, at: number): Promise<{ message: AutomatedMessage; created: boolean }> {
    const id = newId('am');
    const row = await this.db
      .insertInto('automated_messages')
      .values({
        id,
        trigger: m.trigger,
        channel: m.channel,
        language: m.language,
        channel_instance_id: m.channelInstanceId,
        text: m.text,
        template_id: m.templateId,
        enabled: m.enabled ? 1 : 0,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.columns(['trigger', 'channel', 'language', 'channel_instance_id']).doUpdateSet({
          text: m.text,
          template_id: m.templateId,
          enabled: m.enabled ? 1 : 0,
          updated_at: at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return { message: toMessage(row), created: row.id === id };
  }

  async delete(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('automated_messages').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  // ── queues and positions ──────────────────────────────────────────────────────────────────

  async queueInfo(id: string): Promise<{ id: string; name: string; settings: unknown } | undefined> {
    const r = await this.db.selectFrom('queues').select(['id', 'name', 'settings']).where('id', '=', id).executeTakeFirst();
    return r && { id: r.id, name: r.name, settings: JSON.parse(r.settings) as unknown };
  }

  /** Open, routed items of a queue with the time their wait is ordered by (as the distribution orders them). */
  async waitingItems(queueId: string): Promise<Array<{ id: string; since: number }>> {
    const rows = await this.db
      .selectFrom('conversations')
      .select(['id', sql<number>`coalesce(last_customer_at, created_at)`.as('since')])
      .where('queue_id', '=', queueId)
      .where('state', '=', 'open')
      .where('routed_at', 'is not', null)
      .execute();
    return rows.map((r) => ({ id: r.id, since: Number(r.since) }));
  }

  async notice(conversationId: string): Promise<StoredNotice | undefined> {
    const r = await this.db.selectFrom('queue_notices').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
    return r && { conversationId: r.conversation_id, queueId: r.queue_id, position: Number(r.position), notifiedAt: Number(r.notified_at) };
  }

  async notices(conversationIds: readonly string[]): Promise<Map<string, StoredNotice>> {
    const out = new Map<string, StoredNotice>();
    if (conversationIds.length === 0) return out;
    const rows = await this.db.selectFrom('queue_notices').selectAll().where('conversation_id', 'in', [...conversationIds]).execute();
    for (const r of rows) {
      out.set(r.conversation_id, { conversationId: r.conversation_id, queueId: r.queue_id, position: Number(r.position), notifiedAt: Number(r.notified_at) });
    }
    return out;
  }

  /** Sets the customer's queue and position; `notifiedAt` undefined keeps the time they were last told. */
  async putNotice(conversationId: string, queueId: string, position: number, notifiedAt?: number): Promise<void> {
    await this.db
      .insertInto('queue_notices')
      .values({ conversation_id: conversationId, queue_id: queueId, position, notified_at: notifiedAt ?? 0 })
      .onConflict((oc) =>
        oc.column('conversation_id').doUpdateSet({ queue_id: queueId, position, ...(notifiedAt !== undefined ? { notified_at: notifiedAt } : {}) }),
      )
      .execute();
  }

  /** Records a position first seen, unless one is already known. */
  async recordNotice(conversationId: string, queueId: string, position: number): Promise<void> {
    await this.db
      .insertInto('queue_notices')
      .values({ conversation_id: conversationId, queue_id: queueId, position, notified_at: 0 })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .execute();
  }

  /** Compare-and-set: true only for the one caller that moved the notice from `from` to `to`. */
  async claimNotice(conversationId: string, from: PositionNotice, to: PositionNotice): Promise<boolean> {
    const r = await this.db
      .updateTable('queue_notices')
      .set({ position: to.position, notified_at: to.notifiedAt })
      .where('conversation_id', '=', conversationId)
      .where('position', '=', from.position)
      .where('notified_at', '=', from.notifiedAt)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteNotice(conversationId: string): Promise<void> {
    await this.db.deleteFrom('queue_notices').where('conversation_id', '=', conversationId).execute();
  }
}
