/**
 * Push mode in Chromium: a LINE customer writes, the first agent sees the offer (customer,
 * channel, queue, first message, a live countdown) and a desktop notification while the tab is
 * hidden, declines; the offer moves to the second agent's page, who accepts, lands in the
 * conversation, types (the typing notice reaches the hub) and replies. The accepting agent's
 * capacity is then full: the header shows them as Busy. Presence with a custom label.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { ApiClient } from '../support/api-client.js';
import { launchBrowser, openPage, screenshot, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import type { TestHub } from '../support/hub.js';

const CREDS = { channelId: '2000000101', channelSecret: 'a1'.repeat(16), channelAccessToken: 'push-browser-token' };
const PASSWORD = 'agent-password-1';

/** Before the app loads: a Notification that records what is shown, and a switch for "tab hidden". */
const FAKE_NOTIFICATIONS = `
  window.__notes = [];
  window.__hidden = false;
  class FakeNotification {
    static permission = 'default';
    static async requestPermission() { FakeNotification.permission = 'granted'; return 'granted'; }
    constructor(title, opts) { this.tag = opts && opts.tag; window.__notes.push({ title, body: opts && opts.body, tag: this.tag }); }
    close() { window.__notes.push({ closed: this.tag }); }
  }
  window.Notification = FakeNotification;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
`;

