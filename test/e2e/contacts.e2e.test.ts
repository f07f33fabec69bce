/**
 * Contacts: an agent links a LINE identity to a new or an existing contact; later conversations
 * from that identity belong to the contact; the customer summary lists them. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/api-client.js';
import { setUpLineChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

describe.each(STORE_KINDS)('contacts on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('links identities to contacts; later conversations attach; the summary shows them all', async () => {
    const ch = await setUpLineChannel(t);
    const first = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Mina' });
    await first.sendText('hello, first time');
    const conv1 = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0]);
    await ch.agent.post(`/api/conversations/${conv1.id}/pick`);

    const contact = await ch.agent.post(`/api/identities/${conv1.identityId}/link`, {
      create: { displayName: 'Mina Park', email: 'mina@example.test', phone: '+82 10 1234 5678' },
    });
    expect(contact.displayName).toBe('Mina Park');
    expect((await ch.agent.get(`/api/conversations/${conv1.id}`)).conversation.contactId).toBe(contact.id);
    await ch.agent.post(`/api/conversations/${conv1.id}/end`);
    await ch.agent.post(`/api/conversations/${conv1.id}/close`);

    // The same customer writes again: a new conversation, already the contact's.
    await first.sendText('back again');
    const conv2 = await eventually(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`)).find((c: any) => c.id !== conv1.id));
    expect(conv2.contactId).toBe(contact.id);

    // Another LINE user turns out to be the same person: link to the existing contact.
    const second = t.line.customer(ch.creds.channelId, undefined, { displayName: 'Mina (work phone)' });
    await second.sendText('it is me, from my other phone');
    const conv3 = await eventually(async () =>
      (await ch.agent.get(`/api/queues/${ch.queueId}/items`)).find((c: any) => c.identityId !== conv1.identityId),
    );
    await ch.agent.post(`/api/identities/${conv3.identityId}/link`, { contactId: contact.id });

    const found = await ch.agent.get('/api/contacts?q=mina');
    expect(found.map((c: any) => c.id)).toContain(contact.id);
    const summary = await ch.agent.get(`/api/contacts/${contact.id}/summary`);
    expect(summary.identities.map((i: any) => i.id).sort()).toEqual([conv1.identityId, conv3.identityId].sort());
    expect(summary.conversations.map((c: any) => c.id).sort()).toEqual([conv1.id, conv2.id, conv3.id].sort());
    const viaIdentity = await ch.agent.get(`/api/identities/${conv3.identityId}/summary`);
    expect(viaIdentity.contact.id).toBe(contact.id);

    const bad = await ch.agent.raw('POST', `/api/identities/${conv3.identityId}/link`, { contactId: 'ct_missing' });
    expect(bad.status).toBe(404);
  });
});
