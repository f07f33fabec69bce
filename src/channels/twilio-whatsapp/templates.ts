/**
 * The account's templates from the Content API (`GET /v1/ContentAndApprovals`), page by page,
 * with their WhatsApp approval state. Failures throw an Error that says what failed.
 */
import { z } from 'zod';
import type { ProviderTemplate } from '../adapter.js';
import { describeTwilioError } from './errors.js';
import { readJson, type TwilioHttp } from './http.js';

export const TEMPLATES_PAGE_SIZE = 100;
/** 100 pages of 100: far more templates than any account has; stops a looping `next_page_url`. */
export const MAX_TEMPLATE_PAGES = 100;

const typeSchema = z.looseObject({ body: z.string().nullish() });
const approvalSchema = z.looseObject({ status: z.string().nullish() });

const contentSchema = z.looseObject({
  sid: z.string().min(1),
  friendly_name: z.string().nullish(),
  language: z.string().nullish(),
  variables: z.record(z.string(), z.unknown()).nullish(),
  types: z.record(z.string(), z.unknown()).nullish(),
  approval_requests: z.unknown().optional(),
});

const pageSchema = z.object({
  contents: z.array(z.unknown()),
  meta: z.object({ next_page_url: z.string().nullish() }).optional(),
});

export async function listTwilioTemplates(http: TwilioHttp, signal?: AbortSignal): Promise<ProviderTemplate[]> {
  const templates: ProviderTemplate[] = [];
  let url: string | undefined = `${http.contentBase}/v1/ContentAndApprovals?PageSize=${TEMPLATES_PAGE_SIZE}`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= MAX_TEMPLATE_PAGES) throw new Error(`Twilio templates: more than ${MAX_TEMPLATE_PAGES} pages; giving up`);
    let response: Response;
    try {
      response = await http.request(url, {}, signal);
    } catch (err) {
      throw new Error(`Twilio templates could not be listed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const body = await readJson(response);
    if (!response.ok) {
      throw new Error(`Twilio templates could not be listed: HTTP ${response.status} ${describeTwilioError(response.status, body)}`);
    }
    const parsed = pageSchema.safeParse(body);
    if (!parsed.success) throw new Error('Twilio templates: unexpected answer (no "contents" list)');
    for (const item of parsed.data.contents) {
      const template = toProviderTemplate(item);
      if (template) templates.push(template);
    }
    url = nextPage(http.contentBase, parsed.data.meta?.next_page_url);
  }
  return templates;
}

/** One Content resource → ProviderTemplate; undefined for an item without a sid. */
export function toProviderTemplate(item: unknown): ProviderTemplate | undefined {
  const parsed = contentSchema.safeParse(item);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  const variables = c.variables ? Object.fromEntries(Object.entries(c.variables).map(([k, v]) => [k, stringOf(v)])) : undefined;
  return {
    providerTemplateId: c.sid,
    name: c.friendly_name ?? c.sid,
    language: c.language ?? '',
    text: textOf(c.types),
    status: approvalStatusOf(c.approval_requests),
    ...(variables && Object.keys(variables).length > 0 ? { variables } : {}),
  };
}

/** `types['twilio/text'].body`, else the first type that has a body. */
function textOf(types: Record<string, unknown> | null | undefined): string {
  if (!types) return '';
  const text = typeSchema.safeParse(types['twilio/text']);
  if (text.success && text.data.body) return text.data.body;
  for (const value of Object.values(types)) {
    const t = typeSchema.safeParse(value);
    if (t.success && t.data.body) return t.data.body;
  }
  return '';
}

/** `approval_requests.status` (an object; older answers nest it under `whatsapp` or send a list), lower-case. */
function approvalStatusOf(value: unknown): string {
  const candidates = Array.isArray(value) ? value : [value, isRecord(value) ? value['whatsapp'] : undefined];
  for (const candidate of candidates) {
    const parsed = approvalSchema.safeParse(candidate);
    if (parsed.success && parsed.data.status) return parsed.data.status.toLowerCase();
  }
  return 'unsubmitted';
}

/** The next page on the configured host (the API names its own host, which an emulator or proxy replaces). */
function nextPage(base: string, next: string | null | undefined): string | undefined {
  if (!next) return undefined;
  try {
    const u = new URL(next, base);
    return `${base}${u.pathname}${u.search}`;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? '';
}
