/**
 * The HTTP client an emulator sends its webhooks and status callbacks with: undici's keep-alive
 * connection pools (the engine under Node's fetch, used directly). node:http's ClientRequest and
 * IncomingMessage cost about three times the CPU per callback and made the emulator, not the
 * receiver, the limit of a load test.
 *
 * Closing the client (or aborting the signal it was built with) ends every connection; requests
 * in flight resolve with an error, later ones fail at once. `post` never rejects.
 */
import type { Agent } from 'undici';

// Loaded on the first webhook, not when the CLI starts: the one-file bundle holds the emulators,
// and the hub's start-up should not pay for parsing undici.
const importUndici = () => import('undici');
let undici: ReturnType<typeof importUndici> | undefined;
const loadUndici = () => (undici ??= importUndici());

export interface ClientAnswer {
  /** 0 when no complete HTTP answer came back. */
  status: number;
  body: string;
  error?: string;
}

export interface ClientRequestSpec {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** No complete answer within this many ms: the request fails. */
  timeoutMs: number;
}

export interface WebhookClientOptions {
  /**
   * Connections per origin at most; more requests wait for one (default 512: under load a slow
   * receiver holds each for a while, and callbacks queued here would lag behind their messages).
   */
  maxSocketsPerOrigin?: number;
  /** Idle connections are closed after this long (default 4 s, below Node's 5 s server default). */
  idleMs?: number;
  /** Aborting it closes the client. */
  signal?: AbortSignal;
}

const CLOSED_ERROR = 'the emulator is closing';

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    return cause instanceof Error && cause.message ? `${err.message}: ${cause.message}` : err.message;
  }
  return String(err);
}

export class WebhookClient {
  private agent: Agent | undefined;
  private closed = false;
  private readonly connections: number;
  private readonly idleMs: number;

  constructor(opts: WebhookClientOptions = {}) {
    this.connections = opts.maxSocketsPerOrigin ?? 512;
    this.idleMs = opts.idleMs ?? 4000;
    const { signal } = opts;
    if (signal?.aborted === true) this.close();
    else signal?.addEventListener('abort', () => this.close(), { once: true });
  }

  /** POSTs `spec.body` to `spec.url` (http: or https:, credentials in the URL as Basic auth). */
  async post(spec: ClientRequestSpec): Promise<ClientAnswer> {
    if (this.closed) return { status: 0, body: '', error: CLOSED_ERROR };
    const { url } = spec;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return { status: 0, body: '', error: `unsupported protocol ${url.protocol}` };
    const headers = { ...spec.headers };
    let target: URL | string = url;
    if (url.username !== '' || url.password !== '') {
      try {
        const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
        headers['authorization'] = `Basic ${Buffer.from(user, 'utf8').toString('base64')}`;
      } catch (err) {
        return { status: 0, body: '', error: errorText(err) };
      }
      target = `${url.protocol}//${url.host}${url.pathname}${url.search}`;
    }
    try {
      const { Agent, request } = await loadUndici();
      if (this.closed) return { status: 0, body: '', error: CLOSED_ERROR };
      this.agent ??= new Agent({ connections: this.connections, keepAliveTimeout: this.idleMs, keepAliveMaxTimeout: this.idleMs });
      // undici's timeouts (no AbortSignal per request, which cost more than the rest of a post)
      // are checked about once a second: a deadline is kept to within that.
      const res = await request(target, {
        method: 'POST',
        headers,
        body: spec.body,
        dispatcher: this.agent,
        headersTimeout: spec.timeoutMs,
        bodyTimeout: spec.timeoutMs,
      });
      return { status: res.statusCode, body: await res.body.text() };
    } catch (err) {
      if (this.closed) return { status: 0, body: '', error: CLOSED_ERROR };
      const code = (err as { code?: string }).code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return { status: 0, body: '', error: `no answer within ${spec.timeoutMs} ms` };
      return { status: 0, body: '', error: errorText(err) };
    }
  }

  /** Ends every connection; requests in flight and later ones fail. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.agent?.destroy().catch(() => undefined);
  }
}
