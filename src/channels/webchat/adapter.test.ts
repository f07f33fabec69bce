import { describe, expect, it } from 'vitest';
import { WebhookParseError } from '../adapter.js';
import { webChatAdapter } from './index.js';

const hook = { url: 'https://hub.example.com/webhooks/webchat/acc_1', headers: {}, body: Buffer.from('{}') };

describe('web chat adapter', () => {
  it('refuses every webhook: customers come through /webchat, never /webhooks', () => {
    expect(webChatAdapter.verify(hook, { identitySecret: 'x'.repeat(40) })).toEqual({ ok: false, status: 401, reason: 'web chat has no provider webhooks' });
    expect(() => webChatAdapter.parse(hook)).toThrow(WebhookParseError);
  });

  it('send confirms the stored message with its idempotency key; signals are a no-op success', async () => {
    const client = webChatAdapter.createClient({}, { baseUrls: {} });
    await expect(client.send({ idempotencyKey: 'k-1', recipient: 'v:1', content: { kind: 'text', text: 'hi' } })).resolves.toEqual({
      ok: true,
      providerMessageId: 'k-1',
    });
    await expect(client.sendSignal!('v:1', { type: 'typing_started', representative: { type: 'human' } }, 'k-2')).resolves.toEqual({ ok: true });
    expect(client.fetchProfile).toBeUndefined();
  });
});
