/**
 * X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + sorted POST params as name+value)).
 * JSON bodies instead carry `bodySHA256` (hex SHA-256 of the body) in the URL, and the signature
 * covers the URL alone. Accepts the URL variants twilio-node's validateRequest accepts (default
 * port added or removed, legacy query-string encoding). Fails closed, always 403.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parse as parseQuery, stringify as stringifyQuery } from 'node:querystring';
import type { RawWebhook, VerifyResult } from '../adapter.js';
import type { TwilioCredentials } from './config.js';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

/** Params in arrival order; a repeated name appears once with all its values. */
export type SignedParams = ReadonlyArray<readonly [name: string, values: ReadonlyArray<string>]>;

export function twilioSignature(authToken: string, url: string, data: string = ''): string {
  return createHmac('sha1', authToken).update(Buffer.from(url + data, 'utf8')).digest('base64');
}

/**
 * The string appended to the URL: names sorted (code-unit order, as JavaScript's sort), each
 * followed by its value. A repeated name contributes each of its values: sorted and de-duplicated
 * as twilio-node and twilio-python do (`sorted: true`), or in arrival order (`sorted: false`).
 */
export function signedData(params: SignedParams, options: { sorted: boolean } = { sorted: true }): string {
  const names = params.map(([name]) => name).sort();
  const byName = new Map(params.map(([name, values]) => [name, values]));
  let data = '';
  for (const name of names) {
    const values = byName.get(name) ?? [];
    const list = options.sorted ? [...new Set(values)].sort() : values;
    for (const value of list) data += name + value;
  }
  return data;
}

/** Form body → params grouped by name, in order of first appearance. */
export function formParams(body: string): SignedParams {
  const grouped = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    const list = grouped.get(name);
    if (list) list.push(value);
    else grouped.set(name, [value]);
  }
  return [...grouped];
}

/** The URLs Twilio may have signed for `url`: as given, with the default port, without the port, legacy query encodings. */
export function urlVariants(url: string): string[] {
  const variants = new Set<string>([url]);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [...variants];
  }
  const withPort = addPort(parsed);
  const withoutPort = removePort(parsed);
  for (const u of [withPort, withoutPort]) {
    variants.add(u);
    variants.add(withLegacyQuery(u));
  }
  return [...variants];
}

function addPort(u: URL): string {
  if (u.port) return u.toString();
  const port = u.protocol === 'https:' ? '443' : u.protocol === 'http:' ? '80' : '';
  if (!port) return u.toString();
  const auth = u.username || u.password ? `${u.username}${u.password ? `:${u.password}` : ''}@` : '';
  return `${u.protocol}//${auth}${u.hostname}:${port}${u.pathname}${u.search}${u.hash}`;
}

function removePort(u: URL): string {
  const copy = new URL(u.toString());
  copy.port = '';
  return copy.toString();
}

/** The query string as Node's querystring module re-encodes it (older Twilio signers). */
function withLegacyQuery(url: string): string {
  const u = new URL(url);
  if (!u.search) return url;
  const qs = stringifyQuery(parseQuery(u.search.slice(1)));
  u.search = '';
  return `${u.toString()}?${qs}`;
}

function reject(reason: string): VerifyResult {
  return { ok: false, status: 403, reason };
}

function equalText(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function verifyTwilioWebhook(
  webhook: RawWebhook,
  credentials: Pick<TwilioCredentials, 'authToken'>,
): VerifyResult {
  try {
    const token: unknown = credentials.authToken;
    if (typeof token !== 'string' || token.length === 0) return reject('Twilio auth token is not configured');
    if (!Buffer.isBuffer(webhook.body)) return reject('webhook body is not raw bytes');
    const header: unknown = webhook.headers[TWILIO_SIGNATURE_HEADER];
    if (typeof header !== 'string' || header.length === 0) return reject('missing X-Twilio-Signature header');

    let url: URL;
    try {
      url = new URL(webhook.url);
    } catch {
      return reject(`webhook URL "${webhook.url}" is not a URL`);
    }
    const bodySha = url.searchParams.get('bodySHA256');
    let datas: string[];
    if (bodySha !== null) {
      // JSON (non-form) body: the URL pins the body's hash, the signature pins the URL.
      const actual = createHash('sha256').update(webhook.body).digest('hex');
      if (!equalText(bodySha.toLowerCase(), actual)) return reject('bodySHA256 does not match the body');
      datas = [''];
    } else {
      const params = formParams(webhook.body.toString('utf8'));
      const sorted = signedData(params, { sorted: true });
      const inOrder = signedData(params, { sorted: false });
      datas = sorted === inOrder ? [sorted] : [sorted, inOrder];
    }

    // Each comparison is constant-time; stopping at the first match tells a caller only that the
    // signature it already holds is valid. A forged one is still checked against every variant.
    for (const candidate of urlVariants(webhook.url)) {
      for (const data of datas) {
        if (equalText(header, twilioSignature(token, candidate, data))) return { ok: true };
      }
    }
    return reject('X-Twilio-Signature does not match the URL, the parameters and the auth token');
  } catch (err) {
    return reject(`signature check failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
