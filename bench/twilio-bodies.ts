/**
 * Signed Twilio WhatsApp webhooks (an incoming text message), made before they are sent: the form
 * parameters the Twilio emulator sends, in Twilio's order, with a unique MessageSid per body.
 * X-Twilio-Signature = base64(HMAC-SHA1(auth token, webhook URL + sorted names and values)), as
 * twilio-node's validateRequest checks it; the URL is the hub's own webhook URL.
 */
import { inboundParams } from '../emulators/twilio/inbound.js';
import { formBody, twilioSignature, WEBHOOK_USER_AGENT } from '../emulators/twilio/webhook-sender.js';
import { BodyPool, type PoolSpec, type SignedBody } from './line-bodies.js';

export interface TwilioBodySpec extends PoolSpec {
  accountSid: string;
  authToken: string;
  /** The business's WhatsApp number (E.164) the customers write to. */
  businessNumber: string;
  /** The webhook URL exactly as the hub will rebuild it (its public URL + path). */
  url: string;
}

export class TwilioBodies extends BodyPool {
  constructor(private readonly spec: TwilioBodySpec) {
    super(spec);
  }

  /** A customer's WhatsApp number: +1 555 and eight digits from the run tag and the sender. */
  userId(sender: number): string {
    return `+1555${String((parseInt(this.tag.slice(0, 4), 16) * 10_000 + sender) % 1e8).padStart(8, '0')}`;
  }

  protected make(k: number, sender: number): SignedBody {
    const sid = `SM${this.tag}${this.bornMs.toString(16).padStart(12, '0')}${k.toString(16).padStart(12, '0')}`;
    const params = inboundParams({
      accountSid: this.spec.accountSid,
      businessNumber: this.spec.businessNumber,
      waNumber: this.userId(sender),
      profileName: `Bench customer ${sender}`,
      sid,
      body: `Hello from bench message ${k}`,
      media: [],
      kind: { type: 'text' },
    });
    const signature = twilioSignature(this.spec.authToken, this.spec.url, params);
    return {
      body: Buffer.from(formBody(params), 'utf8'),
      signature,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': WEBHOOK_USER_AGENT, 'x-twilio-signature': signature },
    };
  }
}
