/**
 * JSON of the 2010-04-01 resources, following `api.v2010.account.message`,
 * `api.v2010.account.message.media` and the ListMessage / ListMedia pages of the spec (pure).
 */
import { rfc2822 } from './ids.js';
import type { MessageRecord, StoredMedia } from './state.js';

export const API_VERSION = '2010-04-01';

export function messageUri(accountSid: string, sid: string): string {
  return `/${API_VERSION}/Accounts/${accountSid}/Messages/${sid}`;
}

export function mediaUri(accountSid: string, messageSid: string, mediaSid: string): string {
  return `${messageUri(accountSid, messageSid)}/Media/${mediaSid}`;
}

export function messageJson(m: MessageRecord): Record<string, unknown> {
  const base = messageUri(m.accountSid, m.sid);
  return {
    account_sid: m.accountSid,
    api_version: API_VERSION,
    body: m.body,
    date_created: rfc2822(m.dateCreated),
    date_sent: m.dateSent === undefined ? null : rfc2822(m.dateSent),
    date_updated: rfc2822(m.dateUpdated),
    direction: m.direction,
    error_code: m.errorCode ?? null,
    error_message: m.errorMessage ?? null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid ?? null,
    num_media: String(m.direction === 'inbound' ? m.media.length : Math.max(m.media.length, m.mediaUrls.length)),
    num_segments: '1',
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: m.status,
    subresource_uris: { media: `${base}/Media.json`, feedback: `${base}/Feedback.json` },
    to: m.to,
    uri: `${base}.json`,
  };
}

export function mediaJson(m: MessageRecord, media: StoredMedia): Record<string, unknown> {
  return {
    account_sid: m.accountSid,
    content_type: media.contentType,
    date_created: rfc2822(media.dateCreated),
    date_updated: rfc2822(media.dateCreated),
    parent_sid: m.sid,
    sid: media.sid,
    uri: `${mediaUri(m.accountSid, m.sid, media.sid)}.json`,
  };
}

export interface PageRequest {
  page: number;
  pageSize: number;
  /** Items before and including the one this token names were on earlier pages. */
  pageToken?: string;
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  start: number;
  /** The token of the next page; undefined on the last one. */
  nextToken?: string;
}

/**
 * One page of `all` (already in answer order). Tokens are `PA` + the last SID handed out, so a page
 * stays right when new items arrive meanwhile.
 */
export function paginate<T extends { sid: string }>(all: T[], req: PageRequest): Paged<T> {
  let start = req.page * req.pageSize;
  if (req.pageToken !== undefined) {
    const after = all.findIndex((x) => `PA${x.sid}` === req.pageToken);
    start = after === -1 ? all.length : after + 1;
  }
  const items = all.slice(start, start + req.pageSize);
  const last = items.at(-1);
  const more = start + items.length < all.length;
  return { items, page: req.page, pageSize: req.pageSize, start, ...(more && last !== undefined ? { nextToken: `PA${last.sid}` } : {}) };
}

/** A query string in the order given, encoded like Twilio's own page URIs. */
export function queryString(params: Array<[string, string]>): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}
