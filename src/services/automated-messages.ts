/**
 * Automated messages: the hub tells the customer what happens to their conversation — greeting,
 * agent assigned, no agent available, agent ended, place in the queue, next in line, out of
 * operating hours, holiday, transfer accepted, session ended. The text is resolved and rendered by
 * `domain/automated-messages.ts`; everything goes out through `sendAutomated`, which honours the
 * channel's messaging window (template fallback, or a recorded skip).
 *
 * Queue positions: when an item leaves a queue (assigned, transferred, closed) the positions of the
 * queue's waiting items are recomputed and a customer is told only when theirs changed, at most
 * once a minute (a later change inside the minute is sent when the minute is up). What each
 * customer was last told is stored (queue_notices) and claimed with a compare-and-set, so several
 * hub processes never send the same update twice.
 */
import { z } from 'zod';
import {
  TRIGGERS,
  onPositionRecomputed,
  onQueued,
  queuePositions,
  renderSlugs,
  resolveAutomatedMessage,
  slugsOf,
  templateVariables,
  type AutomatedMessage,
  type SlugValues,
  type Trigger,
} from '../domain/automated-messages.js';
import { BUILT_IN_MESSAGES } from '../domain/automated-message-defaults.js';
import { isOpen } from '../domain/routing/index.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { AutomatedMessagesRepo } from '../store/automated-messages-repo.js';
import { ConversationsRepo, type Conversation } from '../store/conversations-repo.js';
import type { Store } from '../store/db.js';
import type { ConversationsService } from './conversations-service.js';
import type { LifecycleEvent } from './lifecycle.js';
import { languageTag } from './routing-config-service.js';
import { readQueueRouting } from './routing-settings.js';

export interface AutomatedMessagesDeps {
  store: Store;
  repo: AutomatedMessagesRepo;
  clock: Clock;
  log: Logger;
  conversations: Pick<ConversationsService, 'sendAutomated'>;
  accountKind: (accountId: string) => Promise<string | undefined>;
  channelInstance: (id: string) => Promise<{ id: string; accountId: string; language: string; settings: Record<string, unknown> } | undefined>;
  agentName: (userId: string) => Promise<string | undefined>;
  template: (id: string) => Promise<{ id: string; accountId: string } | undefined>;
  channelKinds: () => string[];
  /** Announces next_in_line on the lifecycle (this service sends its message when it hears it). */
  emit: (e: LifecycleEvent) => void;
  /**
   * Whether the built-in texts are sent where an admin configured no message (default true). A
   * channel instance overrides it with `settings.automatedMessages.builtInDefaults`.
   */
  builtInDefaults?: boolean;
  /** How long a greeting waits for a customer's profile (their name) on channels that fetch it; 2 s. */
  profileWaitMs?: number;
}

export const automatedMessageInput = z.object({
  trigger: z.enum(TRIGGERS),
  channel: z.string().trim().min(1).max(64).describe('Channel kind: line, twilio-whatsapp, gbm, webchat'),
  language: languageTag,
  channelInstanceId: z.string().max(100).default('').describe("'' (default) for the channel-wide message"),
  text: z.string().trim().min(1).max(2000).describe('Plain text with slugs {AgentName} {QueueName} {Position} {HolidayName} {$context.path$}'),
  templateId: z.string().min(1).nullable().default(null).describe("Sent instead outside the channel's messaging window; its {{1}}, {{2}}… get the slug values in order"),
  enabled: z.boolean().default(true),
});
export type AutomatedMessageInput = z.input<typeof automatedMessageInput>;

export interface AutomatedMessageView {
  id: string | null;
  trigger: string;
  /** '*' for a built-in default (any channel). */
  channel: string;
  language: string;
  channelInstanceId: string;
  text: string;
  templateId: string | null;
  enabled: boolean;
  builtIn: boolean;
  createdAt: number | null;
  updatedAt: number | null;
}

/** `settings.automatedMessages` of a channel instance; anything else there is ignored. */
const instanceSettings = z.object({ builtInDefaults: z.boolean().optional() });

const view = (m: AutomatedMessage): AutomatedMessageView => ({ ...m, builtIn: false });

