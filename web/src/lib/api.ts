/**
 * The REST client: same-origin fetch with the session cookie; every write carries the session's
 * CSRF token. Errors become ApiError with the server's `error.message`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthenticated: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token ?? '';
}

/** Called when a request answers 401 (the session ended): the app shows the sign-in page. */
export function setUnauthenticatedHandler(fn: (() => void) | undefined): void {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A file sent as the raw body (uploads), with its own content type. */
  file?: Blob;
  signal?: AbortSignal;
  /** Do not treat a 401 as the end of the session (the sign-in call itself). */
  quiet401?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let payload: BodyInit | undefined;
  if (opts.file) {
    headers['content-type'] = opts.file.type || 'application/octet-stream';
    payload = opts.file;
  } else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (res.status === 401 && !opts.quiet401) onUnauthenticated?.();
    throw new ApiError(res.status, err?.code ?? 'http_' + res.status, err?.message ?? (res.statusText || `HTTP ${res.status}`), err?.details);
  }
  return parsed as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => api<T>('GET', path, undefined, opts);
export const post = <T>(path: string, body: unknown = {}, opts?: RequestOptions) => api<T>('POST', path, body, opts);
export const put = <T>(path: string, body: unknown, opts?: RequestOptions) => api<T>('PUT', path, body, opts);
export const patch = <T>(path: string, body: unknown, opts?: RequestOptions) => api<T>('PATCH', path, body, opts);
export const del = <T>(path: string, opts?: RequestOptions) => api<T>('DELETE', path, undefined, opts);

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export const enc = encodeURIComponent;
