/**
 * Content API resources (twilio_content_v1.yaml: `content.v1.content`,
 * `content.v1.content_and_approvals`, `content.v1.content.approval_fetch`) and template rendering (pure).
 * Resource URLs point at the emulator's base URL, so SDK paging and links stay on the emulator.
 */
import { iso8601 } from './ids.js';
import type { ContentRecord } from './state.js';

/**
 * `{{1}}`, `{{name}}` replaced by the given variables, then the content's defaults; a placeholder
 * with neither stays as it is.
 */
export function renderTemplate(body: string, defaults: Record<string, string>, given: Record<string, string> = {}): string {
  return body.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, key: string) => given[key] ?? defaults[key] ?? whole);
}

/**
 * ContentVariables as sent: a JSON object whose values are strings (numbers and booleans are
 * taken as their text, as Twilio does). undefined when it is not that.
 */
export function parseContentVariables(raw: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else return undefined;
  }
  return out;
}

export function contentUrl(baseUrl: string, sid: string): string {
  return `${baseUrl}/v1/Content/${sid}`;
}

export function contentJson(c: ContentRecord, baseUrl: string): Record<string, unknown> {
  const url = contentUrl(baseUrl, c.sid);
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    language: c.language,
    variables: c.variables,
    types: { 'twilio/text': { body: c.body } },
    url,
    date_created: iso8601(c.dateCreated),
    date_updated: iso8601(c.dateCreated),
    links: { approval_create: `${url}/ApprovalRequests/whatsapp`, approval_fetch: `${url}/ApprovalRequests` },
  };
}

/** The WhatsApp approval request, as ContentAndApprovals and ApprovalRequests show it. */
export function approvalJson(c: ContentRecord): Record<string, unknown> {
  const submitted = c.approval !== 'unsubmitted';
  return {
    name: submitted ? templateName(c.friendlyName) : '',
    category: submitted ? c.category : '',
    content_type: submitted ? 'twilio/text' : '',
    status: c.approval,
    rejection_reason: c.approval === 'rejected' ? 'The template was rejected by WhatsApp (emulated).' : '',
    allow_category_change: true,
  };
}

export function contentAndApprovalsJson(c: ContentRecord): Record<string, unknown> {
  return {
    date_created: iso8601(c.dateCreated),
    date_updated: iso8601(c.dateCreated),
    sid: c.sid,
    account_sid: c.accountSid,
    friendly_name: c.friendlyName,
    language: c.language,
    variables: c.variables,
    types: { 'twilio/text': { body: c.body } },
    approval_requests: approvalJson(c),
  };
}

export function approvalFetchJson(c: ContentRecord, baseUrl: string): Record<string, unknown> {
  return {
    sid: c.sid,
    account_sid: c.accountSid,
    whatsapp: { type: 'whatsapp', ...approvalJson(c) },
    url: `${contentUrl(baseUrl, c.sid)}/ApprovalRequests`,
  };
}

/** WhatsApp template names are lower-case with underscores. */
function templateName(friendlyName: string): string {
  return friendlyName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'template';
}
