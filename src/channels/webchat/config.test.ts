import { describe, expect, it } from 'vitest';
import { webChatAdapter } from './index.js';
import { resolveWebChatSettings, webChatCredentialsSchema, webChatSettingsSchema } from './config.js';

describe('web chat settings', () => {
  it('normalises allowed origins and keeps them unique', () => {
    const s = webChatSettingsSchema.parse({
      allowedOrigins: ['https://Shop.Example.com/', 'https://shop.example.com', 'http://localhost:3000', 'http://127.0.0.1:8080', 'https://a.example:8443'],
    });
    expect(s.allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:3000', 'http://127.0.0.1:8080', 'https://a.example:8443']);
  });

  it.each([
    ['no origins', { allowedOrigins: [] }, /at least one allowed origin/],
    ['plain http on a public host', { allowedOrigins: ['http://shop.example.com'] }, /https/],
    ['a path', { allowedOrigins: ['https://shop.example.com/chat'] }, /origin only/],
    ['a wildcard', { allowedOrigins: ['https://*.example.com'] }, /wildcard|not an origin/],
    ['not a URL', { allowedOrigins: ['shop.example.com'] }, /not an origin/],
    ['a bad colour', { allowedOrigins: ['https://a.example'], accentColor: 'blue' }, /#rrggbb/],
    ['a bad field name', { allowedOrigins: ['https://a.example'], preChatFields: [{ name: 'Full name', label: 'x', type: 'text' }] }, /Field name/],
    ['duplicate fields', { allowedOrigins: ['https://a.example'], preChatFields: [{ name: 'a', label: 'A', type: 'text' }, { name: 'a', label: 'B', type: 'email' }] }, /unique/],
    ['a message limit over 10 000', { allowedOrigins: ['https://a.example'], maxMessageLength: 10_001 }, /10000/],
  ])('refuses %s', (_name, input, message) => {
    const r = webChatSettingsSchema.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.message).join(' ')).toMatch(message);
  });

  it('applies defaults when resolving', () => {
    expect(resolveWebChatSettings({ allowedOrigins: ['https://a.example'] })).toEqual({
      allowedOrigins: ['https://a.example'],
      title: 'Chat with us',
      accentColor: '#2563eb',
      preChatFields: [],
      maxMessageLength: 4000,
      messagesPerMinute: 20,
    });
    expect(resolveWebChatSettings({})).toBeUndefined();
    const f = resolveWebChatSettings({ allowedOrigins: ['https://a.example'], preChatFields: [{ name: 'email', label: 'E-mail', type: 'email' }] });
    expect(f?.preChatFields).toEqual([{ name: 'email', label: 'E-mail', type: 'email', required: false }]);
  });
});

describe('web chat credentials and capabilities', () => {
  it('the identity secret is optional, secured and long enough', () => {
    expect(webChatCredentialsSchema.parse({})).toEqual({});
    expect(webChatCredentialsSchema.safeParse({ identitySecret: 'short' }).success).toBe(false);
    expect(webChatCredentialsSchema.parse({ identitySecret: ` ${'k'.repeat(40)} ` })).toEqual({ identitySecret: 'k'.repeat(40) });
    expect(webChatAdapter.securedFields).toEqual(['identitySecret']);
  });

  it('describes the channel as data', () => {
    expect(webChatAdapter.kind).toBe('webchat');
    expect(webChatAdapter.displayName).toBe('Web chat');
    expect(webChatAdapter.capabilities).toMatchObject({
      templates: false,
      signals: true,
      inboundContent: ['text', 'image', 'file'],
      outboundContent: ['text', 'image', 'video', 'audio', 'file'],
    });
    expect(webChatAdapter.capabilities.messagingWindowHours).toBeUndefined();
    expect(Object.isFrozen(webChatAdapter)).toBe(true);
  });
});
