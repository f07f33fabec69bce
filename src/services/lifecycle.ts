/**
 * What happened to a conversation, for the side effects that must happen once: automated
 * messages, bots, surveys. Unlike the EventBus (which fans out to every hub process for agents'
 * screens), these events stay in the process that caused them, so a greeting is sent once.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from '../lib/logger.js';

export type LifecycleEvent =
  | { type: 'conversation_opened'; conversationId: string }
  /**
   * `maybeBot: false` when the conversation, read under its row lock as the message was stored,
   * had no bot that could take it: the bot runner need not look it up.
   */
  | { type: 'customer_message'; conversationId: string; messageId: string; maybeBot?: boolean }
  /** The customer asked for a person (Business Messages requestedLiveAgent). */
  | { type: 'live_agent_requested'; conversationId: string }
  | { type: 'bot_engaged'; conversationId: string; botId: string }
  | { type: 'queued'; conversationId: string; queueId: string; position: number }
  | { type: 'next_in_line'; conversationId: string; queueId: string }
  | { type: 'out_of_hours'; conversationId: string; queueId: string; holiday?: string }
  | { type: 'agent_assigned'; conversationId: string; agentId: string }
  | { type: 'assignment_failed'; conversationId: string; reason: string }
  | { type: 'transferred'; conversationId: string; toQueueId?: string; toAgentId?: string }
  | { type: 'agent_ended'; conversationId: string; agentId: string | null }
  | { type: 'closed'; conversationId: string; reason: string };

type Handler = (e: LifecycleEvent) => Promise<void> | void;

export class Lifecycle {
  private readonly emitter = new EventEmitter();
  constructor(private readonly log: Logger) {
    this.emitter.setMaxListeners(50);
  }

  emit(e: LifecycleEvent): void {
    this.emitter.emit('event', e);
  }

  /** Handlers run asynchronously; a failing handler is logged and never breaks the caller. */
  on(handler: Handler): () => void {
    const wrapped = (e: LifecycleEvent) => {
      Promise.resolve()
        .then(() => handler(e))
        .catch((err: unknown) => this.log.error({ err, event: e.type, conversationId: e.conversationId }, 'lifecycle handler failed'));
    };
    this.emitter.on('event', wrapped);
    return () => this.emitter.off('event', wrapped);
  }
}
