/**
 * Post-conversation surveys. When a conversation closes on a channel instance whose
 * `settings.survey.enabled` is on (see domain/survey.ts for the settings), the customer gets either
 * a link to the hub's survey page (`/survey/<token>`: a 1–5 rating and a comment, valid 7 days) or
 * an inline question answered in the chat with a number from 1 to 5 (within 24 hours; the answer
 * opens no new conversation — see the ingest interceptor). Each conversation gets one survey, and
 * each survey takes one answer.
 *
 * Anonymous surveys keep no agent or contact, and instead of the conversation id they keep a keyed
 * digest of it (HMAC with the hub's secret key): enough to find the survey when the customer
 * answers in the chat, not enough for someone reading the table to join it back to a conversation.
 * The channel instance and the times are kept (reports filter on them).
 */
import {
  INLINE_ANSWER_MS,
  LINK_VALID_MS,
  MAX_COMMENT_LENGTH,
  hashSurveyToken,
  isSurveyTokenShaped,
  newSurveyToken,
  parseFormRating,
  parseInlineRating,
  readSurveySettings,
  surveyReport,
  surveyTexts,
  type SurveyReport,
  type SurveyTexts,
} from '../domain/survey.js';
import type { MessageContent } from '../domain/message.js';
import type { Clock } from '../lib/clock.js';
import { newId } from '../lib/ids.js';
import type { Logger } from '../lib/logger.js';
import { ConversationsRepo } from '../store/conversations-repo.js';
import type { Store } from '../store/db.js';
import { SurveysRepo, type SurveyFilter, type SurveyResponse } from '../store/surveys-repo.js';
import type { ConversationsService } from './conversations-service.js';
import type { MessageInterceptor } from './ingest.js';
import type { LifecycleEvent } from './lifecycle.js';

export interface SurveyDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Survey links start with it. */
  publicUrl: string;
  conversations: Pick<ConversationsService, 'sendAutomated'>;
  channelInstance: (id: string) => Promise<{ id: string; language: string; settings: Record<string, unknown> } | undefined>;
  agentName: (userId: string) => Promise<string | undefined>;
  /** Keyed digests for anonymous responses (the hub's Sealer). */
  signer: { sign(message: string): string };
}

/** What the survey page shows for a token. */
export type SurveyPageState =
  | { state: 'open'; language: string; texts: SurveyTexts; question: string }
  | { state: 'answered' | 'expired' | 'not_found'; language: string; texts: SurveyTexts };

export type SurveySubmitResult = SurveyPageState | { state: 'thanks'; language: string; texts: SurveyTexts } | { state: 'invalid'; language: string; texts: SurveyTexts; question: string };

export interface SurveyResponseView {
  id: string;
  /** null for anonymous responses. */
  conversationId: string | null;
  channelInstanceId: string;
  agentId: string | null;
  agentName: string | null;
  contactId: string | null;
  state: SurveyResponse['state'];
  mode: SurveyResponse['mode'];
  rating: number | null;
  comment: string | null;
  anonymous: boolean;
  sentAt: number;
  answeredAt: number | null;
}

export type SurveyReportView = SurveyReport & { byAgent: Array<SurveyReport['byAgent'][number] & { agentName: string | null }> };

export class SurveyService {
  private readonly repo: SurveysRepo;
  private readonly convs: ConversationsRepo;

  constructor(private readonly d: SurveyDeps) {
    this.repo = new SurveysRepo(d.store.db);
    this.convs = new ConversationsRepo(d.store.db);
  }

  private anonymousKey(conversationId: string): string {
    return `anon:${this.d.signer.sign(`survey-response:${conversationId}`)}`;
  }

  /** Reacts to lifecycle events (closed); never throws (failures are logged). */
  async handle(e: LifecycleEvent): Promise<void> {
    if (e.type !== 'closed') return;
    try {
      await this.onClosed(e.conversationId, e.reason);
    } catch (err) {
      this.d.log.error({ err, conversationId: e.conversationId }, 'sending the survey failed');
    }
  }

  /** Sends the survey if the instance asks for one; returns what happened. */
  async onClosed(conversationId: string, reason: string): Promise<'sent' | 'skipped' | 'off' | 'exists'> {
    const conv = await this.convs.getConversation(conversationId);
    if (!conv) return 'off';
    // Overflow closed it before anyone served the customer: nothing to rate.
    if (reason === 'overflow' && !conv.agentId) return 'off';
    const instance = await this.d.channelInstance(conv.channelInstanceId);
    const { settings, error } = readSurveySettings(instance?.settings);
    if (error) this.d.log.warn({ channelInstanceId: conv.channelInstanceId, error }, 'survey settings are invalid; no survey sent');
    if (!instance || !settings.enabled) return 'off';
    const link = settings.mode === 'link' ? newSurveyToken() : undefined;
    const id = newId('srv');
    const created = await this.repo.insert({
      id,
      conversationKey: settings.anonymous ? this.anonymousKey(conv.id) : conv.id,
      channelInstanceId: conv.channelInstanceId,
      agentId: settings.anonymous ? null : conv.agentId,
      contactId: settings.anonymous ? null : conv.contactId,
      anonymous: settings.anonymous,
      tokenHash: link?.hash ?? null,
      sentAt: this.d.clock.now(),
    });
    if (!created) return 'exists';
    const { texts } = surveyTexts(instance.language);
    const text = link ? `${settings.question ?? texts.linkIntro} ${this.d.publicUrl}/survey/${link.token}` : (settings.question ?? texts.inline);
    const result = await this.d.conversations.sendAutomated(conv.id, { kind: 'text', text }, { senderType: 'system', purpose: 'post-conversation survey' });
    if ('sent' in result) return 'sent';
    await this.repo.markSkipped(id);
    return 'skipped';
  }

