import { describe, expect, it } from 'vitest';
import { twilioWhatsAppAdapter } from './index.js';
import { twilioCredentialsSchema, twilioSettingsSchema } from './config.js';

const good = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '0123456789abcdef0123456789abcdef',
};

function issues(result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) {
  return (result.error?.issues ?? []).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

describe('Twilio credentials', () => {
  it('accepts what the console shows, trimming pasted whitespace', () => {
    expect(twilioCredentialsSchema.parse({ ...good, authToken: ` ${good.authToken}\n` })).toEqual(good);
    const withService = { ...good, messagingServiceSid: 'MG0123456789ABCDEF0123456789ABCDEF' };
    expect(twilioCredentialsSchema.parse(withService)).toEqual(withService);
  });

  it.each([
    ['an account sid without AC', { ...good, accountSid: 'XX0123456789abcdef0123456789abcdef' }, 'accountSid', /Account SID/],
    ['a short account sid', { ...good, accountSid: 'AC0123' }, 'accountSid', /32 hexadecimal/],
    ['a non-hex account sid', { ...good, accountSid: `AC${'z'.repeat(32)}` }, 'accountSid', /Account SID/],
    ['an empty auth token', { ...good, authToken: '   ' }, 'authToken', /Auth Token is required/],
    ['a missing auth token', { accountSid: good.accountSid }, 'authToken', /./],
    ['a messaging service sid without MG', { ...good, messagingServiceSid: 'PN0123456789abcdef0123456789abcdef' }, 'messagingServiceSid', /Messaging Service SID/],
  ])('refuses %s', (_name, input, field, message) => {
    const result = twilioCredentialsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const found = issues(result).find((i) => i.path === field);
    expect(found?.message).toMatch(message);
  });

  it('marks only the auth token as secured', () => {
    expect([...twilioWhatsAppAdapter.securedFields]).toEqual(['authToken']);
  });
});

describe('Twilio settings', () => {
  it('accepts numbers in E.164 and the sandbox flag', () => {
    const settings = { numbers: [{ name: 'Support', number: '+14155238886' }, { name: 'Sales', number: '+447700900123' }], sandbox: true };
    expect(twilioSettingsSchema.parse(settings)).toEqual(settings);
  });

  it.each([
    ['no numbers', { numbers: [] }, 'numbers', /at least one/],
    ['a missing numbers list', {}, 'numbers', /at least one/],
    ['a number with whatsapp: prefix', { numbers: [{ name: 'S', number: 'whatsapp:+14155238886' }] }, 'numbers.0.number', /E\.164/],
    ['a number without +', { numbers: [{ name: 'S', number: '14155238886' }] }, 'numbers.0.number', /leading \+/],
    ['a number starting with +0', { numbers: [{ name: 'S', number: '+04155238886' }] }, 'numbers.0.number', /E\.164/],
    ['a too short number', { numbers: [{ name: 'S', number: '+12345' }] }, 'numbers.0.number', /E\.164/],
    ['a too long number', { numbers: [{ name: 'S', number: '+1234567890123456' }] }, 'numbers.0.number', /E\.164/],
    ['an empty name', { numbers: [{ name: ' ', number: '+14155238886' }] }, 'numbers.0.name', /name/],
    [
      'the same number twice',
      { numbers: [{ name: 'A', number: '+14155238886' }, { name: 'B', number: '+14155238886' }] },
      'numbers.1.number',
      /listed twice/,
    ],
  ])('refuses %s', (_name, input, field, message) => {
    const result = twilioSettingsSchema.safeParse(input);
    expect(result.success).toBe(false);
    const found = issues(result).find((i) => i.path === field);
    expect(found?.message).toMatch(message);
  });
});

describe('Twilio adapter as data', () => {
  it('describes the channel', () => {
    const a = twilioWhatsAppAdapter;
    expect(a.kind).toBe('twilio-whatsapp');
    expect(a.capabilities).toMatchObject({
      messagingWindowHours: 24,
      templates: true,
      maxTextLength: 1600,
      inboundContent: ['text', 'image', 'video', 'audio', 'file', 'location', 'postback'],
      outboundContent: ['text', 'image', 'video', 'audio', 'file', 'template'],
      outboundMediaTypes: {
        image: ['image/jpeg', 'image/png'],
        video: ['video/mp4', 'video/3gpp'],
        audio: ['audio/ogg', 'audio/mpeg', 'audio/amr', 'audio/mp4', 'audio/aac'],
      },
    });
    expect(a.capabilities.outboundMediaTypes.file).toContain('application/pdf');
    expect(a.capabilities.outboundMediaTypes.file).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(Object.isFrozen(a)).toBe(true);
  });

  it('answers Twilio with empty TwiML and declares the status callback hook', () => {
    expect(twilioWhatsAppAdapter.webhookAck).toEqual({
      status: 200,
      contentType: 'text/xml',
      body: '<?xml version="1.0" encoding="UTF-8"?><Response/>',
    });
    expect(twilioWhatsAppAdapter.extraCallbacks).toEqual({ statusCallbackUrl: '/status' });
    expect(twilioWhatsAppAdapter.statusCallbackPath).toBe('/status');
  });
});
