/**
 * Typing in Chromium, both ways, through the web chat: the visitor's typing shows in the agent's
 * conversation ("… is typing"), and the agent's typing (sent over the app's WebSocket, throttled)
 * reaches the visitor's widget socket.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openPage, signIn, startWebTestHub, until, type PageWatch } from '../support/browser.js';
import { setUpWebChatChannel, type TestHub } from '../support/hub.js';

describe('typing in Chromium', () => {
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

  it('shows the customer typing and sends the agent typing', async () => {
    const ch = await setUpWebChatChannel(t);
    const base = `${t.url}/webchat/${ch.accountId}`;
    let token = '';
    const call = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { origin: ch.origin, 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body ?? {}),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    };
    const session = await call('POST', '/session', {});
    token = session.token;
    await call('POST', '/messages', { clientMessageId: crypto.randomUUID(), text: 'Hi, quick question about sizes' });
    const item = await until(async () => (await ch.agent.get(`/api/queues/${ch.queueId}/items`))[0], 'the web chat in the queue');
    await ch.agent.post(`/api/conversations/${item.id}/pick`);

    // The visitor's widget socket: it records what the agent side sends.
    const events: any[] = [];
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`, { origin: ch.origin });
    ws.on('message', (d: Buffer) => events.push(JSON.parse(String(d))));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const w = await openPage(ctx);
    watches.push(w);
    const page = w.page;
    const email = (await t.admin.get(`/api/users/${ch.agentId}`)).email as string;
    await signIn(page, t.url, email, 'agent-password-1', `/workspace/c/${item.id}`);
    await page.getByRole('log', { name: 'Messages' }).getByText('Hi, quick question about sizes').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();

    // The customer types: the agent sees it; it stops: the notice goes.
    await call('POST', '/typing', { isTyping: true });
    const typing = page.getByTestId('customer-typing');
    await typing.getByText(/is typing…$/).waitFor();
    await call('POST', '/typing', { isTyping: false });
    await until(async () => (await typing.textContent()) === '' && 'gone', 'the typing notice to go');

    // The agent types: one "typing" reaches the widget (throttled, not one per key).
    await page.getByRole('textbox', { name: 'Reply' }).pressSequentially('Sure, which size', { delay: 15 });
    await until(async () => events.some((e) => e.type === 'typing' && e.isTyping === true), 'agent typing at the widget');
    expect(events.filter((e) => e.type === 'typing' && e.isTyping === true).length).toBeLessThanOrEqual(2);

    ws.close();
    for (const x of watches) expect(x.errors.filter((e) => !/401 \(Unauthorized\)/.test(e))).toEqual([]);
    await ctx.close();
  }, 60_000);
});
