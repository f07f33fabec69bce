/**
 * Post-conversation survey responses: one per conversation (the unique key makes sending twice
 * impossible), answered once (every answer is a compare-and-set on state 'sent').
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ResponseCount } from '../domain/survey.js';
import type { Database, SurveyResponsesTable } from './schema.js';

export interface SurveyResponse {
  id: string;
  /** An anonymous response keeps only a keyed digest here (`anon:…`), not the conversation id. */
  conversationKey: string;
  channelInstanceId: string;
  agentId: string | null;
  contactId: string | null;
  state: SurveyResponsesTable['state'];
  rating: number | null;
  comment: string | null;
  anonymous: boolean;
  /** Link surveys have a token; inline ones are answered in the chat. */
  mode: 'link' | 'inline';
  sentAt: number;
  answeredAt: number | null;
}

function toResponse(r: Selectable<SurveyResponsesTable>): SurveyResponse {
  return {
    id: r.id,
    conversationKey: r.conversation_id,
    channelInstanceId: r.channel_instance_id,
    agentId: r.agent_id,
    contactId: r.contact_id,
    state: r.state,
    rating: r.rating === null ? null : Number(r.rating),
    comment: r.comment,
    anonymous: Number(r.anonymous) === 1,
    mode: r.token_hash ? 'link' : 'inline',
    sentAt: Number(r.sent_at),
    answeredAt: r.answered_at === null ? null : Number(r.answered_at),
  };
}

export interface SurveyFilter {
  from?: number;
  to?: number;
  channelInstanceId?: string;
  agentId?: string;
  state?: SurveyResponsesTable['state'];
}

export class SurveysRepo {
  constructor(private readonly db: Kysely<Database>) {}

  /** False when the conversation already has its survey. */
  async insert(r: {
    id: string;
    conversationKey: string;
    channelInstanceId: string;
    agentId: string | null;
    contactId: string | null;
    anonymous: boolean;
    tokenHash: string | null;
    sentAt: number;
  }): Promise<boolean> {
    const res = await this.db
      .insertInto('survey_responses')
      .values({
        id: r.id,
        conversation_id: r.conversationKey,
        channel_instance_id: r.channelInstanceId,
        agent_id: r.agentId,
        contact_id: r.contactId,
        state: 'sent',
        rating: null,
        comment: null,
        anonymous: r.anonymous ? 1 : 0,
        token_hash: r.tokenHash,
        sent_at: r.sentAt,
        answered_at: null,
      })
      .onConflict((oc) => oc.column('conversation_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    return res !== undefined;
  }

  async markSkipped(id: string): Promise<void> {
    await this.db.updateTable('survey_responses').set({ state: 'skipped' }).where('id', '=', id).where('state', '=', 'sent').execute();
  }

  async byTokenHash(hash: string): Promise<SurveyResponse | undefined> {
    const r = await this.db.selectFrom('survey_responses').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    return r && toResponse(r);
  }

  /** The survey of a conversation, by any of its keys (plain or anonymous). */
  async byConversationKeys(keys: readonly string[]): Promise<SurveyResponse | undefined> {
    const r = await this.db.selectFrom('survey_responses').selectAll().where('conversation_id', 'in', [...keys]).executeTakeFirst();
    return r && toResponse(r);
  }

  /** Records the answer if the survey still waits for one (sent at or after `sentSince`); false otherwise. */
  async answer(id: string, a: { rating: number; comment: string | null; at: number; sentSince: number }): Promise<boolean> {
    const r = await this.db
      .updateTable('survey_responses')
      .set({ state: 'answered', rating: a.rating, comment: a.comment, answered_at: a.at })
      .where('id', '=', id)
      .where('state', '=', 'sent')
      .where('sent_at', '>=', a.sentSince)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  private filtered(f: SurveyFilter) {
    let q = this.db.selectFrom('survey_responses');
    if (f.from !== undefined) q = q.where('sent_at', '>=', f.from);
    if (f.to !== undefined) q = q.where('sent_at', '<', f.to);
    if (f.channelInstanceId !== undefined) q = q.where('channel_instance_id', '=', f.channelInstanceId);
    if (f.agentId !== undefined) q = q.where('agent_id', '=', f.agentId);
    if (f.state !== undefined) q = q.where('state', '=', f.state);
    return q;
  }

  async counts(f: SurveyFilter): Promise<ResponseCount[]> {
    const rows = await this.filtered(f)
      .select(['agent_id', 'state', 'rating', sql<number>`count(*)`.as('n')])
      .groupBy(['agent_id', 'state', 'rating'])
      .execute();
    return rows.map((r) => ({ agentId: r.agent_id, state: r.state, rating: r.rating === null ? null : Number(r.rating), n: Number(r.n) }));
  }

  /** Newest first; `before` pages by the time sent. */
  async list(f: SurveyFilter & { before?: number; limit: number }): Promise<SurveyResponse[]> {
    let q = this.filtered(f).selectAll();
    if (f.before !== undefined) q = q.where('sent_at', '<', f.before);
    const rows = await q.orderBy('sent_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map(toResponse);
  }
}
