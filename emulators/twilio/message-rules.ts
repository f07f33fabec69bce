/**
 * Twilio's checks on POST …/Messages.json beyond the spec's schema, in the order Twilio applies
 * them, each answering its own error code (pure: the account and the parsed form in, the request
 * to create or the error body out).
 */
import { all, first } from './context.js';
import { parseContentVariables } from './content.js';
import { errorBody, TWILIO_ERRORS, type TwilioErrorBody } from './errors.js';
import { E164_RE, stripWhatsApp, WHATSAPP_ADDRESS_RE } from './ids.js';
import type { SpecErrorDetail } from './spec-validator.js';
import type { AccountRecord, ContentRecord, NumberRecord } from './state.js';

export const MAX_BODY = 1600;
export const MAX_MEDIA = 10;

export type Form = Record<string, string | string[]>;

export interface CreateRequest {
  from: NumberRecord;
  /** E.164 */
  to: string;
  body?: string;
  mediaUrls: string[];
  content?: ContentRecord;
  contentVariables?: Record<string, string>;
  statusCallback?: string;
  messagingServiceSid?: string;
}

export type CreateCheck = { ok: CreateRequest } | { error: TwilioErrorBody };

const bad = (e: Parameters<typeof errorBody>[1], fill: Record<string, string> = {}): { error: TwilioErrorBody } => ({
  error: errorBody(400, e, fill),
});

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The first schema error as Twilio would word it for that parameter. */
function schemaError(d: SpecErrorDetail, form: Form): { error: TwilioErrorBody } {
  const value = first(form[d.parameter]) ?? '';
  switch (d.parameter) {
    case 'StatusCallback':
      return bad(TWILIO_ERRORS.invalidStatusCallback, { value });
    case 'ContentSid':
      return bad(TWILIO_ERRORS.invalidContentSid);
    case 'MessagingServiceSid':
      return bad(TWILIO_ERRORS.invalidMessagingService, { value });
    case 'MediaUrl':
      return bad(TWILIO_ERRORS.invalidMediaUrl, { value: all(form['MediaUrl']).join(', ') });
    default:
      return bad(TWILIO_ERRORS.invalidParameter, { detail: d.message });
  }
}

/** Twilio's rules for POST …/Messages.json in the order it applies them; `schema` are the spec's findings. */
export function checkCreate(account: AccountRecord, form: Form, schema: SpecErrorDetail[]): CreateCheck {
  const to = first(form['To']) ?? '';
  const from = first(form['From']) ?? '';
  const body = first(form['Body']);
  const mediaUrls = all(form['MediaUrl']).filter((u) => u !== '');
  const contentSid = first(form['ContentSid']) ?? '';
  const service = first(form['MessagingServiceSid']) ?? '';
  if (to === '') return bad(TWILIO_ERRORS.toRequired);
  if (from === '' && service === '') return bad(TWILIO_ERRORS.fromRequired);
  if ((body ?? '') === '' && mediaUrls.length === 0 && contentSid === '') return bad(TWILIO_ERRORS.bodyRequired);
  const firstSchemaError = schema.find((d) => d.keyword !== 'required');
  if (firstSchemaError !== undefined) return schemaError(firstSchemaError, form);

  if (from === '') return bad(TWILIO_ERRORS.invalidMessagingService, { value: service }); // services are not modelled
  if (!WHATSAPP_ADDRESS_RE.test(from) && !E164_RE.test(from)) return bad(TWILIO_ERRORS.invalidFrom, { value: from });
  const number = WHATSAPP_ADDRESS_RE.test(from) ? account.numbers.get(stripWhatsApp(from)) : undefined;
  if (number === undefined) return bad(TWILIO_ERRORS.fromNotOwned, { value: from });
  if (!WHATSAPP_ADDRESS_RE.test(to)) {
    return E164_RE.test(to) ? bad(TWILIO_ERRORS.channelMismatch) : bad(TWILIO_ERRORS.invalidTo, { value: to });
  }
  if (body !== undefined && [...body].length > MAX_BODY) return bad(TWILIO_ERRORS.bodyTooLong);
  if (mediaUrls.length > MAX_MEDIA) return bad(TWILIO_ERRORS.tooManyMedia);
  const badUrls = mediaUrls.filter((u) => !isHttpUrl(u));
  if (badUrls.length > 0) return bad(TWILIO_ERRORS.invalidMediaUrl, { value: badUrls.join(', ') });
  const statusCallback = first(form['StatusCallback']);
  if (statusCallback !== undefined && statusCallback !== '' && !isHttpUrl(statusCallback)) {
    return bad(TWILIO_ERRORS.invalidStatusCallback, { value: statusCallback });
  }
  let content: ContentRecord | undefined;
  let contentVariables: Record<string, string> | undefined;
  if (contentSid !== '') {
    content = account.contents.get(contentSid);
    if (content === undefined) return bad(TWILIO_ERRORS.invalidContentSid);
    const raw = first(form['ContentVariables']);
    if (raw !== undefined && raw !== '') {
      contentVariables = parseContentVariables(raw);
      if (contentVariables === undefined) return bad(TWILIO_ERRORS.invalidContentVariables);
    }
  }
  return {
    ok: {
      from: number,
      to: stripWhatsApp(to),
      ...(body === undefined || body === '' ? {} : { body }),
      mediaUrls,
      ...(content === undefined ? {} : { content }),
      ...(contentVariables === undefined ? {} : { contentVariables }),
      ...(statusCallback === undefined || statusCallback === '' ? {} : { statusCallback }),
      ...(service === '' ? {} : { messagingServiceSid: service }),
    },
  };
}
