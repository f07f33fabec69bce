/**
 * Downloading what a customer sent: LINE-hosted content from the data API (waiting for video and
 * audio transcoding), or external content from its own URL. Failures throw an Error that says
 * what failed; the caller records it and retries.
 */
import { z } from 'zod';
import type { DownloadedMedia } from '../adapter.js';
import { describeLineError } from './errors.js';
import { readJson, type LineHttp } from './http.js';

export interface PollOptions {
  /** First wait between transcoding checks; doubles each time. */
  initialDelayMs: number;
  maxDelayMs: number;
  maxTries: number;
  /** Total waiting budget across all checks. */
  maxTotalMs: number;
}

export const DEFAULT_POLL: PollOptions = { initialDelayMs: 200, maxDelayMs: 3200, maxTries: 10, maxTotalMs: 15_000 };

const transcodingSchema = z.object({ status: z.enum(['processing', 'succeeded', 'failed']) });

export async function downloadLineMedia(
  http: LineHttp,
  providerRef: string,
  signal?: AbortSignal,
  poll: PollOptions = DEFAULT_POLL,
): Promise<DownloadedMedia> {
  if (/^https?:\/\//i.test(providerRef)) {
    // External content (contentProvider.type "external"): never send our token to someone else's server.
    const response = await call(http, providerRef, false, signal, `external content ${providerRef}`);
    return expectContent(response, `external content ${providerRef}`);
  }
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(providerRef)) throw new Error(`"${providerRef}" is not a LINE message id`);

  const contentUrl = `${http.dataBase}/v2/bot/message/${providerRef}/content`;
  const what = `content of LINE message ${providerRef}`;
  let response = await call(http, contentUrl, true, signal, what);
  if (response.status === 202) {
    // Video or audio still being prepared.
    await response.body?.cancel();
    await waitForTranscoding(http, providerRef, signal, poll);
    response = await call(http, contentUrl, true, signal, what);
  }
  return expectContent(response, what);
}

async function waitForTranscoding(http: LineHttp, id: string, signal: AbortSignal | undefined, poll: PollOptions): Promise<void> {
  const url = `${http.dataBase}/v2/bot/message/${id}/content/transcoding`;
  let delay = poll.initialDelayMs;
  let waited = 0;
  for (let attempt = 1; attempt <= poll.maxTries; attempt++) {
    const response = await call(http, url, true, signal, `transcoding status of LINE message ${id}`);
    const body = await readJson(response);
    if (!response.ok) {
      throw new Error(`transcoding status of LINE message ${id} failed: HTTP ${response.status} ${describeLineError(response.status, body)}`);
    }
    const parsed = transcodingSchema.safeParse(body);
    if (!parsed.success) throw new Error(`transcoding status of LINE message ${id}: unexpected answer ${JSON.stringify(body)}`);
    if (parsed.data.status === 'succeeded') return;
    if (parsed.data.status === 'failed') throw new Error(`LINE could not prepare the content of message ${id} (transcoding failed)`);
    if (attempt === poll.maxTries || waited + delay > poll.maxTotalMs) break;
    await sleep(delay, signal);
    waited += delay;
    delay = Math.min(delay * 2, poll.maxDelayMs);
  }
  throw new Error(`LINE was still preparing the content of message ${id} after ${waited} ms; try again later`);
}

async function call(http: LineHttp, url: string, auth: boolean, signal: AbortSignal | undefined, what: string): Promise<Response> {
  try {
    return await http.request(url, { auth }, signal);
  } catch (err) {
    throw new Error(`download of ${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function expectContent(response: Response, what: string): Promise<DownloadedMedia> {
  if (response.status !== 200) {
    const body = await readJson(response).catch(() => undefined);
    throw new Error(`download of ${what} failed: HTTP ${response.status} ${describeLineError(response.status, body)}`);
  }
  let body: Buffer;
  try {
    body = Buffer.from(await response.arrayBuffer());
  } catch (err) {
    throw new Error(`download of ${what} broke off: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'application/octet-stream';
  const fileName = fileNameOf(response.headers.get('content-disposition'));
  return fileName === undefined ? { body, contentType } : { body, contentType, fileName };
}

/** `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` or `filename="a.pdf"`. */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*(?:[\w-]+)?'[^']*'([^;]+)/i.exec(disposition)?.[1];
  if (star) {
    try {
      return decodeURIComponent(star.trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(disposition);
  const name = (plain?.[1] ?? plain?.[2])?.trim();
  return name ? name : undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(timer);
      reject(new Error(`waiting for transcoding was aborted`));
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
