/**
 * The WebSocket to /api/realtime. Reconnects with exponential backoff (1 s doubling to 30 s,
 * with jitter) and, after every (re)connection, tells listeners to catch up with a `resync`:
 * events sent while the socket was down are not replayed, so each view refetches what it shows.
 * A ping every 25 s keeps the connection honest; 60 s of silence counts as a dead socket.
 */
import type { HubEvent } from './types';

export type RealtimeStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
export type RealtimeMessage = HubEvent | { type: 'resync' };
type Listener = (e: RealtimeMessage) => void;

export interface RealtimeOptions {
  url?: string;
  onStatus?: (s: RealtimeStatus) => void;
  /** The server closed with 4401: the session is gone. */
  onUnauthenticated?: () => void;
  minDelayMs?: number;
  maxDelayMs?: number;
}

export function realtimeUrl(loc: Location = window.location): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/api/realtime`;
}

export class RealtimeClient {
  private ws: WebSocket | undefined;
  private listeners = new Set<Listener>();
  private attempt = 0;
  private stopped = true;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private lastHeard = 0;
  status: RealtimeStatus = 'closed';

  constructor(private readonly opts: RealtimeOptions = {}) {}

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** Sends a message over the socket if it is open (typing notices); false when it is not. */
  send(message: unknown): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(message));
    return true;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = undefined;
    ws?.close(1000, 'bye');
    this.setStatus('closed');
  }

  private setStatus(s: RealtimeStatus): void {
    this.status = s;
    this.opts.onStatus?.(s);
  }

  private emit(e: RealtimeMessage): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error('realtime listener failed', err);
      }
    }
  }

  private connect(): void {
    this.setStatus(this.attempt === 0 ? 'connecting' : 'reconnecting');
    const ws = new WebSocket(this.opts.url ?? realtimeUrl());
    this.ws = ws;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.setStatus('open');
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (Date.now() - this.lastHeard > 60_000) {
          ws.close(4000, 'silent');
          return;
        }
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
      }, 25_000);
      this.emit({ type: 'resync' });
    };
    ws.onmessage = (m) => {
      if (this.ws !== ws) return;
      this.lastHeard = Date.now();
      let e: HubEvent;
      try {
        e = JSON.parse(String(m.data)) as HubEvent;
      } catch {
        return;
      }
      this.emit(e);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      clearInterval(this.pingTimer);
      this.ws = undefined;
      if (this.stopped) return;
      if (ev.code === 4401) {
        this.stopped = true;
        this.setStatus('closed');
        this.opts.onUnauthenticated?.();
        return;
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const min = this.opts.minDelayMs ?? 1000;
    const max = this.opts.maxDelayMs ?? 30_000;
    const base = Math.min(max, min * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.setStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.stopped) this.connect();
    }, delay);
  }
}
