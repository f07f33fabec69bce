/** Drives the hub through its public HTTP API as a browser would: session cookie + CSRF header. */
import WebSocket from 'ws';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} → ${status} ${JSON.stringify(body)}`);
  }
}

export class ApiClient {
  private cookie = '';
  private csrf = '';
  constructor(readonly baseUrl: string) {}

  async login(email: string, password: string): Promise<{ user: { id: string; role: string } }> {
    const res = await fetch(`${this.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const body = (await res.json()) as { user: { id: string; role: string }; csrfToken: string };
    if (!res.ok) throw new ApiError(res.status, body, 'login');
    this.cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    this.csrf = body.csrfToken;
    return body;
  }

  async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const isBuffer = Buffer.isBuffer(body);
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(method !== 'GET' && this.csrf ? { 'x-csrf-token': this.csrf } : {}),
        ...(body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: isBuffer ? body : JSON.stringify(body) } : {}),
    });
  }

  async call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    const res = await this.raw(method, path, body, headers);
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiError(res.status, parsed, `${method} ${path}`);
    return parsed as T;
  }

  get<T = any>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<T> {
    return this.call<T>('POST', path, body ?? {}, headers);
  }

  /** Opens the realtime WebSocket and records every event. */
  async realtime(): Promise<RealtimeClient> {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/api/realtime`, { headers: { cookie: this.cookie } });
    const client = new RealtimeClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }
}

export class RealtimeClient {
  readonly events: any[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.events.push(JSON.parse(String(data)));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Resolves with the first event (already received or coming) that matches. */
  async waitFor(pred: (e: any) => boolean, timeoutMs = 10_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching realtime event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `fn` returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
