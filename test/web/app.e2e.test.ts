/**
 * The web app in a real browser (Debian's Chromium) against a real hub and the LINE emulator:
 * an admin configures a LINE channel through the admin centre, a LINE customer writes (text and
 * an image), an agent picks the conversation, sees both, answers with text and an image and sees
 * the sent ticks; the customer's LINE inbox has both. Screenshots go to test-results/screenshots.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { WEB_APP_CSP } from '../../src/http/web-app.js';
import { ADMIN, type TestHub } from '../support/hub.js';
import { launchBrowser, makePng, openPage, screenshot, startWebTestHub, type PageWatch } from '../support/browser.js';

// A soft blue-to-green gradient with a white band: easy to recognise in a screenshot.
const CUSTOMER_PNG = makePng(240, 150, (x, y) => (y > 65 && y < 85 ? [255, 255, 255] : [40 + (x >> 2), 110 + (y >> 1), 190 - (x >> 2)]));
const AGENT_PNG = makePng(120, 80, (x) => [230, 120 + (x >> 1), 60]);

const LINE_CREDS = {
  channelId: '2000000001',
  channelSecret: '0123456789abcdef0123456789abcdef',
  channelAccessToken: 'browser-test-access-token-0001',
};
/** A browser-side check (as source text: this file is compiled without the DOM library). */
const imageLoaded = (selector: string, width: number) =>
  `(() => { const i = document.querySelector(${JSON.stringify(selector)}); return !!i && i.complete && i.naturalWidth === ${width}; })()`;

const AGENT = { name: 'Alex Agent', email: 'alex@example.test', password: 'agent-password-1' };