interface Extras {
  agentId?: string | null;
  queueId?: string | null;
  position?: number;
  holiday?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class AutomatedMessagesService {
  private readonly convs: ConversationsRepo;
  /** Per queue: work on its positions runs one at a time in this process. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Per conversation: its events are handled one after another, so its messages keep their order. */
  private readonly conversationChains = new Map<string, Promise<void>>();
  private readonly pendingRecompute = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private stopped = false;

  constructor(private readonly d: AutomatedMessagesDeps) {
    this.convs = new ConversationsRepo(d.store.db);
  }

  // ── admin ─────────────────────────────────────────────────────────────────────────────────

  /** Configured messages, then the built-in defaults (flagged `builtIn`, channel '*'). */
  async list(f: { trigger?: string; channel?: string; channelInstanceId?: string; language?: string } = {}): Promise<AutomatedMessageView[]> {
    const configured = (await this.d.repo.list(f)).map(view);
    if (f.channelInstanceId) return configured;
    const defaults: AutomatedMessageView[] = [];
    for (const [language, texts] of Object.entries(BUILT_IN_MESSAGES)) {
      if (f.language !== undefined && f.language.toLowerCase() !== language) continue;
      for (const trigger of TRIGGERS) {
        if (f.trigger !== undefined && f.trigger !== trigger) continue;
        defaults.push({ id: null, trigger, channel: '*', language, channelInstanceId: '', text: texts[trigger], templateId: null, enabled: true, builtIn: true, createdAt: null, updatedAt: null });
      }
    }
    return [...configured, ...defaults];
  }

  async upsert(input: AutomatedMessageInput): Promise<{ message: AutomatedMessageView; created: boolean }> {
    const r = automatedMessageInput.safeParse(input);
    if (!r.success) {
      throw new AppError('bad_request', r.error.issues.map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`).join('; '));
    }
    const m = r.data;
    if (!this.d.channelKinds().includes(m.channel)) throw new AppError('bad_request', `channel: no channel kind ${m.channel} (${this.d.channelKinds().join(', ')})`);
    let instanceAccount: string | undefined;
    if (m.channelInstanceId) {
      const instance = await this.d.channelInstance(m.channelInstanceId);
      if (!instance) throw new AppError('bad_request', `channelInstanceId: no channel instance ${m.channelInstanceId}`);
      if ((await this.d.accountKind(instance.accountId)) !== m.channel) {
        throw new AppError('bad_request', `channelInstanceId: channel instance ${m.channelInstanceId} is not a ${m.channel} instance`);
      }
      instanceAccount = instance.accountId;
    }
    if (m.templateId) {
      const t = await this.d.template(m.templateId);
      if (!t) throw new AppError('bad_request', `templateId: no template ${m.templateId}`);
      // Templates belong to one messaging account: an instance's message must use its account's.
      const ok = instanceAccount ? t.accountId === instanceAccount : (await this.d.accountKind(t.accountId)) === m.channel;
      if (!ok) throw new AppError('bad_request', `templateId: template ${m.templateId} belongs to another messaging account`);
    }
    const saved = await this.d.repo.upsert(m, this.d.clock.now());
    return { message: view(saved.message), created: saved.created };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.d.repo.delete(id))) throw new AppError('not_found', `No automated message ${id}`);
  }

  // ── lifecycle ─────────────────────────────────────────────────────────────────────────────

  /**
   * Reacts to one lifecycle event; never throws (failures are logged). A conversation's events are
   * handled in the order they happened: a greeting that waits for the customer's name still goes
   * out before "agent joined", which was emitted after it.
   */
  handle(e: LifecycleEvent): Promise<void> {
    const id = e.conversationId;
    const next = (this.conversationChains.get(id) ?? Promise.resolve()).then(async () => {
      try {
        await this.react(e);
      } catch (err) {
        this.d.log.error({ err, event: e.type, conversationId: id }, 'automated message failed');
      }
    });
    this.conversationChains.set(id, next);
    void next.finally(() => {
      if (this.conversationChains.get(id) === next) this.conversationChains.delete(id);
    });
    return next;
  }

  private async react(e: LifecycleEvent): Promise<void> {
    switch (e.type) {
      case 'conversation_opened':
        return void (await this.send(e.conversationId, 'greeting'));
      case 'queued':
        return this.queued(e.conversationId, e.queueId, e.position);
      case 'next_in_line':
        return void (await this.send(e.conversationId, 'next_in_line', { queueId: e.queueId, position: 1 }));
      case 'out_of_hours':
        return void (await this.send(e.conversationId, e.holiday ? 'holiday' : 'out_of_hours', { queueId: e.queueId, ...(e.holiday ? { holiday: e.holiday } : {}) }));
      case 'agent_assigned':
        await this.send(e.conversationId, 'agent_assigned', { agentId: e.agentId });
        return this.left(e.conversationId);
      case 'assignment_failed':
        return void (await this.send(e.conversationId, 'assignment_failed'));
      case 'agent_ended':
        return void (await this.send(e.conversationId, 'agent_ended', { agentId: e.agentId }));
      case 'transferred':
        await this.send(e.conversationId, 'transfer_accepted', { ...(e.toAgentId ? { agentId: e.toAgentId } : {}), ...(e.toQueueId ? { queueId: e.toQueueId } : {}) });
        return this.left(e.conversationId, e.toQueueId);
      case 'closed':
        await this.send(e.conversationId, 'session_ended');
        return this.left(e.conversationId);
      default:
        return;
    }
  }

  /**
   * Resolves, renders and sends one trigger's message. Returns what happened: 'sent', 'skipped'
   * (outside the window without a usable template — recorded in the conversation), 'disabled',
   * or 'empty' (everything in the text rendered empty).
   */
  async send(conversationId: string, trigger: Trigger, x: Extras = {}): Promise<'sent' | 'skipped' | 'disabled' | 'empty' | 'gone' | 'stale'> {
    const conv = await this.convs.getConversation(conversationId);
    if (!conv) return 'gone';
    const [channel, instance] = await Promise.all([this.d.accountKind(conv.accountId), this.d.channelInstance(conv.channelInstanceId)]);
    if (!channel) return 'gone';
    const rows = await this.d.repo.candidates(trigger, channel, conv.channelInstanceId);
    const resolved = resolveAutomatedMessage(rows, { trigger, channel, channelInstanceId: conv.channelInstanceId, language: instance?.language ?? 'en' });
    if (!resolved.enabled) return 'disabled';
    if (resolved.source === 'default' && !this.builtInDefaultsFor(instance?.settings)) return 'disabled';
    const rendered = renderSlugs(resolved.text, await this.slugValues(conv, resolved.text, trigger, x));
    if (!rendered.text) return 'empty';
    // "An agent will be with you shortly" after an agent has written would be wrong; the greeting
    // may have waited for the customer's name while an agent picked the conversation and replied.
    if (trigger === 'greeting' && (await this.convs.hasAgentMessage(conv.id))) return 'stale';
    const result = await this.d.conversations.sendAutomated(
      conv.id,
      { kind: 'text', text: rendered.text },
      {
        senderType: 'system',
        purpose: `automated message ${trigger}`,
        ...(resolved.templateId ? { fallbackTemplate: { templateId: resolved.templateId, variables: templateVariables(rendered.values) } } : {}),
      },
    );
    return 'sent' in result ? 'sent' : 'skipped';
  }

  private builtInDefaultsFor(settings: Record<string, unknown> | undefined): boolean {
    const r = instanceSettings.safeParse(settings?.automatedMessages ?? {});
    return (r.success ? r.data.builtInDefaults : undefined) ?? this.d.builtInDefaults ?? true;
  }

  /** Only the values the text uses are looked up. */
  private async slugValues(conv: Conversation, text: string, trigger: Trigger, x: Extras): Promise<SlugValues> {
    const used = new Set(slugsOf(text).map((s) => (s.startsWith('$') ? s : s.toLowerCase())));
    const v: SlugValues = { context: conv.context };
    const agentId = x.agentId ?? conv.agentId;
    if (used.has('agentname') && agentId) v.AgentName = (await this.d.agentName(agentId)) ?? null;
    const queueId = x.queueId ?? conv.queueId;
    if (used.has('queuename') && queueId) v.QueueName = (await this.d.repo.queueInfo(queueId))?.name ?? null;
    if (x.position !== undefined) v.Position = x.position;
    if (x.holiday !== undefined) v.HolidayName = x.holiday;
    if (used.has('$customerName$')) {
      v.context = { ...conv.context, customerName: await this.customerName(conv, trigger === 'greeting') };
    }
    return v;
  }

  /**
   * The name the conversation opened with, else the identity's profile name. A greeting comes
   * right after the first message, when a channel that fetches profiles (LINE) may not have it
   * yet: it waits briefly for the profile.
   */
  private async customerName(conv: Conversation, wait: boolean): Promise<string | null> {
    const known = conv.context.customerName;
    if (typeof known === 'string' && known.trim()) return known;
    const deadline = Date.now() + (wait ? (this.d.profileWaitMs ?? 2000) : 0);
    for (;;) {
      const identity = await this.convs.getIdentity(conv.identityId);
      if (identity?.displayName) return identity.displayName;
      if (!identity || identity.profileFetchedAt !== null || Date.now() >= deadline || this.stopped) return null;
      await sleep(100);
    }
  }

  // ── queue positions ───────────────────────────────────────────────────────────────────────

  /** Runs `fn` after the queue's earlier work in this process. */
  private serial(queueId: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(queueId) ?? Promise.resolve()).then(fn).catch((err: unknown) => {
      this.d.log.error({ err, queueId }, 'queue position update failed');
    });
    this.chains.set(queueId, next);
    void next.finally(() => {
      if (this.chains.get(queueId) === next) this.chains.delete(queueId);
    });
    return next;
  }

  private async queued(conversationId: string, queueId: string, position: number): Promise<void> {
    await this.serial(queueId, async () => {
      const now = this.d.clock.now();
      const hours = readQueueRouting((await this.d.repo.queueInfo(queueId))?.settings).operatingHours;
      // Closed: the out-of-hours message says it; a place in a closed queue means little.
      const decision = onQueued(position, hours ? !isOpen(hours, now).open : false);
      if (decision.kind !== 'send') return this.d.repo.putNotice(conversationId, queueId, position);
      await this.d.repo.putNotice(conversationId, queueId, position, now);
      await this.send(conversationId, decision.trigger, { queueId, position });
    });
  }

  /** The item left its queue (or moved to `toQueueId`): the others' places may have changed. */
  private async left(conversationId: string, toQueueId?: string): Promise<void> {
    const [notice, conv] = await Promise.all([this.d.repo.notice(conversationId), this.convs.getConversation(conversationId)]);
    const from = notice?.queueId ?? conv?.queueId ?? undefined;
    const stillWaiting = toQueueId !== undefined && conv?.state === 'open';
    // After the queue's earlier work, so a `queued` being handled cannot put the notice back.
    if (!stillWaiting) await this.serial(from ?? '', () => this.d.repo.deleteNotice(conversationId));
    const queues = new Set([from, conv?.state === 'open' ? toQueueId : undefined].filter((q): q is string => q !== undefined));
    await Promise.all([...queues].map((q) => this.recompute(q)));
  }

  /** Coalesced: one recompute waiting per queue is enough, it reads the state when it runs. */
  recompute(queueId: string): Promise<void> {
    if (this.pendingRecompute.has(queueId)) return this.chains.get(queueId) ?? Promise.resolve();
    this.pendingRecompute.add(queueId);
    return this.serial(queueId, async () => {
      this.pendingRecompute.delete(queueId);
      await this.recomputeNow(queueId);
    });
  }

  private async recomputeNow(queueId: string): Promise<void> {
    if (this.stopped) return;
    const now = this.d.clock.now();
    const items = await this.d.repo.waitingItems(queueId);
    const positions = queuePositions(items);
    const notices = await this.d.repo.notices(items.map((i) => i.id));
    let due: number | undefined;
    for (const item of items) {
      const position = positions.get(item.id)!;
      const told = notices.get(item.id);
      if (told && told.queueId !== queueId) {
        // Moved here from another queue: its new place is recorded, not announced.
        await this.d.repo.putNotice(item.id, queueId, position);
        continue;
      }
      const decision = onPositionRecomputed(told, position, now);
      if (decision.kind === 'record') await this.d.repo.recordNotice(item.id, queueId, position);
      else if (decision.kind === 'defer') due = Math.min(due ?? decision.at, decision.at);
      else if (decision.kind === 'send' && told && (await this.d.repo.claimNotice(item.id, told, { position, notifiedAt: now }))) {
        if (decision.trigger === 'next_in_line') this.d.emit({ type: 'next_in_line', conversationId: item.id, queueId });
        else await this.send(item.id, 'queue_position', { queueId, position });
      }
    }
    if (due !== undefined) this.recomputeAt(queueId, due);
  }

  /** A change held back by the once-a-minute limit is sent when the minute is up. */
  private recomputeAt(queueId: string, at: number): void {
    const existing = this.timers.get(queueId);
    if (this.stopped || (existing && existing.at <= at)) return;
    if (existing) clearTimeout(existing.timer);
    const timer = setTimeout(() => {
      this.timers.delete(queueId);
      void this.recompute(queueId);
    }, Math.max(0, at - this.d.clock.now()) + 50);
    timer.unref();
    this.timers.set(queueId, { at, timer });
  }

  /** Waits for the position work under way (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.chains.size > 0 || this.conversationChains.size > 0) await Promise.all([...this.chains.values(), ...this.conversationChains.values()]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.settle();
  }
}
