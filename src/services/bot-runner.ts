/**
 * Gives a workstream's bot the conversation first. Listens to the lifecycle: when the engine hands
 * a new conversation to a bot (`bot_engaged`) the bot gets `conversation.started` with the
 * transcript so far; each later customer message is a `message` turn; a customer asking for a
 * person (`live_agent_requested`) is escalated at once. The bot's actions are applied in order:
 * replies are sent as the bot (messaging windows honoured), variables are stored in the
 * conversation's context (routing rules see them), escalation hands the conversation to the
 * engine, `end` closes it.
 *
 * Fail safe: a bot that cannot be reached, answers nonsense, or no longer exists hands the
 * customer to a person, and the conversation records why. A customer is never left with a dead bot.
 *
 * Exactly once: how far the bot has read is kept in the conversation (`context.botSession.handledSeq`)
 * and each customer message is claimed in a row-locked transaction, so the first message (which
 * both opens the conversation and engages the bot) is seen once, and two hub processes never both
 * hand a message to the bot. Within a process, turns of one conversation run one after another.
 */
import { previewOf, type MessageContent } from '../domain/message.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import type { BotConversation, BotsRepo } from '../store/bots-repo.js';
import type { ConversationsRepo, Message } from '../store/conversations-repo.js';
import type { BotsService } from './bots-service.js';
import type { Bot, BotAction, BotOutcome, BotTurn, TranscriptEntry } from './bots/contract.js';
import type { ConversationsService } from './conversations-service.js';
import type { DistributionService } from './distribution.js';
import { summarize, type EventBus } from './event-bus.js';
import type { Lifecycle, LifecycleEvent } from './lifecycle.js';

export interface BotRunnerDeps {
  lifecycle: Lifecycle;
  bots: Pick<BotsService, 'runnable'>;
  repo: BotsRepo;
  conversationsRepo: ConversationsRepo;
  conversations: Pick<ConversationsService, 'sendAutomated' | 'closeBySystem'>;
  engine: Pick<DistributionService, 'handOverFromBot'>;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  /** How often to look for conversations a bot holds but was never given (a lost event, a restart); default 60 s. */
  sweepMs?: number;
}

/** Kept in `context.botSession` while a bot holds the conversation. */
interface BotSession {
  botId: string;
  /** The last message sequence number the bot has been given. */
  handledSeq: number;
  /** The bot's own memory between turns (the FAQ bot's counters). */
  memory: Record<string, unknown>;
}

const TRANSCRIPT_LIMIT = 200;
/** Context keys that are the hub's bookkeeping, not the bot's business. */
const PRIVATE_CONTEXT = ['botSession', 'routing'];

function sessionOf(c: BotConversation): BotSession | undefined {
  const s = c.context.botSession;
  if (!s || typeof s !== 'object') return undefined;
  const o = s as Partial<BotSession>;
  if (typeof o.botId !== 'string' || typeof o.handledSeq !== 'number') return undefined;
  return { botId: o.botId, handledSeq: o.handledSeq, memory: o.memory && typeof o.memory === 'object' ? o.memory : {} };
}

/** The bot holds it: open, a bot set, and no agent ever took it (a pick while the bot talks ends the bot's part). */
const withBot = (c: BotConversation, botId?: string) =>
  c.state === 'open' && c.botId !== null && c.assignedAt === null && (botId === undefined || c.botId === botId);

export class BotRunner {
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> = Promise.resolve();
  /** Per conversation: the tail of its chain of turns. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly d: BotRunnerDeps) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.d.lifecycle.on((e) => this.onEvent(e));
    this.sweep();
    this.timer = setInterval(() => this.sweep(), this.d.sweepMs ?? 60_000);
    this.timer.unref();
  }

  /** Stops listening and waits for the turns under way. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.timer) clearInterval(this.timer);
    await this.sweeping;
    await this.settle();
  }

  /**
   * Lifecycle events live in memory: a hub stopped between the engine engaging a bot and the bot
   * being told would leave the customer waiting. Such conversations are started here (the claim
   * makes a start already under way elsewhere a no-op).
   */
  sweep(): void {
    this.sweeping = this.d.repo
      .heldByBots()
      .then((held) => {
        for (const c of held) {
          if (c.botId && sessionOf(c)?.botId !== c.botId && !this.chains.has(c.id)) {
            const botId = c.botId;
            this.enqueue(c.id, () => this.started(c.id, botId));
          }
        }
      })
      .catch((err: unknown) => this.d.log.warn({ err }, 'looking for conversations waiting for their bot failed'));
  }

