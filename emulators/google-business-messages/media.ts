/**
 * Media in both directions. A customer's image reaches the business as a V4-style signed URL
 * (`/business-messages-us/{project}/{object}?x-goog-algorithm=…&x-goog-expires=604800&x-goog-signature=…`)
 * that the emulator serves until it expires, answering GCS's XML errors after. An image the business
 * sends is fetched from its `fileUrl` like Google does, and refused when it cannot be.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { googDate, newMediaObjectId } from './ids.js';

export const MEDIA_BUCKET = 'business-messages-us';
const MEDIA_PROJECT = '936640919331';
const CREDENTIAL_EMAIL = 'uranium@rcs-uranium.iam.gserviceaccount.com';
/** What Business Messages accepts for images (BusinessMessagesContentInfo.fileUrl). */
export const IMAGE_TYPES = new Set(['image/jpeg', 'image/jpg', 'image/png', 'image/webp']);
export const MAX_FILE_BYTES = 5 * 1024 * 1024;
export const MAX_THUMBNAIL_BYTES = 25 * 1024;

export interface StoredMedia {
  contentType: string;
  bytes: Buffer;
}

/** A GCS-style XML error document. */
export function gcsError(code: string, message: string, details?: string): string {
  return `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message>${details === undefined ? '' : `<Details>${details}</Details>`}</Error>`;
}

export type SignedFetch = { ok: true; media: StoredMedia } | { ok: false; status: number; xml: string };

/** Customers' images, served at expiring signed URLs. */
export class CustomerMediaStore {
  private readonly objects = new Map<string, StoredMedia>();
  private readonly key = randomBytes(32);

  constructor(
    private readonly now: () => number,
    private readonly ttlSec: number,
  ) {}

  private sign(path: string, query: string): string {
    return createHmac('sha256', this.key).update(`${path}\n${query}`).digest('hex');
  }

  /** Stores the bytes and answers the signed URL under `baseUrl`. */
  put(baseUrl: string, media: StoredMedia): string {
    const path = `/${MEDIA_BUCKET}/${MEDIA_PROJECT}/${newMediaObjectId()}`;
    this.objects.set(path, media);
    const date = googDate(this.now());
    const q = new URLSearchParams({
      'x-goog-algorithm': 'GOOG4-RSA-SHA256',
      'x-goog-credential': `${CREDENTIAL_EMAIL}/${date.slice(0, 8)}/auto/storage/goog4_request`,
      'x-goog-date': date,
      'x-goog-expires': String(this.ttlSec),
      'x-goog-signedheaders': 'host',
    }).toString();
    return `${baseUrl}${path}?${q}&x-goog-signature=${this.sign(path, q)}`;
  }

  /** A GET of a signed URL: the media, or GCS's answer for a bad, expired or unknown one. */
  get(path: string, rawQuery: string): SignedFetch {
    const m = /^(.*)&x-goog-signature=([0-9a-f]+)$/.exec(rawQuery);
    const given = Buffer.from(m?.[2] ?? '', 'hex');
    const expected = Buffer.from(this.sign(path, m?.[1] ?? ''), 'hex');
    if (m === undefined || m === null || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { ok: false, status: 403, xml: gcsError('SignatureDoesNotMatch', 'Access denied.', 'The request signature we calculated does not match the signature you provided.') };
    }
    const q = new URLSearchParams(m[1]);
    const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('x-goog-date') ?? '');
    const signedAt = date === null ? NaN : Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
    const expiresAt = signedAt + Number(q.get('x-goog-expires')) * 1000;
    if (!(this.now() < expiresAt)) {
      const at = Number.isNaN(expiresAt) ? 'unknown' : new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, '+00:00');
      return { ok: false, status: 400, xml: gcsError('ExpiredToken', 'Invalid argument.', `The provided token has expired. Request signature expired at: ${at}`) };
    }
    const media = this.objects.get(path);
    if (media === undefined) return { ok: false, status: 404, xml: gcsError('NoSuchKey', 'The specified key does not exist.') };
    return { ok: true, media };
  }
}

export type MediaFetch = { ok: true; media: StoredMedia } | { ok: false; reason: string };

/** Fetches a business's media URL like Google's servers: 2xx, an accurate image Content-Type, within the size. */
export async function fetchMedia(url: string, maxBytes: number, timeoutMs: number, signal: AbortSignal): Promise<MediaFetch> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) });
  } catch (err) {
    return { ok: false, reason: `could not be fetched (${err instanceof Error ? err.message : String(err)})` };
  }
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel();
    return { ok: false, reason: `answered HTTP ${res.status}` };
  }
  const contentType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!IMAGE_TYPES.has(contentType)) {
    await res.body?.cancel();
    return { ok: false, reason: `has Content-Type ${JSON.stringify(contentType)}; supported: ${[...IMAGE_TYPES].join(', ')}` };
  }
  const declared = Number(res.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await res.body?.cancel();
    return { ok: false, reason: `is ${declared} bytes; at most ${maxBytes} are allowed` };
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) return { ok: false, reason: `is ${bytes.length} bytes; at most ${maxBytes} are allowed` };
  return { ok: true, media: { contentType, bytes } };
}