  // ── inline answers ────────────────────────────────────────────────────────────────────────

  /** The ingest interceptor: a bare 1–5 after an inline survey is its answer. */
  readonly intercept: MessageInterceptor = async (m) => {
    if (m.content.kind !== 'text') return false;
    const rating = parseInlineRating(m.content.text);
    if (rating === undefined) return false;
    const last = await new ConversationsRepo(m.trx).lastClosedConversationOf(m.identityId);
    if (!last) return false;
    const repo = new SurveysRepo(m.trx);
    const survey = await repo.byConversationKeys([last.id, this.anonymousKey(last.id)]);
    if (!survey || survey.mode !== 'inline' || survey.state !== 'sent') return false;
    if (!(await repo.answer(survey.id, { rating, comment: null, at: m.at, sentSince: m.at - INLINE_ANSWER_MS }))) return false;
    m.afterCommit(() => void this.thank(last.id, last.channelInstanceId));
    return true;
  };

  private async thank(conversationId: string, channelInstanceId: string): Promise<void> {
    try {
      const instance = await this.d.channelInstance(channelInstanceId);
      const content: MessageContent = { kind: 'text', text: surveyTexts(instance?.language ?? 'en').texts.thanks };
      await this.d.conversations.sendAutomated(conversationId, content, { senderType: 'system', purpose: 'survey thank-you' });
    } catch (err) {
      this.d.log.warn({ err, conversationId }, 'survey thank-you not sent');
    }
  }

  // ── the survey page ───────────────────────────────────────────────────────────────────────

  private async lookup(token: string): Promise<{ survey?: SurveyResponse; language: string; texts: SurveyTexts; question: string }> {
    const survey = isSurveyTokenShaped(token) ? await this.repo.byTokenHash(hashSurveyToken(token)) : undefined;
    const instance = survey && (await this.d.channelInstance(survey.channelInstanceId));
    const { language, texts } = surveyTexts(instance?.language ?? 'en');
    const question = readSurveySettings(instance?.settings).settings.question ?? texts.question;
    return { ...(survey ? { survey } : {}), language, texts, question };
  }

  private stateOf(s: SurveyResponse | undefined): 'open' | 'answered' | 'expired' | 'not_found' {
    if (!s || s.state === 'skipped') return 'not_found';
    if (s.state === 'answered') return 'answered';
    return s.sentAt + LINK_VALID_MS < this.d.clock.now() ? 'expired' : 'open';
  }

  async page(token: string): Promise<SurveyPageState> {
    const { survey, language, texts, question } = await this.lookup(token);
    const state = this.stateOf(survey);
    return state === 'open' ? { state, language, texts, question } : { state, language, texts };
  }

  /** Stores the page's answer once; a second answer finds the survey answered. */
  async submit(token: string, form: Record<string, unknown>): Promise<SurveySubmitResult> {
    const { survey, language, texts, question } = await this.lookup(token);
    const state = this.stateOf(survey);
    if (state !== 'open' || !survey) return { state: state === 'open' ? 'not_found' : state, language, texts };
    const rating = parseFormRating(form.rating);
    if (rating === undefined) return { state: 'invalid', language, texts, question };
    const comment = typeof form.comment === 'string' ? form.comment.trim().slice(0, MAX_COMMENT_LENGTH) || null : null;
    const now = this.d.clock.now();
    if (await this.repo.answer(survey.id, { rating, comment, at: now, sentSince: now - LINK_VALID_MS })) return { state: 'thanks', language, texts };
    const again = this.stateOf(await this.repo.byTokenHash(hashSurveyToken(token)));
    return { state: again === 'open' ? 'answered' : again, language, texts };
  }

  // ── reports ───────────────────────────────────────────────────────────────────────────────

  async report(f: SurveyFilter): Promise<SurveyReportView> {
    const report = surveyReport(await this.repo.counts(f));
    const byAgent = await Promise.all(report.byAgent.map(async (a) => ({ ...a, agentName: (await this.d.agentName(a.agentId)) ?? null })));
    return { ...report, byAgent };
  }

  async list(f: SurveyFilter & { before?: number; limit?: number }): Promise<SurveyResponseView[]> {
    const rows = await this.repo.list({ ...f, limit: Math.min(Math.max(f.limit ?? 100, 1), 500) });
    const names = new Map<string, string | null>();
    for (const id of new Set(rows.map((r) => r.agentId).filter((a): a is string => a !== null))) names.set(id, (await this.d.agentName(id)) ?? null);
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.anonymous ? null : r.conversationKey,
      channelInstanceId: r.channelInstanceId,
      agentId: r.anonymous ? null : r.agentId,
      agentName: r.anonymous || !r.agentId ? null : (names.get(r.agentId) ?? null),
      contactId: r.anonymous ? null : r.contactId,
      state: r.state,
      mode: r.mode,
      rating: r.rating,
      comment: r.comment,
      anonymous: r.anonymous,
      sentAt: r.sentAt,
      answeredAt: r.answeredAt,
    }));
  }
}
