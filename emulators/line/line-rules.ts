/**
 * Rules LINE enforces that the OpenAPI document does not state: text length, alt text length,
 * media URLs must be HTTPS (the emulator also accepts http on localhost so local tests work),
 * loading seconds in steps of 5. Same `{ message, property }` details as the schema validator.
 */
import type { SpecErrorDetail } from './spec-validator.js';

export const MAX_TEXT_LENGTH = 5000;
export const MAX_ALT_TEXT_LENGTH = 1500;
export const MAX_URL_LENGTH = 2000;

/** Properties that hold a media URL LINE's servers or the app fetch, anywhere in a message. */
const MEDIA_URL_KEYS = new Set([
  'originalContentUrl',
  'previewImageUrl',
  'thumbnailImageUrl',
  'baseUrl',
  'iconUrl',
  'imageUrl',
  'previewUrl',
]);
/** Flex components whose `url` is media. */
const FLEX_MEDIA_TYPES = new Set(['image', 'video', 'icon']);
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

type Json = Record<string, unknown>;
function isObj(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** HTTPS, or http to this machine. */
export function isAllowedMediaUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOCAL_HOSTS.has(url.hostname);
}

function checkMediaUrls(node: unknown, path: string, out: SpecErrorDetail[]): void {
  if (Array.isArray(node)) {
    node.forEach((item, i) => checkMediaUrls(item, `${path}[${i}]`, out));
    return;
  }
  if (!isObj(node)) return;
  for (const [key, value] of Object.entries(node)) {
    const prop = path === '' ? key : `${path}.${key}`;
    const isMedia = MEDIA_URL_KEYS.has(key) || (key === 'url' && FLEX_MEDIA_TYPES.has(String(node['type'])));
    if (isMedia && typeof value === 'string') {
      if (value.length > MAX_URL_LENGTH) out.push({ message: `Length must be between 0 and ${MAX_URL_LENGTH}`, property: prop });
      else if (!isAllowedMediaUrl(value)) out.push({ message: 'must be a valid HTTPS URL', property: prop });
    } else if (typeof value === 'object') {
      checkMediaUrls(value, prop, out);
    }
  }
}

function checkMessage(msg: unknown, path: string, out: SpecErrorDetail[]): void {
  if (!isObj(msg)) return;
  const text = msg['text'];
  if ((msg['type'] === 'text' || msg['type'] === 'textV2') && typeof text === 'string' && text.length > MAX_TEXT_LENGTH) {
    out.push({ message: `Length must be between 0 and ${MAX_TEXT_LENGTH}`, property: `${path}.text` });
  }
  const alt = msg['altText'];
  if (typeof alt === 'string' && alt.length > MAX_ALT_TEXT_LENGTH) {
    out.push({ message: `Length must be between 0 and ${MAX_ALT_TEXT_LENGTH}`, property: `${path}.altText` });
  }
  checkMediaUrls(msg, path, out);
}

/** Extra checks for any request body with `messages` (push, reply, multicast, validate/*). */
export function checkMessagesRules(body: unknown): SpecErrorDetail[] {
  const out: SpecErrorDetail[] = [];
  const messages = isObj(body) ? body['messages'] : undefined;
  if (Array.isArray(messages)) messages.forEach((m, i) => checkMessage(m, `messages[${i}]`, out));
  return out;
}

export function checkLoadingRules(body: unknown): SpecErrorDetail[] {
  const secs = isObj(body) ? body['loadingSeconds'] : undefined;
  if (typeof secs === 'number' && secs % 5 !== 0) {
    return [{ message: 'must be a multiple of 5', property: 'loadingSeconds' }];
  }
  return [];
}

/** Webhook URLs must be HTTPS too (localhost http allowed in the emulator). */
export function checkWebhookEndpointRules(body: unknown): SpecErrorDetail[] {
  const endpoint = isObj(body) ? body['endpoint'] : undefined;
  if (typeof endpoint === 'string' && endpoint !== '' && !isAllowedMediaUrl(endpoint)) {
    return [{ message: 'must be a valid HTTPS URL', property: 'endpoint' }];
  }
  return [];
}
