/**
 * The form parameters of Twilio's incoming-WhatsApp-message webhook and of its status callbacks,
 * in the order Twilio sends them (pure; SIDs and URLs passed in).
 */
import { waId, whatsapp } from './ids.js';
import { API_VERSION } from './resources.js';

export type InboundKind =
  | { type: 'text' }
  | { type: 'media' }
  | { type: 'location'; latitude: number; longitude: number; address?: string; label?: string }
  | { type: 'button'; payload: string; text: string };

export interface InboundInput {
  accountSid: string;
  businessNumber: string;
  waNumber: string;
  profileName: string;
  sid: string;
  body: string;
  /** Absolute MediaUrlN values with their types. */
  media: Array<{ url: string; contentType: string }>;
  kind: InboundKind;
  /** The business message this one replies to (a quoted reply or a template's button). */
  repliedToSid?: string;
}

/** text | image | video | audio | document | location | button, as Twilio's MessageType says. */
export function messageType(input: Pick<InboundInput, 'kind' | 'media'>): string {
  if (input.kind.type !== 'media') return input.kind.type;
  const ct = input.media[0]?.contentType ?? '';
  if (ct.startsWith('image/')) return ct === 'image/webp' ? 'sticker' : 'image';
  if (ct.startsWith('video/')) return 'video';
  if (ct.startsWith('audio/')) return 'audio';
  return 'document';
}

export function inboundParams(i: InboundInput): Record<string, string> {
  const p: Record<string, string> = {};
  i.media.forEach((m, n) => {
    p[`MediaContentType${n}`] = m.contentType;
  });
  p['SmsMessageSid'] = i.sid;
  p['NumMedia'] = String(i.media.length);
  p['ProfileName'] = i.profileName;
  p['MessageType'] = messageType(i);
  p['SmsSid'] = i.sid;
  p['WaId'] = waId(i.waNumber);
  p['SmsStatus'] = 'received';
  p['Body'] = i.body;
  if (i.kind.type === 'button') {
    p['ButtonText'] = i.kind.text;
    p['ButtonPayload'] = i.kind.payload;
  }
  if (i.kind.type === 'location') {
    p['Latitude'] = String(i.kind.latitude);
    p['Longitude'] = String(i.kind.longitude);
    if (i.kind.address !== undefined) p['Address'] = i.kind.address;
    if (i.kind.label !== undefined) p['Label'] = i.kind.label;
  }
  p['To'] = whatsapp(i.businessNumber);
  if (i.repliedToSid !== undefined) {
    p['OriginalRepliedMessageSender'] = whatsapp(i.businessNumber);
    p['OriginalRepliedMessageSid'] = i.repliedToSid;
  }
  p['NumSegments'] = '1';
  p['ReferralNumMedia'] = '0';
  p['MessageSid'] = i.sid;
  p['AccountSid'] = i.accountSid;
  p['From'] = whatsapp(i.waNumber);
  i.media.forEach((m, n) => {
    p[`MediaUrl${n}`] = m.url;
  });
  p['ApiVersion'] = API_VERSION;
  p['ChannelMetadata'] = JSON.stringify({
    type: 'whatsapp',
    data: { context: { ProfileName: i.profileName, WaId: waId(i.waNumber) } },
  });
  return p;
}

export interface StatusCallbackInput {
  accountSid: string;
  sid: string;
  status: string;
  from: string;
  to: string;
  error?: { code: number; message: string };
}

export function statusCallbackParams(s: StatusCallbackInput): Record<string, string> {
  return {
    ...(s.error === undefined ? {} : { ErrorCode: String(s.error.code), ErrorMessage: s.error.message }),
    SmsSid: s.sid,
    SmsStatus: s.status,
    MessageStatus: s.status,
    ChannelToAddress: s.to.replace(/^whatsapp:/, ''),
    To: s.to,
    ChannelPrefix: 'whatsapp',
    MessageSid: s.sid,
    AccountSid: s.accountSid,
    From: s.from,
    ApiVersion: API_VERSION,
  };
}