  /** Waits until every turn started so far is done (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private onEvent(e: LifecycleEvent): void {
    if (e.type === 'bot_engaged') this.enqueue(e.conversationId, () => this.started(e.conversationId, e.botId));
    else if (e.type === 'customer_message' && e.maybeBot !== false) this.enqueue(e.conversationId, () => this.message(e.conversationId, e.messageId));
    else if (e.type === 'live_agent_requested') this.enqueue(e.conversationId, () => this.liveAgentRequested(e.conversationId));
  }

  private enqueue(conversationId: string, work: () => Promise<void>): void {
    const prev = this.chains.get(conversationId) ?? Promise.resolve();
    const next = prev
      .then(work)
      .catch((err: unknown) => this.d.log.error({ err, conversationId }, 'bot turn failed'))
      .finally(() => {
        if (this.chains.get(conversationId) === next) this.chains.delete(conversationId);
      });
    this.chains.set(conversationId, next);
  }

  // ── turns ─────────────────────────────────────────────────────────────────────────────────

  private async started(conversationId: string, botId: string): Promise<void> {
    const claim = await this.d.repo.updateConversation(conversationId, (c) => {
      if (!withBot(c, botId) || sessionOf(c)?.botId === botId) return { result: undefined };
      const session: BotSession = { botId, handledSeq: c.lastSeq, memory: {} };
      return { context: { ...c.context, botSession: session }, result: { conversation: c, session } };
    });
    if (!claim) return;
    const upTo = claim.session.handledSeq;
    const transcript = (await this.d.conversationsRepo.messages(conversationId, { afterSeq: Math.max(0, upTo - TRANSCRIPT_LIMIT), limit: TRANSCRIPT_LIMIT })).filter(
      (m) => m.seq <= upTo,
    );
    const lastCustomer = [...transcript].reverse().find((m) => m.senderType === 'customer');
    await this.turn(claim.conversation, claim.session, 'conversation.started', transcript, lastCustomer);
  }

  private async message(conversationId: string, messageId: string): Promise<void> {
    const quick = await this.d.repo.conversation(conversationId);
    if (!quick || !withBot(quick)) return; // the common case: no bot here
    const msg = await this.d.conversationsRepo.getMessage(messageId);
    if (!msg || msg.senderType !== 'customer') return;
    const claim = await this.d.repo.updateConversation(conversationId, (c) => {
      const s = sessionOf(c);
      // Not started yet: `conversation.started` will carry this message in its transcript.
      if (!withBot(c) || !s || s.botId !== c.botId || s.handledSeq >= msg.seq) return { result: undefined };
      const session: BotSession = { ...s, handledSeq: msg.seq };
      return { context: { ...c.context, botSession: session }, result: { conversation: c, session } };
    });
    if (!claim) return;
    const transcript = await this.d.conversationsRepo.messages(conversationId, { afterSeq: Math.max(0, msg.seq - TRANSCRIPT_LIMIT), limit: TRANSCRIPT_LIMIT });
    await this.turn(claim.conversation, claim.session, 'message', transcript.filter((m) => m.seq <= msg.seq), msg);
  }

  private async liveAgentRequested(conversationId: string): Promise<void> {
    const c = await this.d.repo.conversation(conversationId);
    if (c && withBot(c)) await this.escalate(conversationId, 'the customer asked for a person', {});
  }

  /** Asks the bot, then applies what it said (or fails safe). */
  private async turn(c: BotConversation, session: BotSession, type: BotTurn['type'], transcript: Message[], message: Message | undefined): Promise<void> {
    let runnable: { id: string; bot: Bot } | undefined;
    try {
      runnable = await this.d.bots.runnable(session.botId);
    } catch (err) {
      this.d.log.error({ err, botId: session.botId }, 'bot cannot be loaded');
    }
    if (!runnable) {
      await this.unavailable(c.id, `bot ${session.botId} no longer exists or is misconfigured`);
      return;
    }
    const request = await this.request(c, type, transcript, message);
    let outcome: BotOutcome;
    try {
      outcome = await runnable.bot.handle(request, session.memory);
    } catch (err) {
      outcome = { ok: false, reason: 'unavailable', detail: err instanceof Error ? err.message : String(err) };
    }
    if (!outcome.ok) {
      if (outcome.reason === 'unavailable') await this.unavailable(c.id, outcome.detail);
      else {
        this.d.log.warn({ conversationId: c.id, botId: session.botId, detail: outcome.detail }, 'the bot answered something invalid; escalating');
        await this.escalate(c.id, `the bot's answer was not valid: ${outcome.detail}`, {});
      }
      return;
    }
    await this.apply(c.id, session.botId, outcome.actions, outcome.memory);
  }

