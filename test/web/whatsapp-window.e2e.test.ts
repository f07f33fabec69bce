/**
 * The 24-hour rule in the browser, with WhatsApp through the Twilio emulator: the customer wrote
 * 25 hours ago, so the agent sees "The 24-hour window closed at …" and, instead of the reply box,
 * the template picker; the admin imports the templates in the admin centre; the agent fills the
 * {{n}} variables and sends the template, which reaches the customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Clock } from '../../src/lib/clock.js';
import { ADMIN, setUpTwilioChannel, type TestHub } from '../support/hub.js';
import { launchBrowser, openPage, screenshot, startWebTestHub } from '../support/browser.js';

const HOUR = 3_600_000;

/** Real time plus an offset: the hub lives 25 hours in the past until the test brings it back. */
class ShiftedClock implements Clock {
  constructor(private offset = 0) {}
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    this.offset += ms;
  }
}

describe('WhatsApp 24-hour window in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  const clock = new ShiftedClock(-25 * HOUR);

  beforeAll(async () => {
    [t, browser] = await Promise.all([startWebTestHub('sqlite', { clock }), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the closed window and sends an approved template with its variables', async () => {
    const ch = await setUpTwilioChannel(t);
    t.twilio.addContent(ch.creds.accountSid, {
      friendlyName: 'order_update',
      language: 'en',
      body: 'Hi {{1}}, your order {{2}} has an update.',
      approval: 'approved',
    });
    const customer = t.twilio.customer(ch.creds.accountSid, ch.number, '+393339999999', 'Marco Rossi');
    expect((await customer.sendText('Any news on my order?')).status).toBe(200);
    // Give ingest a moment to store it 25 hours ago, then bring the hub back to now.
    const deadline = Date.now() + 10_000;
    while ((await t.admin.get(`/api/queues/${ch.queueId}/items`)).length === 0) {
      if (Date.now() > deadline) throw new Error('the conversation never reached the queue');
      await new Promise((r) => setTimeout(r, 50));
    }
    clock.advance(25 * HOUR);

    // The admin imports the approved templates in the admin centre.
    const adminCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const a = await openPage(adminCtx);
    await a.page.goto(`${t.url}/admin/templates`);
    await a.page.getByLabel('Email').fill(ADMIN.email);
    await a.page.getByLabel('Password').fill(ADMIN.password);
    await a.page.getByRole('button', { name: 'Sign in' }).click();
    await a.page.getByRole('heading', { name: 'Message templates' }).waitFor();
    await a.page.getByLabel('Messaging account').selectOption({ label: `${ch.account.name} (WhatsApp)` });
    await a.page.getByRole('button', { name: 'Import from provider' }).click();
    await a.page.getByText('Imported 1 template: 1 added, 0 updated.').waitFor();
    await a.page.getByRole('cell', { name: 'order_update' }).waitFor();
    await screenshot(a.page, '12-admin-templates');

    // The agent opens the conversation: the window is closed, the template picker replaces the reply box.
    const agentCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const g = await openPage(agentCtx);
    const agent = g.page;
    await agent.goto(`${t.url}/workspace`);
    await agent.getByLabel('Email').fill(ch.agentEmail);
    await agent.getByLabel('Password').fill(ch.agentPassword);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('button', { name: 'Pick the conversation with Marco Rossi' }).click();
    await agent.getByRole('heading', { name: 'Marco Rossi', level: 1 }).waitFor();
    await agent.getByText(/^The 24-hour window closed at .+\. Only an approved template can be sent now\.$/).waitFor();
    expect(await agent.getByRole('textbox', { name: 'Reply' }).count()).toBe(0);

    await agent.getByLabel('Template').selectOption({ label: 'order_update (en)' });
    await agent.getByLabel('Value for {{1}}').fill('Marco');
    await agent.getByLabel('Value for {{2}}').fill('A-17');
    await agent.getByText('Hi Marco, your order A-17 has an update.').waitFor();
    await screenshot(agent, '13-workspace-window-closed');
    await agent.getByRole('button', { name: 'Send template' }).click();

    const log = agent.getByRole('log', { name: 'Messages' });
    await log.locator('li.msg-out').getByText('Hi Marco, your order A-17 has an update.').waitFor();
    await log.getByText('Template: order_update').waitFor();
    // The inbox may also hold an automated greeting: look for the template among what arrived.
    const templateSent = async () => {
      const until = Date.now() + 10_000;
      for (;;) {
        const inbox = await customer.waitForInbox(1, 10_000);
        const found = inbox.find((m) => m.contentSid);
        if (found || Date.now() > until) return found;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    expect((await templateSent())?.renderedText).toBe('Hi Marco, your order A-17 has an update.');
    // Twilio reports sent, delivered, then read: the ticks turn blue.
    await log.locator('li.msg-out[data-sender="agent"] .ticks[data-status="read"]').waitFor({ timeout: 10_000 });
    await screenshot(agent, '14-workspace-template-sent');

    // The session probe (GET /api/me) answers 401 before sign-in; the browser logs that, nothing else may be logged.
    // The WhatsApp account form: Account SID, a secured Auth Token, and rows of WhatsApp numbers.
    const admin = a.page;
    await admin.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Messaging accounts' }).click();
    await admin.getByRole('link', { name: 'New messaging account' }).click();
    await admin.getByRole('radio', { name: /WhatsApp/ }).check();
    await admin.getByRole('button', { name: 'Next' }).click();
    expect(await admin.getByLabel('Auth Token').getAttribute('type')).toBe('password');
    await admin.getByRole('button', { name: 'Add another' }).click();
    await admin.getByLabel('Name 1').fill('Support EU');
    await admin.getByLabel('Number (E.164) 1').fill('+14155550199');
    await screenshot(admin, '15-admin-account-form-whatsapp');

    // Deleting an account asks first, and says what happens to history and webhooks.
    await admin.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Messaging accounts' }).click();
    await admin.getByRole('link', { name: ch.account.name }).click();
    await admin.getByText(`${ch.account.callbackUrl}/status`).waitFor();
    await admin.getByRole('button', { name: 'Delete' }).click();
    const dialog = admin.getByRole('dialog', { name: `Delete ${ch.account.name}?` });
    await dialog.getByText('Its conversations and messages are kept and stay readable.').waitFor();
    await dialog.getByText(/Its webhooks stop/).waitFor();
    await screenshot(admin, '16-admin-account-delete');
    await dialog.getByRole('button', { name: 'Delete messaging account' }).click();
    await admin.getByText('No messaging accounts yet.').waitFor();
    expect((await fetch(ch.account.callbackUrl, { method: 'POST', body: '' })).status).toBe(404);

    for (const w of [a, g]) expect(w.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await adminCtx.close();
    await agentCtx.close();
  }, 120_000);
});
