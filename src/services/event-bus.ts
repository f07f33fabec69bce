/**
 * Realtime events for agents' browsers. Within one process a plain emitter; with PostgreSQL the
 * events also travel through LISTEN/NOTIFY so an agent connected to another hub process sees them.
 */
import type pg from 'pg';
import type { Conversation, Message } from '../store/conversations-repo.js';
import type { Logger } from '../lib/logger.js';

export interface ConversationSummary {
  id: string;
  state: Conversation['state'];
  queueId: string | null;
  agentId: string | null;
  accountId: string;
  channelInstanceId: string;
  identityId: string;
  contactId: string | null;
  lastMessageAt: number;
  lastCustomerAt: number | null;
}

export type HubEvent =
  | { type: 'conversation.created' | 'conversation.updated'; conversation: ConversationSummary }
  | { type: 'message.created' | 'message.updated'; conversation: ConversationSummary; message: Message }
  | { type: 'presence.updated'; userId: string; presence: string };

export function summarize(c: Conversation): ConversationSummary {
  return {
    id: c.id,
    state: c.state,
    queueId: c.queueId,
    agentId: c.agentId,
    accountId: c.accountId,
    channelInstanceId: c.channelInstanceId,
    identityId: c.identityId,
    contactId: c.contactId,
    lastMessageAt: c.lastMessageAt,
    lastCustomerAt: c.lastCustomerAt,
  };
}

type Listener = (e: HubEvent) => void;

export interface EventBus {
  publish(e: HubEvent): void;
  subscribe(l: Listener): () => void;
  close(): Promise<void>;
}

export class LocalEventBus implements EventBus {
  protected readonly listeners = new Set<Listener>();
  publish(e: HubEvent): void {
    this.deliver(e);
  }
  protected deliver(e: HubEvent): void {
    for (const l of this.listeners) l(e);
  }
  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  async close(): Promise<void> {
    this.listeners.clear();
  }
}

const CHANNEL = 'switchboard_events';

/** Publishes through NOTIFY; every process (this one included) delivers what it hears. */
export class PostgresEventBus extends LocalEventBus {
  private client: pg.PoolClient | undefined;
  private closed = false;
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly pool: pg.Pool,
    private readonly log: Logger,
  ) {
    super();
  }

  async start(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.pool.connect();
      client.on('notification', (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        const { origin, event } = JSON.parse(n.payload) as { origin: string; event: HubEvent };
        if (origin !== this.origin) this.deliver(event);
      });
      client.on('error', (err) => {
        this.log.warn({ err }, 'realtime LISTEN connection lost; reconnecting');
        this.client = undefined;
        client.release(true);
        setTimeout(() => void this.listen(), 500).unref();
      });
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
    } catch (err) {
      this.log.warn({ err }, 'realtime LISTEN failed; retrying');
      setTimeout(() => void this.listen(), 1000).unref();
    }
  }

  override publish(e: HubEvent): void {
    this.deliver(e);
    const payload = JSON.stringify({ origin: this.origin, event: e });
    // NOTIFY payloads are limited to 8000 bytes; larger events are delivered locally only.
    if (Buffer.byteLength(payload) >= 7900) return;
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((err: unknown) => {
      this.log.warn({ err }, 'realtime NOTIFY failed');
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.client?.release();
    this.client = undefined;
    await super.close();
  }
}
