/**
 * Signed LINE webhook bodies, made before they are sent: one text-message event each, shaped like
 * the LINE platform's (field order included), with a unique webhookEventId, message id and reply
 * token per body so the hub dedupes nothing. X-Line-Signature = base64(HMAC-SHA256(channel
 * secret, the exact body bytes)).
 */
import { createHmac, randomBytes } from 'node:crypto';

/** `known`: a fixed set of senders, each of whom wrote once before; `new`: a new sender every body. */
export type SenderMix = 'known' | 'new';

export interface BodySpec {
  channelSecret: string;
  /** The bot's user id (`destination`). */
  destination: string;
  mix: SenderMix;
  /** Size of the `known` sender set; the first `knownSenders` bodies go to each of them once. */
  knownSenders: number;
  /**
   * Send the pool's bodies round and round instead of using each once. Only for the bare server,
   * which stores nothing: at its rate a pool of unique bodies would take most of the memory.
   */
  reuse?: boolean;
}

export interface SignedBody {
  body: Buffer;
  signature: string;
  /** The request's headers; undefined means a LINE webhook's (JSON, X-Line-Signature). */
  headers?: Record<string, string>;
}

/** The headers the LINE platform sends with a webhook. */
export function lineHeaders(signature: string): Record<string, string> {
  return { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'LineBotWebhook/2.0', 'x-line-signature': signature };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function base32(n: number, width: number): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = CROCKFORD.charAt(n % 32) + s;
    n = Math.floor(n / 32);
  }
  return s;
}

export function lineSignature(channelSecret: string, body: Buffer): string {
  return createHmac('sha256', channelSecret).update(body).digest('base64');
}

/** What a body pool needs to know of the sender mix. */
export type PoolSpec = Pick<BodySpec, 'mix' | 'knownSenders' | 'reuse'>;

/**
 * A pool of signed bodies, filled ahead of a timed phase; `take` only falls back to making one if
 * the pool ran dry. Subclasses make the k-th body of a provider's shape.
 */
export abstract class BodyPool {
  /** Distinguishes this run's ids from any other run's. */
  protected readonly tag = randomBytes(4).toString('hex');
  protected readonly bornMs = Date.now();
  private made = 0;
  private readonly pool: SignedBody[] = [];
  private head = 0;
  /** Bodies made inside `take` because the pool was empty (their cost fell into a timed phase). */
  madeLate = 0;

  constructor(private readonly poolSpec: PoolSpec) {}

  /** Bodies ready and not yet taken. */
  get ready(): number {
    return this.poolSpec.reuse ? this.pool.length : this.pool.length - this.head;
  }

  /** Makes bodies until at least `n` are ready. */
  fill(n: number): void {
    if (this.head > 0 && !this.poolSpec.reuse) {
      this.pool.splice(0, this.head);
      this.head = 0;
    }
    while (this.pool.length < n) this.pool.push(this.next());
  }

  take(): SignedBody {
    if (this.poolSpec.reuse && this.pool.length > 0) return this.pool[this.head++ % this.pool.length]!;
    const b = this.pool[this.head];
    if (b !== undefined) {
      this.pool[this.head++] = EMPTY;
      return b;
    }
    this.madeLate++;
    return this.next();
  }

  abstract userId(sender: number): string;

  /** The k-th body, from `sender`. */
  protected abstract make(k: number, sender: number): SignedBody;

  private next(): SignedBody {
    const k = this.made++;
    return this.make(k, this.poolSpec.mix === 'known' ? k % this.poolSpec.knownSenders : k);
  }
}

export class LineBodies extends BodyPool {
  constructor(private readonly spec: BodySpec) {
    super(spec);
  }

  userId(sender: number): string {
    return `U${this.tag}${sender.toString(16).padStart(24, '0')}`;
  }

  protected make(k: number, sender: number): SignedBody {
    const now = Date.now();
    const event = {
      type: 'message',
      message: { type: 'text', id: `${this.bornMs}${String(k).padStart(8, '0')}`, quoteToken: `q${this.tag}${k}`, text: `Hello from bench message ${k}` },
      webhookEventId: `${base32(now, 10)}${this.tag.toUpperCase()}${base32(k, 8)}`,
      deliveryContext: { isRedelivery: false },
      timestamp: now,
      source: { type: 'user', userId: this.userId(sender) },
      replyToken: `${this.tag}${k.toString(16).padStart(24, '0')}`,
      mode: 'active',
    };
    const body = Buffer.from(JSON.stringify({ destination: this.spec.destination, events: [event] }), 'utf8');
    return { body, signature: lineSignature(this.spec.channelSecret, body) };
  }
}

const EMPTY: SignedBody = { body: Buffer.alloc(0), signature: '' };