  private async apply(conversationId: string, botId: string, actions: BotAction[], memory: Record<string, unknown> | undefined): Promise<void> {
    // An agent may have taken the conversation while the bot was thinking: the bot's turn is over.
    const still = await this.d.repo.updateConversation(conversationId, (c) => {
      const s = sessionOf(c);
      if (!withBot(c, botId) || !s) return { result: false };
      return memory ? { context: { ...c.context, botSession: { ...s, memory } }, result: true } : { result: true };
    });
    if (!still) {
      this.d.log.info({ conversationId, botId }, 'the conversation left the bot during its turn; its actions are dropped');
      return;
    }
    const variables: Record<string, string | number | boolean> = {};
    for (const a of actions) {
      switch (a.type) {
        case 'reply':
          await this.say(conversationId, withSuggestions(a.text, a.suggestions), 'bot reply');
          break;
        case 'set_variables':
          Object.assign(variables, a.variables);
          await this.storeVariables(conversationId, a.variables);
          break;
        case 'escalate':
          await this.escalate(conversationId, a.reason ?? 'the bot handed over', variables);
          return;
        case 'end':
          if (a.text) await this.say(conversationId, a.text, 'bot goodbye');
          await this.d.conversations.closeBySystem(conversationId, 'ended by bot');
          return;
      }
    }
  }

  // ── effects ───────────────────────────────────────────────────────────────────────────────

  private async say(conversationId: string, text: string, purpose: string): Promise<void> {
    try {
      await this.d.conversations.sendAutomated(conversationId, { kind: 'text', text }, { senderType: 'bot', purpose });
    } catch (err) {
      this.d.log.error({ err, conversationId }, 'bot message not stored');
    }
  }

  private async storeVariables(conversationId: string, vars: Record<string, string | number | boolean>): Promise<void> {
    await this.d.repo.updateConversation(conversationId, (c) => {
      const prior = c.context.variables && typeof c.context.variables === 'object' ? (c.context.variables as Record<string, unknown>) : {};
      return { context: { ...c.context, variables: { ...prior, ...vars } }, result: true };
    });
  }

  private async unavailable(conversationId: string, detail: string): Promise<void> {
    this.d.log.warn({ conversationId, detail }, 'bot unavailable; handing the conversation to people');
    await this.recordEvent(conversationId, 'bot_unavailable', detail);
    await this.escalate(conversationId, 'the bot is unavailable', {});
  }

  /** The transcript stays in the conversation: the agent who gets it reads the whole history. */
  private async escalate(conversationId: string, reason: string, variables: Record<string, unknown>): Promise<void> {
    const c = await this.d.repo.conversation(conversationId);
    if (!c || !withBot(c)) return;
    await this.recordEvent(conversationId, 'bot_escalated', reason);
    await this.d.engine.handOverFromBot(conversationId, variables);
  }

  private async recordEvent(conversationId: string, name: string, detail: string): Promise<void> {
    const content: MessageContent = { kind: 'event', name, detail: detail.slice(0, 1000) };
    const at = this.d.clock.now();
    const msg = await this.d.conversationsRepo.appendMessage({ conversationId, direction: 'in', senderType: 'system', content, status: 'received', at }, undefined);
    const conv = await this.d.conversationsRepo.getConversation(conversationId);
    if (conv) this.d.bus.publish({ type: 'message.created', conversation: summarize(conv), message: msg });
  }

  private async request(c: BotConversation, type: BotTurn['type'], transcript: Message[], message: Message | undefined): Promise<BotTurn> {
    const full = await this.d.conversationsRepo.getConversation(c.id);
    const identity = full ? await this.d.conversationsRepo.getIdentity(full.identityId) : undefined;
    const fresh = (await this.d.repo.conversation(c.id)) ?? c;
    const context: Record<string, unknown> = { ...fresh.context };
    for (const k of PRIVATE_CONTEXT) delete context[k];
    const variables = context.variables && typeof context.variables === 'object' ? (context.variables as Record<string, unknown>) : {};
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return {
      type,
      conversation: {
        id: c.id,
        channel: str(context.channel),
        locale: str(context.locale),
        customer: { name: identity?.displayName ?? str(context.customerName), language: identity?.language ?? null },
        context: { ...context, variables },
      },
      ...(message ? { message: messageOf(message) } : {}),
      transcript: transcript.map(entryOf),
    };
  }
}

function textOf(content: MessageContent): string | undefined {
  if (content.kind === 'text' || content.kind === 'template') return content.text;
  if (content.kind === 'postback') return content.data;
  return undefined;
}

function messageOf(m: Message): NonNullable<BotTurn['message']> {
  const text = textOf(m.content);
  return { id: m.id, kind: m.content.kind, ...(text !== undefined ? { text } : {}) };
}

function entryOf(m: Message): TranscriptEntry {
  const c = m.content;
  const text = c.kind === 'event' ? `[${c.name}]${c.detail ? ` ${c.detail}` : ''}` : (textOf(c) ?? previewOf(c));
  return { from: m.senderType, text, at: new Date(m.createdAt).toISOString() };
}

/**
 * Quick replies as text choices: stored messages carry no suggestions yet, so every channel shows
 * them as a list the customer can answer by typing one.
 */
function withSuggestions(text: string, suggestions: ReadonlyArray<{ text: string }> | undefined): string {
  if (!suggestions?.length) return text;
  return `${text}\n\n${suggestions.map((s) => `• ${s.text}`).join('\n')}`;
}
