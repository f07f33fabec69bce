/**
 * Hub events across processes: PostgreSQL LISTEN/NOTIFY, so an agent connected to one hub
 * process sees what arrived at another. No extra server needed.
 */
import type pg from 'pg';
import type { Logger } from '../lib/logger.js';
import { LocalEventBus, type HubEvent } from '../services/event-bus.js';

const CHANNEL = 'switchboard_events';
/** NOTIFY payloads must stay under 8000 bytes; room is left for the envelope. */
const PAYLOAD_LIMIT = 7800;

/**
 * Packs serialized events into as few NOTIFY payloads as fit, in order. Each payload carries a
 * sequence number: PostgreSQL folds identical payloads sent in one transaction into one.
 */
export function packEvents(origin: string, events: readonly string[], firstSeq: number): string[] {
  const payloads: string[] = [];
  let part: string[] = [];
  let size = 0;
  const close = () => {
    if (part.length === 0) return;
    payloads.push(`{"origin":${JSON.stringify(origin)},"n":${firstSeq + payloads.length},"events":[${part.join(',')}]}`);
    part = [];
    size = 0;
  };
  for (const e of events) {
    const bytes = Buffer.byteLength(e) + 1;
    if (size + bytes > PAYLOAD_LIMIT) close();
    part.push(e);
    size += bytes;
  }
  close();
  return payloads;
}

/**
 * Publishes through NOTIFY; every other process delivers what it hears. Events published in one
 * tick (a whole ingest batch) leave in one statement: one NOTIFY per event cost a round trip and a
 * commit each.
 */
export class PostgresEventBus extends LocalEventBus {
  private client: pg.PoolClient | undefined;
  private closed = false;
  private readonly origin = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  private outbox: string[] = [];
  private sent = 0;

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
        const { origin, events } = JSON.parse(n.payload) as { origin: string; events: HubEvent[] };
        if (origin !== this.origin) for (const e of events) this.deliver(e);
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
    const json = JSON.stringify(e);
    // Larger than a NOTIFY payload can be: delivered in this process only.
    if (Buffer.byteLength(json) >= PAYLOAD_LIMIT) return;
    this.outbox.push(json);
    if (this.outbox.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const payloads = packEvents(this.origin, this.outbox, this.sent);
    this.outbox = [];
    this.sent += payloads.length;
    if (this.closed) return;
    this.pool.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, i) ORDER BY i', [CHANNEL, payloads]).catch((err: unknown) => {
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
