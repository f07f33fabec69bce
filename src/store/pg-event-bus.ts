/**
 * Hub events across processes: PostgreSQL LISTEN/NOTIFY, so an agent connected to one hub
 * process sees what arrived at another. No extra server needed.
 */
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { LocalEventBus, type HubEvent } from '../services/event-bus.js';

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
        // Only the client we still hold is ours to release (close() may have released it already).
        if (this.client !== client) return;
        this.log.warn({ err }, 'realtime LISTEN connection lost; reconnecting');
        this.client = undefined;
        client.release(true);
        if (!this.closed) setTimeout(() => void this.listen(), 500).unref();
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
    const client = this.client;
    this.client = undefined;
    // Destroyed, not pooled: a LISTENing connection must not be handed to other queries.
    client?.release(true);
    await super.close();
  }
}
