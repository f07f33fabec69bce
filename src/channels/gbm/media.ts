/**
 * Downloading what a customer sent: Google hands a short-lived signed Cloud Storage URL, fetched
 * as is, without our credentials (the signature in the URL is the authorization; our bearer token
 * must never go to a storage host). Failures throw an Error that says what failed; the caller
 * records it and retries.
 */
import type { DownloadedMedia } from '../adapter.js';
import type { GbmHttp } from './http.js';

export async function downloadGbmMedia(http: Pick<GbmHttp, 'fetchPublic'>, url: string, signal?: AbortSignal): Promise<DownloadedMedia> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('Business Messages media reference is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new Error(`Business Messages media reference is not an http(s) URL (${parsed.protocol})`);
  }
  // The query is the signature: keep it out of error messages and logs.
  const what = `Business Messages media ${parsed.origin}${parsed.pathname}`;
  let response: Response;
  try {
    response = await http.fetchPublic(url, signal);
  } catch (err) {
    throw new Error(`download of ${what} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (response.status !== 200) {
    await response.body?.cancel();
    const hint = response.status === 400 || response.status === 403 ? ' (the signed URL may have expired)' : '';
    throw new Error(`download of ${what} failed: HTTP ${response.status}${hint}`);
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

/** `attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.png` or `filename="a.png"`. */
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