describe('web app in Chromium', () => {
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

  it('serves the app with a strict CSP, index.html for client routes, long-cached assets and JSON 404s for the API', async () => {
    const page = await fetch(`${t.url}/admin/accounts`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(WEB_APP_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script

    const js = await fetch(`${t.url}${asset}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toMatch(/max-age=31536000.*immutable|immutable.*max-age=31536000/);
    expect(js.headers.get('content-type')).toMatch(/javascript/);

    const missingAsset = await fetch(`${t.url}/assets/nope-123.js`);
    expect(missingAsset.status).toBe(404);
    const api404 = await fetch(`${t.url}/api/nope`);
    expect(api404.status).toBe(404);
    expect(((await api404.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('admin sets up LINE, a customer writes, an agent picks, reads and answers with text and an image', async () => {
    // ── the admin configures the channel through the admin centre ─────────────────────────
    const adminCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const a = await openPage(adminCtx);
    watches.push(a);
    const admin = a.page;
    await admin.goto(t.url);
    await admin.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await screenshot(admin, '01-sign-in');
    await admin.getByLabel('Email').fill(ADMIN.email);
    await admin.getByLabel('Password').fill(ADMIN.password);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Admin centre' }).click();
    await admin.getByRole('heading', { name: 'Messaging accounts', level: 1 }).waitFor();
    await admin.getByText('No messaging accounts yet.').waitFor();

    await admin.getByRole('link', { name: 'New messaging account' }).click();
    await admin.getByRole('radio', { name: /LINE/ }).check();
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByLabel('Name', { exact: true }).fill('Our LINE');
    await admin.getByLabel('Channel ID').fill(LINE_CREDS.channelId);
    await admin.getByLabel('Channel secret').fill(LINE_CREDS.channelSecret);
    await admin.getByLabel('Channel access token (long-lived)').fill(LINE_CREDS.channelAccessToken);
    expect(await admin.getByLabel('Channel secret').getAttribute('type')).toBe('password');
    expect(await admin.getByLabel('Channel ID').getAttribute('type')).toBe('text');
    await screenshot(admin, '02-admin-account-form');
    await admin.getByRole('button', { name: 'Next' }).click();
    await admin.getByRole('heading', { name: 'Review and create' }).waitFor();
    await expect(admin.getByText(LINE_CREDS.channelSecret).count()).resolves.toBe(0);
    await admin.getByRole('button', { name: 'Create messaging account' }).click();

    const callback = admin.getByTestId('callback-url');
    await callback.waitFor();
    const callbackUrl = (await callback.textContent())!.trim();
    expect(callbackUrl).toMatch(new RegExp(`^${t.url}/webhooks/line/acc_`));
    await expect(admin.getByText(LINE_CREDS.channelSecret).count()).resolves.toBe(0); // masked
    await admin.getByText('••••cdef').waitFor();
    await screenshot(admin, '03-admin-account-detail');

    await admin.getByRole('link', { name: 'Workstreams' }).click();
    await admin.getByLabel('Name').fill('Care');
    await admin.getByRole('button', { name: 'Create workstream' }).click();
    await admin.getByRole('cell', { name: 'Care fallback queue' }).waitFor();
    await screenshot(admin, '04-admin-workstreams');

    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByLabel('Name').fill(AGENT.name);
    await admin.getByLabel('Email').fill(AGENT.email);
    await admin.getByLabel('Password').fill(AGENT.password);
    await admin.getByRole('button', { name: 'Create user' }).click();
    await admin.getByRole('cell', { name: AGENT.email }).waitFor();
    await screenshot(admin, '05-admin-users');

    await admin.getByRole('link', { name: 'Queues' }).click();
    await admin.getByRole('button', { name: 'Members' }).click();
    await admin.getByLabel('Add a member').selectOption({ label: `${AGENT.name} (${AGENT.email})` });
    await admin.getByRole('button', { name: 'Add', exact: true }).click();
    await admin.getByRole('button', { name: `Remove ${AGENT.name} from Care fallback queue` }).waitFor();
    await screenshot(admin, '06-admin-queues');

    await admin.getByRole('link', { name: 'Channel instances' }).click();
    await admin.getByLabel('Messaging account').selectOption({ label: 'Our LINE (LINE)' });
    await admin.getByLabel('Workstream').selectOption({ label: 'Care' });
    await admin.getByLabel('Name').fill('LINE (English)');
    await admin.getByLabel('Language', { exact: true }).fill('en-US');
    expect(await admin.getByRole('switch', { name: 'Agents can send attachments' }).isChecked()).toBe(true);
    await admin.getByRole('button', { name: 'Create channel instance' }).click();
    await admin.getByRole('cell', { name: 'LINE (English)' }).waitFor();
    await screenshot(admin, '07-admin-channel-instances');

    // ── a LINE customer writes: text, then an image ───────────────────────────────────────
    t.line.addChannel({ ...LINE_CREDS, webhookUrl: callbackUrl });
    const customer = t.line.customer(LINE_CREDS.channelId, undefined, { displayName: 'Sakura Tanaka', language: 'ja' });
    expect((await customer.sendText('Hello, my order is late <b>not bold</b>')).status).toBe(200);
    expect((await customer.sendImage(CUSTOMER_PNG, 'image/png')).status).toBe(200);

    // ── the agent signs in, picks the conversation, reads and answers ────────────────────
    const agentCtx = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    const g = await openPage(agentCtx);
    watches.push(g);
    const agent = g.page;
    await agent.goto(`${t.url}/workspace`);
    await agent.getByLabel('Email').fill(AGENT.email);
    await agent.getByLabel('Password').fill(AGENT.password);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await agent.getByLabel('Presence').selectOption('available');
    const pick = agent.getByRole('button', { name: /^Pick the conversation with Sakura Tanaka/ });
    await pick.waitFor({ timeout: 15_000 });
    await screenshot(agent, '08-workspace-queue');
    await pick.click();

    await agent.getByRole('heading', { name: 'Sakura Tanaka', level: 1 }).waitFor();
    const log = agent.getByRole('log', { name: 'Messages' });
    // Customer text is text, never HTML.
    await log.getByText('Hello, my order is late <b>not bold</b>').waitFor();
    expect(await log.locator('b').count()).toBe(0);
    const customerImage = log.locator('li.msg-in img.msg-image');
    await customerImage.waitFor({ timeout: 15_000 });
    await agent.waitForFunction(imageLoaded('li.msg-in img.msg-image', 240));
    expect(await customerImage.getAttribute('src')).toMatch(/^\/api\/blobs\//);

    const reply = agent.getByRole('textbox', { name: 'Reply' });
    await reply.fill('Sorry! Checking now.');
    await reply.press('Enter');
    await log.getByText('Sorry! Checking now.').waitFor();
    await agent.locator('#composer-file').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: AGENT_PNG });
    await agent.getByText('label.png').waitFor();
    const send = agent.getByRole('button', { name: 'Send', exact: true });
    await send.click();
    await log.locator('li.msg-out img.msg-image').waitFor();

    // Both outbound messages reach "sent" (✓) live over the WebSocket.
    await agent.waitForFunction(
      `(() => { const s = [...document.querySelectorAll('li.msg-out[data-sender="agent"] .ticks')].map((e) => e.getAttribute('data-status'));
        return s.length === 2 && s.every((x) => x === 'sent' || x === 'delivered' || x === 'read'); })()`,
      undefined,
      { timeout: 15_000 },
    );
    await agent.waitForFunction(imageLoaded('li.msg-out img.msg-image', 120));
    expect(await log.locator('li.msg-out[data-sender="agent"]').getByRole('img', { name: 'Sent' }).count()).toBe(2);
    await agent.getByRole('textbox', { name: 'Reply' }).fill('');
    await screenshot(agent, '09-workspace-conversation');

    // The customer's LINE inbox has both answers.
    // (Automated messages — a greeting, "has joined" — may be there too: only the agent's answers are checked.)
    const answers = async () => {
      const until = Date.now() + 10_000;
      for (;;) {
        const inbox = customer.inbox().map((m) => m.message as { type: string; text?: string });
        const text = inbox.findIndex((m) => m.type === 'text' && m.text === 'Sorry! Checking now.');
        const image = inbox.findIndex((m) => m.type === 'image');
        if ((text >= 0 && image > text) || Date.now() > until) return { text, image };
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const { text: textAt, image: imageAt } = await answers();
    expect(textAt).toBeGreaterThanOrEqual(0);
    expect(imageAt).toBeGreaterThan(textAt);

    // "My conversations" lists it with the last message; the contact panel shows the identity.
    const mine = agent.getByTestId('my-conversation');
    await mine.getByText('Sakura Tanaka').waitFor();
    await agent.getByRole('complementary', { name: 'Customer' }).getByText('ja', { exact: true }).waitFor();

    // A message that arrives while the conversation is not open counts as unread.
    await agent.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Workspace' }).click();
    await agent.getByText('Select a conversation, or pick one from a queue.').waitFor();
    await customer.sendText('Are you there?');
    await mine.getByText('Are you there?').waitFor();
    await mine.getByTestId('unread').getByText('1', { exact: true }).waitFor();
    await mine.getByRole('link').click();
    await log.getByText('Are you there?').waitFor();
    await mine.getByTestId('unread').waitFor({ state: 'detached' });

    // The WebSocket drops; a message sent meanwhile shows up after the reconnection (catch-up by afterSeq).
    for (const c of (t.hub.app as any).websocketServer.clients) c.terminate();
    await customer.sendText('Thank you 🙏');
    await log.getByText('Thank you 🙏').waitFor({ timeout: 15_000 });
    await agent.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // Link the customer to a new contact from the contact panel.
    const panel = agent.getByRole('complementary', { name: 'Customer' });
    await panel.getByRole('button', { name: 'Link to a contact' }).click();
    expect(await panel.getByLabel('Name').inputValue()).toBe('Sakura Tanaka');
    await panel.getByLabel('Email').fill('sakura@example.test');
    await panel.getByRole('button', { name: 'Create and link' }).click();
    await panel.getByText('sakura@example.test').waitFor();

    // Wait then End (wrap-up) then Close.
    await agent.getByRole('button', { name: 'Wait', exact: true }).click();
    await agent.getByRole('button', { name: 'Resume', exact: true }).click();
    await agent.getByRole('button', { name: 'End', exact: true }).click();
    await agent.getByText('The conversation has ended.').waitFor();
    await screenshot(agent, '10-workspace-wrapup');

    // ── the supervisor view (the admin sees it too) ──────────────────────────────────────
    await admin.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Supervisor' }).click();
    await admin.getByRole('heading', { name: 'Live conversations' }).waitFor();
    await admin.getByRole('cell', { name: AGENT.name }).first().waitFor();
    await screenshot(admin, '11-supervisor');

    // Sign out returns to the sign-in page; the session is gone.
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await agent.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();
    await agent.reload();
    await agent.getByRole('heading', { name: 'Sign in to Switchboard' }).waitFor();

    for (const w of watches) expect(w.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await adminCtx.close();
    await agentCtx.close();
  }, 120_000);
});
