/** OutboundMessage → the form parameters of `POST /Messages.json`. Pure: no I/O, table-tested in render.test.ts. */
import type { OutboundMessage } from '../adapter.js';
import { TWILIO_MAX_TEXT_LENGTH, type TwilioCredentials } from './config.js';

/** Parameter name → value, in the order they are sent. */
export type TwilioMessageParams = Record<string, string>;

export type TwilioRenderErrorReason = 'unsupported' | 'too_long' | 'empty' | 'missing_media' | 'missing_template' | 'no_sender';

/** The content cannot be sent through Twilio WhatsApp; send.ts maps it to `invalid_request`. */
export class TwilioRenderError extends Error {
  override readonly name = 'TwilioRenderError';
  constructor(
    readonly reason: TwilioRenderErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** `+14155238886` → `whatsapp:+14155238886` (an address that already names its channel stays as it is). */
export function whatsappAddress(address: string): string {
  return /^whatsapp:/i.test(address) ? address : `whatsapp:${address}`;
}

export function renderTwilioMessage(
  message: Pick<OutboundMessage, 'recipient' | 'content' | 'mediaUrl' | 'address' | 'statusCallbackUrl'>,
  credentials: Pick<TwilioCredentials, 'messagingServiceSid'> = {},
): TwilioMessageParams {
  const params: TwilioMessageParams = {};
  if (!message.recipient.trim()) throw new TwilioRenderError('empty', 'the message has no recipient');
  params['To'] = whatsappAddress(message.recipient.trim());
  if (message.address) params['From'] = whatsappAddress(message.address);
  else if (credentials.messagingServiceSid) params['MessagingServiceSid'] = credentials.messagingServiceSid;
  else {
    throw new TwilioRenderError('no_sender', 'no WhatsApp number to send from, and the account has no Messaging Service SID');
  }

  const content = message.content;
  switch (content.kind) {
    case 'text':
      params['Body'] = checkedText(content.text, 'text');
      break;
    case 'image':
    case 'video':
    case 'audio':
    case 'file': {
      if (!content.media.blobId) throw new TwilioRenderError('missing_media', `the ${content.kind} has no stored blob to send`);
      if (!message.mediaUrl) throw new TwilioRenderError('missing_media', `no media URL resolver was given for the ${content.kind}`);
      const caption = content.caption?.trim();
      if (caption) params['Body'] = checkedText(caption, 'caption');
      params['MediaUrl'] = message.mediaUrl(content.media.blobId);
      break;
    }
    case 'template':
      if (!content.providerTemplateId) {
        throw new TwilioRenderError('missing_template', `template "${content.name}" has no Twilio Content SID; import it from Twilio first`);
      }
      params['ContentSid'] = content.providerTemplateId;
      params['ContentVariables'] = JSON.stringify(content.variables);
      break;
    case 'location':
    case 'sticker':
    case 'postback':
    case 'event':
      throw new TwilioRenderError('unsupported', `WhatsApp through Twilio cannot send ${content.kind} messages`);
  }
  if (message.statusCallbackUrl) params['StatusCallback'] = message.statusCallbackUrl;
  return params;
}

function checkedText(text: string, what: string): string {
  if (text.length === 0) throw new TwilioRenderError('empty', `WhatsApp cannot send an empty ${what}`);
  if (text.length > TWILIO_MAX_TEXT_LENGTH) {
    throw new TwilioRenderError('too_long', `${what} is ${text.length} characters; Twilio allows at most ${TWILIO_MAX_TEXT_LENGTH}`);
  }
  return text;
}