describe('push mode in Chromium', () => {
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

  async function agent(name: string, email: string, capacity: number): Promise<string> {
    const u = await t.admin.post('/api/users', { email, displayName: name, password: PASSWORD, role: 'agent' });
    const id = (u.user ?? u).id as string;
    await t.admin.call('PUT', `/api/users/${id}/routing`, { capacity: { mode: 'units', total: capacity }, skills: {} });
    return id;
  }

  it('offers to one agent with a countdown, a decline moves it to the next, who accepts and replies', async () => {
    // ── set-up through the API: a LINE channel on a push workstream, two agents in its queue ──
    const account = await t.admin.post('/api/accounts', { kind: 'line', name: 'Push LINE', credentials: CREDS, settings: {} });
    const ws = await t.admin.post('/api/workstreams', { name: 'Push care', mode: 'push' });
    await t.admin.call('PUT', `/api/workstreams/${ws.id}/routing`, { offerTimeoutSec: 90 });
    await t.admin.post('/api/channel-instances', { accountId: account.id, workstreamId: ws.id, name: 'LINE push', language: 'en-US', settings: {} });
    t.line.addChannel({ ...CREDS, webhookUrl: account.callbackUrl });
    const annaId = await agent('Anna Decline', 'anna@example.test', 2);
    const benId = await agent('Ben Accept', 'ben@example.test', 1);
    for (const id of [annaId, benId]) await t.admin.post(`/api/queues/${ws.fallbackQueueId}/members`, { userId: id });

    // ── both agents sign in; Anna's browser records notifications and can "hide" the tab ──────
    const annaCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    await annaCtx.addInitScript(FAKE_NOTIFICATIONS);
    const a = await openPage(annaCtx);
    watches.push(a);
    const anna = a.page;
    await signIn(anna, t.url, 'anna@example.test', PASSWORD);
    await anna.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await anna.getByRole('button', { name: 'Turn on notifications' }).click();
    await anna.getByRole('button', { name: 'Turn on notifications' }).waitFor({ state: 'detached' });
    await anna.getByLabel('Presence').selectOption('available');

    const benCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const b = await openPage(benCtx);
    watches.push(b);
    const ben = b.page;
    await signIn(ben, t.url, 'ben@example.test', PASSWORD);
    await ben.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await ben.getByLabel('Presence').selectOption('offline');
    await until(async () => (await t.admin.get('/api/agents')).find((x: any) => x.id === benId)?.presence === 'offline', 'Ben offline');

    // ── a customer writes; Anna's tab is in the background ──────────────────────────────────────
    await anna.evaluate('window.__hidden = true');
    const customer = t.line.customer(CREDS.channelId, undefined, { displayName: 'Kenji Sato', language: 'en' });
    expect((await customer.sendText('My parcel never arrived, order 4471')).status).toBe(200);

    const offerA = anna.getByTestId('offer');
    await offerA.waitFor({ timeout: 15_000 });
    await offerA.getByText('My parcel never arrived, order 4471').waitFor();
    await offerA.getByText(/LINE · Push care fallback queue/).waitFor();
    await offerA.getByRole('heading', { name: 'Kenji Sato' }).waitFor({ timeout: 10_000 });
    const countdown = offerA.getByRole('timer', { name: 'Time left to answer' });
    const first = (await countdown.textContent())!.trim();
    expect(first).toMatch(/^1:[0-3]\d$/); // 90 s offer timeout, just started
    await until(async () => (await countdown.textContent())!.trim() !== first && 'ticked', 'the countdown to tick', 5000);
    const notes = (await anna.evaluate('JSON.stringify(window.__notes)')) as string;
    expect(JSON.parse(notes)[0]).toMatchObject({ title: expect.stringMatching(/^New conversation: /), body: expect.stringContaining('My parcel never arrived') });
    await anna.evaluate('window.__hidden = false');
    await screenshot(anna, '20-push-offer');

    // Keyboard: Tab reaches Accept and Decline (the tray sits right after the header).
    const accept = offerA.getByRole('button', { name: /^Accept/ });
    const decline = offerA.getByRole('button', { name: /^Decline/ });
    await accept.focus();
    await anna.keyboard.press('Tab');
    expect(await anna.evaluate('document.activeElement.textContent')).toMatch(/^Decline/);
    expect(await decline.count()).toBe(1);

    // Ben becomes available; Anna declines with the keyboard: the offer moves to Ben at once.
    await ben.getByLabel('Presence').selectOption('available');
    await until(async () => (await t.admin.get('/api/agents')).find((x: any) => x.id === benId)?.presence === 'available', 'Ben available');
    await anna.keyboard.press('Enter');
    await offerA.waitFor({ state: 'detached' });
    expect(JSON.parse((await anna.evaluate('JSON.stringify(window.__notes)')) as string)).toContainEqual({ closed: expect.any(String) });

    const offerB = ben.getByTestId('offer');
    await offerB.waitFor({ timeout: 15_000 });
    await offerB.getByText('My parcel never arrived, order 4471').waitFor();
    await screenshot(ben, '21-push-offer-second-agent');
    await offerB.getByRole('button', { name: /^Accept/ }).click();

    // Accepted: the conversation opens; Ben's single unit is taken, so he shows as Busy.
    await ben.getByRole('heading', { name: 'Kenji Sato', level: 1 }).waitFor();
    await offerB.waitFor({ state: 'detached' });
    expect(new URL(ben.url()).pathname).toMatch(/^\/workspace\/c\//);
    await ben.getByTestId('effective-presence').getByText('Shown as Busy: capacity full').waitFor({ timeout: 10_000 });

    // Ben types: the hub hears it over the WebSocket; then he replies.
    const watcher = await (t.admin as ApiClient).realtime();
    const reply = ben.getByRole('textbox', { name: 'Reply' });
    await reply.pressSequentially('Hello Kenji', { delay: 20 });
    await watcher.waitFor((e: any) => e.type === 'typing' && e.who === 'agent' && e.isTyping === true, 5000);
    await reply.pressSequentially(', I am checking order 4471 now.', { delay: 5 });
    await screenshot(ben, '22-push-accepted-typing');
    await reply.press('Enter');
    const log = ben.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello Kenji, I am checking order 4471 now.').waitFor();
    await until(
      async () => customer.inbox().some((m) => (m.message as { text?: string }).text === 'Hello Kenji, I am checking order 4471 now.'),
      'the reply in the LINE inbox',
    );
    watcher.close();

    // The Transfer dialog: an agent may pick a queue; the agent list is for supervisors.
    await ben.getByRole('button', { name: 'Transfer', exact: true }).click();
    const transfer = ben.getByRole('dialog', { name: 'Transfer the conversation' });
    await transfer.getByText(/Only supervisors and admins can see the list of agents/).waitFor();
    await screenshot(ben, '23-workspace-transfer-dialog');
    await transfer.getByRole('button', { name: 'Cancel' }).click();
    await transfer.waitFor({ state: 'hidden' });

    // A custom presence label: Anna goes to lunch (Away).
    await anna.getByLabel('Presence').selectOption({ label: 'Lunch (Away)' });
    await until(async () => {
      const me = (await t.admin.get('/api/agents')).find((x: any) => x.id === annaId);
      return me?.presence === 'away' && me.presenceLabel === 'Lunch';
    }, 'Anna away for lunch');
    await anna.getByLabel('Presence').selectOption('__custom');
    const custom = anna.getByRole('dialog', { name: 'Set a custom presence' });
    await custom.getByLabel('Label').fill('Back at 3');
    await custom.getByLabel('Counts as').selectOption('busy_dnd');
    await screenshot(anna, '24-presence-custom');
    await custom.getByRole('button', { name: 'Set presence' }).click();
    await custom.waitFor({ state: 'hidden' });
    expect(await anna.getByLabel('Presence').inputValue()).toBe('busy_dnd|Back at 3');
    await until(async () => (await t.admin.get('/api/agents')).find((x: any) => x.id === annaId)?.presenceLabel === 'Back at 3', 'the custom label');

    for (const w of watches) expect(w.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await annaCtx.close();
    await benCtx.close();
  }, 120_000);
});
