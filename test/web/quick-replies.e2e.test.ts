/**
 * Quick replies and survey settings in Chromium: an admin adds a quick reply with {CustomerName}
 * and {AgentName} and turns on an inline survey for a LINE channel instance in the admin centre;
 * an agent opens the quick replies from the reply box with the keyboard, filters, chooses one,
 * edits the filled-in text and sends it; the customer's LINE inbox has it with their name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, screenshot, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import { queuedConversation, received, setUpLine } from '../support/customer-messages.js';
import { ADMIN, type TestHub } from '../support/hub.js';

describe('quick replies and survey settings in Chromium', () => {
  let t: TestHub;
  let browser: Browser;
  const watches: PageWatch[] = [];

  beforeAll(async () => {
    [t, browser] = await Promise.all([startWebTestHub('sqlite'), launchBrowser()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('an admin adds a quick reply and an inline survey; an agent answers a LINE customer with the quick reply', async () => {
    const s = await setUpLine(t);
    const instance = (await t.admin.get(`/api/channel-instances/${s.instanceId}`)) as { name: string };

    // ── the admin: a quick reply, then the instance's survey ───────────────────────────────
    const adminCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const a = await openPage(adminCtx);
    watches.push(a);
    const admin = a.page;
    await signIn(admin, t.url, ADMIN.email, ADMIN.password, '/admin/quick-replies');
    await admin.getByRole('heading', { name: 'Quick replies', level: 1 }).waitFor();
    await admin.getByText('No quick replies yet.').waitFor();
    await admin.getByLabel('Title').fill('Greeting');
    await admin.getByLabel('Text', { exact: true }).fill('Hello {CustomerName}, this is {AgentName}.');
    await admin.getByRole('button', { name: 'Add quick reply' }).click();
    await admin.getByRole('cell', { name: 'Hello {CustomerName}, this is {AgentName}.' }).waitFor();
    await admin.getByRole('button', { name: 'Edit Greeting' }).click();
    await admin.getByRole('heading', { name: 'Edit quick reply' }).waitFor();
    await admin.getByLabel('Text', { exact: true }).fill('Hello {CustomerName}, this is {AgentName}. How can I help?');
    await admin.getByRole('button', { name: 'Save changes' }).click();
    await admin.getByRole('cell', { name: 'Hello {CustomerName}, this is {AgentName}. How can I help?' }).waitFor();
    // A second one, added and deleted again.
    await admin.getByLabel('Title').fill('Goodbye');
    await admin.getByLabel('Text', { exact: true }).fill('Bye!');
    await admin.getByRole('button', { name: 'Add quick reply' }).click();
    await admin.getByRole('button', { name: 'Delete Goodbye' }).click();
    await admin.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await admin.getByRole('cell', { name: 'Bye!' }).waitFor({ state: 'detached' });
    await screenshot(admin, 'quick-replies-admin');
    const stored = (await t.admin.get('/api/quick-replies')) as Array<{ title: string; language: string }>;
    expect(stored).toMatchObject([{ title: 'Greeting', language: '' }]);

    await admin.getByRole('navigation', { name: 'Admin centre' }).getByRole('link', { name: 'Channel instances' }).click();
    await admin.getByRole('row', { name: new RegExp(instance.name) }).getByRole('button', { name: 'Survey settings' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('switch', { name: 'Send a survey when a conversation closes' }).check();
    await dialog.getByRole('radio', { name: 'In the chat (1 to 5)' }).check();
    await dialog.getByLabel(/^Question/).fill('How was your chat today? Answer 1 to 5.');
    await screenshot(admin, 'quick-replies-survey-settings');
    await dialog.getByRole('button', { name: 'Save survey' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.getByRole('row', { name: new RegExp(instance.name) }).getByText('In the chat (1 to 5)').waitFor();
    const after = (await t.admin.get(`/api/channel-instances/${s.instanceId}`)) as { settings: Record<string, unknown> };
    expect(after.settings.survey).toEqual({ enabled: true, mode: 'inline', anonymous: false, question: 'How was your chat today? Answer 1 to 5.' });
    expect(after.settings.agentsCanSendAttachments).toBe(true); // merged, not replaced
    await adminCtx.close();

    // ── a LINE customer writes; the agent answers with the quick reply ──────────────────────
    const customer = t.line.customer(s.channelId, undefined, { displayName: 'Lena' });
    await customer.sendText('Hi, is my order on its way?');
    const conv = await queuedConversation(t, s.queueId, 'Hi, is my order on its way?');
    await s.agent.post(`/api/conversations/${conv.id}/pick`);

    const agentCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const w = await openPage(agentCtx);
    watches.push(w);
    const page = w.page;
    const email = ((await t.admin.get(`/api/users/${s.agentId}`)) as { email: string }).email;
    await signIn(page, t.url, email, 'agent-password-1', `/workspace/c/${conv.id}`);
    await page.getByRole('log', { name: 'Messages' }).getByText('Hi, is my order on its way?').waitFor();

    /** What has the focus (as source text: this file is compiled without the DOM library). */
    const focused = () =>
      page.evaluate<string>(
        `(() => { const e = document.activeElement; return e ? (e.getAttribute('role') || e.tagName.toLowerCase()) + ':' + (e.id === 'composer-text' ? e.id : e.textContent) : ''; })()`,
      );

    // Keyboard only: focus the button, open, filter, choose.
    const reply = page.getByRole('textbox', { name: 'Reply' });
    await page.getByRole('button', { name: 'Quick replies' }).focus();
    await page.keyboard.press('Enter');
    const filter = page.getByRole('combobox', { name: 'Filter quick replies' });
    await expect.poll(focused).toMatch(/^combobox:/);
    await page.getByRole('option', { name: /Greeting/ }).waitFor();
    await page.keyboard.type('greet');
    await screenshot(page, 'quick-replies-composer');
    await page.keyboard.press('Enter');
    const filled = 'Hello Lena, this is ' + s.agentName + '. How can I help?';
    await until(async () => (await reply.inputValue()) === filled, `the reply box to hold "${filled}"`);
    await expect.poll(focused).toBe('textarea:composer-text');
    // The agent edits before sending.
    await page.keyboard.type(' 😊');
    await page.keyboard.press('Enter');
    const sent = await received(customer, `${filled} 😊`);
    expect(sent).toBe(`${filled} 😊`);
    await page.getByRole('log', { name: 'Messages' }).getByText(`${filled} 😊`).waitFor();

    // Escape closes the list and gives the focus back to the button.
    await page.getByRole('button', { name: 'Quick replies' }).click();
    await filter.waitFor();
    await page.keyboard.press('Escape');
    await filter.waitFor({ state: 'detached' });
    await expect.poll(focused).toBe('button:Quick replies');

    for (const x of watches) expect(x.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await agentCtx.close();
  }, 90_000);
});
