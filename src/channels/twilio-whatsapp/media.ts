/**
 * Downloading what a customer sent. Twilio's MediaUrlN answers with a redirect to a short-lived
 * signed URL on another host: the first request carries Basic auth, redirects are followed by
 * hand, and the credentials never leave the hosts that may see them. Failures throw an Error that
 * says what failed; the caller records it and retries.
 */
import type { DownloadedMedia } from '../adapter.js';
import { describeTwilioError } from './errors.js';
import { readJson, type TwilioHttp } from './http.js';

export const MAX_REDIRECTS = 5;

export async function downloadTwilioMedia(http: TwilioHttp, providerRef: string, signal?: AbortSignal): Promise<DownloadedMedia> {
  let url: URL;
  try {
    url = new URL(providerRef);
  } catch {
    throw new Error(`"${providerRef}" is not a Twilio media URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`"${providerRef}" is not an http(s) URL`);

  const what = `Twilio media ${providerRef}`;
  const firstOrigin = url.origin;
  for (let hop = 0; ; hop++) {
    // Credentials go to the media URL's own origin (when it is Twilio's) and nowhere else.
    const auth = url.origin === firstOrigin && http.trusts(url.toString());
    const response = await call(http, url.toString(), auth, signal, what);
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new Error(`download of ${what} failed: HTTP ${response.status} without a Location`);
      if (hop >= MAX_REDIRECTS) throw new Error(`download of ${what} failed: more than ${MAX_REDIRECTS} redirects`);
      url = new URL(location, url);
      continue;
    }
    return expectContent(response, what);
  }
}

async function call(http: TwilioHttp, url: string, auth: boolean, signal: AbortSignal | undefined, what: string): Promise<Response> {
  try {
    return await http.request(url, { auth }, signal);
  } catch (err) {
    throw new Error(`download of ${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function expectContent(response: Response, what: string): Promise<DownloadedMedia> {
  if (response.status !== 200) {
    const body = await readJson(response).catch(() => undefined);
    throw new Error(`download of ${what} failed: HTTP ${response.status} ${describeTwilioError(response.status, body)}`);
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
