/**
 * Routing rules read the customer's phone number (WhatsApp) and the linked contact's fields,
 * besides the conversation's own context. Both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/api-client.js';
import { setUpTwilioChannel, startTestHub, type TestHub } from '../support/hub.js';
import { STORE_KINDS } from '../support/stores.js';

describe.each(STORE_KINDS)('routing context on %s', (kind) => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('routes by phone number prefix and by a contact field', async () => {
    const ch = await setUpTwilioChannel(t);
    const italy = await t.admin.post('/api/queues', { name: 'Italia' });
    const vip = await t.admin.post('/api/queues', { name: 'VIP' });
    await t.admin.call('PUT', `/api/workstreams/${ch.workstream.id}/routing`, {
      routeToQueue: {
        id: 'r',
        rules: [
          { id: 'vip', condition: { field: 'contact.tier', op: 'equals', value: 'gold' }, queueId: vip.id },
          { id: 'it', condition: { field: 'phone', op: 'startsWith', value: '+39' }, queueId: italy.id },
        ],
      },
    });
    await t.twilio.customer(ch.creds.accountSid, ch.number, '+393471112223', 'Luca').sendText('ciao');
    const it1 = await eventually(async () => (await t.admin.get(`/api/queues/${italy.id}/items`))[0], 5000, 'routed by phone');
    expect(it1.context.routing.ruleId).toBe('it');

    // A known customer linked to a gold contact goes to VIP on their next conversation.
    const contact = await t.admin.post('/api/contacts', { displayName: 'Luca Rossi', fields: { tier: 'gold' } });
    await t.admin.post(`/api/identities/${it1.identityId}/link`, { contactId: contact.id });
    await t.admin.post(`/api/conversations/${it1.id}/force-close`);
    await t.twilio.customer(ch.creds.accountSid, ch.number, '+393471112223', 'Luca').sendText('ciao di nuovo');
    const again = await eventually(async () => (await t.admin.get(`/api/queues/${vip.id}/items`))[0], 5000, 'routed by contact field');
    expect(again.context.routing.ruleId).toBe('vip');
    expect(again.contactId).toBe(contact.id);
  });
});
