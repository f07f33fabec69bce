import { describe, expect, it } from 'vitest';
import { lineAdapter } from './index.js';
import { lineCredentialsSchema, lineSettingsSchema } from './config.js';

const good = {
  channelId: '1657000000',
  channelSecret: '0123456789abcdef0123456789abcdef',
  channelAccessToken: 'eyJhbGciOi...long-lived',
};

describe('LINE credentials', () => {
  it('accepts what the console shows, trimming pasted whitespace', () => {
    expect(lineCredentialsSchema.parse({ ...good, channelSecret: ` ${good.channelSecret}\n` })).toEqual(good);
  });

  it.each([
    ['a non-numeric channel id', { ...good, channelId: 'abc' }, 'channelId'],
    ['a short secret', { ...good, channelSecret: '0123' }, 'channelSecret'],
    ['a non-hex secret', { ...good, channelSecret: 'z'.repeat(32) }, 'channelSecret'],
    ['an empty token', { ...good, channelAccessToken: '  ' }, 'channelAccessToken'],
    ['a missing token', { channelId: good.channelId, channelSecret: good.channelSecret }, 'channelAccessToken'],
  ])('refuses %s', (_name, input, field) => {
    const result = lineCredentialsSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('marks the secret and the token as secured', () => {
    expect([...lineAdapter.securedFields].sort()).toEqual(['channelAccessToken', 'channelSecret']);
  });
});

describe('LINE settings and capabilities', () => {
  it('settings are optional', () => {
    expect(lineSettingsSchema.parse({})).toEqual({});
    expect(lineSettingsSchema.parse({ botUserId: 'Ubot' })).toEqual({ botUserId: 'Ubot' });
  });

  it('describes the channel as data', () => {
    expect(lineAdapter.kind).toBe('line');
    expect(lineAdapter.capabilities).toEqual({
      templates: false,
      profiles: true,
      maxTextLength: 5000,
      inboundContent: ['text', 'image', 'video', 'audio', 'file', 'location', 'sticker', 'postback'],
      outboundContent: ['text', 'image', 'video', 'audio', 'location', 'sticker'],
      outboundMediaTypes: {
        image: ['image/jpeg', 'image/png'],
        video: ['video/mp4'],
        audio: ['audio/m4a', 'audio/mp4', 'audio/x-m4a'],
      },
    });
    expect(lineAdapter.capabilities.messagingWindowHours).toBeUndefined();
    expect(Object.isFrozen(lineAdapter)).toBe(true);
  });
});
