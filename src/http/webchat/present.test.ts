import { describe, expect, it } from 'vitest';
import type { Message } from '../../store/conversations-repo.js';
import { toWidgetMessage } from './present.js';

const base: Message = {
  id: 'msg_1',
  conversationId: 'conv_1',
  seq: 3,
  direction: 'out',
  senderType: 'agent',
  authorUserId: 'usr_1',
  content: { kind: 'text', text: '<img src=x onerror=alert(1)>' },
  providerMessageId: 'prov',
  status: 'sent',
  errorCode: 'E',
  errorMessage: 'internal detail',
  idempotencyKey: 'key',
  attempts: 1,
  createdAt: 1000,
  updatedAt: 1000,
};

describe('toWidgetMessage', () => {
  it('keeps text as text and leaves internal fields out', () => {
    expect(toWidgetMessage(base, 'Alex')).toEqual({
      id: 'msg_1',
      conversationId: 'conv_1',
      seq: 3,
      from: 'agent',
      agentName: 'Alex',
      text: '<img src=x onerror=alert(1)>',
      status: 'sent',
      at: 1000,
    });
  });

  it.each([
    [{ kind: 'image', media: { blobId: 'blob_1', contentType: 'image/png', size: 9, fileName: 'a.png' }, caption: 'look' }, { text: 'look', attachment: { kind: 'image', blobId: 'blob_1', contentType: 'image/png', size: 9, fileName: 'a.png' } }],
    [{ kind: 'file', media: { providerRef: 'x' } }, { attachment: { kind: 'file' } }],
    [{ kind: 'template', templateId: 't', name: 'n', language: 'en', variables: {}, text: 'Your order shipped' }, { text: 'Your order shipped' }],
    [{ kind: 'location', latitude: 1, longitude: 2, title: 'Shop' }, { text: '📍 Shop' }],
  ] as const)('maps %j', (content, expected) => {
    expect(toWidgetMessage({ ...base, content: content as Message['content'] })).toMatchObject(expected);
  });

  it('hides internal notes and events, shows automated messages; marks the customer’s own with its clientMessageId', () => {
    expect(toWidgetMessage({ ...base, senderType: 'system', direction: 'in' })).toBeUndefined();
    expect(toWidgetMessage({ ...base, senderType: 'system', authorUserId: null, content: { kind: 'text', text: 'An agent will be with you shortly' } })).toMatchObject({
      from: 'system',
      text: 'An agent will be with you shortly',
    });
    expect(toWidgetMessage({ ...base, senderType: 'system', content: { kind: 'event', name: 'automated_message_skipped' } })).toBeUndefined();
    expect(toWidgetMessage({ ...base, content: { kind: 'event', name: 'follow' } })).toBeUndefined();
    const mine = toWidgetMessage({ ...base, direction: 'in', senderType: 'customer', status: 'received', providerMessageId: 'c-1' }, 'ignored');
    expect(mine).toMatchObject({ from: 'customer', clientMessageId: 'c-1' });
    expect(mine).not.toHaveProperty('agentName');
  });
});
