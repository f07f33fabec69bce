/** The one place that builds LINE requests: base URLs, bearer token, timeout + caller signal. */
import type { ClientDeps } from '../adapter.js';
import { LINE_API_BASE_URL, LINE_DATA_API_BASE_URL, LINE_DEFAULT_TIMEOUT_MS, type LineCredentials } from './config.js';

export interface LineHttp {
  readonly apiBase: string;
  readonly dataBase: string;
  /** fetch with the bearer token (unless `auth: false`) and the timeout; network errors throw. */
  request(
    url: string,
    init: { method?: 'GET' | 'POST'; headers?: Record<string, string>; json?: unknown; auth?: boolean },
    signal?: AbortSignal,
  ): Promise<Response>;
}

export function createLineHttp(credentials: Pick<LineCredentials, 'channelAccessToken'>, deps: ClientDeps): LineHttp {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const timeoutMs = deps.timeoutMs ?? LINE_DEFAULT_TIMEOUT_MS;
  const token = credentials.channelAccessToken;
  return Object.freeze({
    apiBase: trimSlash(deps.baseUrls['lineApi'] ?? LINE_API_BASE_URL),
    dataBase: trimSlash(deps.baseUrls['lineDataApi'] ?? LINE_DATA_API_BASE_URL),
    request(url, init, signal) {
      const headers: Record<string, string> = { ...init.headers };
      if (init.auth !== false) headers['authorization'] = `Bearer ${token}`;
      if (init.json !== undefined) headers['content-type'] = 'application/json';
      const timeout = AbortSignal.timeout(timeoutMs);
      return fetchFn(url, {
        method: init.method ?? 'GET',
        headers,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    },
  } satisfies LineHttp);
}

/** The response body as JSON, or undefined when it is empty or not JSON (LINE errors are JSON; proxies' are not). */
export async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { message: text.slice(0, 500) };
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
