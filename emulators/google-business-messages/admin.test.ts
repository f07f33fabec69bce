/** The page at / and the /_emulator API it (and the CLI demo) uses to play a customer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGbmEmulator, type GbmEmulator, type ServiceAccountJson } from './index.js';
import { accessToken, AGENT, callApi, startTestHub, type TestHub } from './test-hub.js';

let emu: GbmEmulator;
let hub: TestHub;

beforeAll(async () => {
  emu = await startGbmEmulator({ receiptDelaysMs: false });
  hub = await startTestHub();
});
afterAll(async () => {
  await emu.close();
  await hub.close();
});

const admin = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

describe('customer page', () => {
  it('is served at / with a CSP, and writes text only through textContent', async () => {
    const res = await fetch(`${emu.baseUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain("Business Messages emulator");
    expect(html).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('/_emulator API', () => {
  it('adds an agent, verifies its webhook, plays a customer and shows both sides', async () => {
    const added = await admin('POST', '/_emulator/agents', AGENT);
    expect(added.status).toBe(201);
    const sa = added.json['serviceAccount'] as ServiceAccountJson;
    expect(sa.token_uri).toBe(emu.tokenUrl);
    expect((await admin('GET', `/_emulator/agents/${AGENT.agentId}/service-account`)).json).toEqual(sa);
    expect((await admin('PUT', `/_emulator/agents/${AGENT.agentId}/webhook`, { url: hub.url })).json).toMatchObject({ verified: true, status: 200 });

    const first = await admin('POST', `/_emulator/agents/${AGENT.agentId}/customers`, { displayName: 'Dana' });
    const again = await admin('POST', `/_emulator/agents/${AGENT.agentId}/customers`, { displayName: 'Dana' });
    const conversationId = String(first.json['conversationId']);
    expect(again.json['conversationId']).toBe(conversationId);
    expect(conversationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

    const sent = await admin('POST', `/_emulator/conversations/${conversationId}/messages`, { type: 'text', text: 'hello from the page' });
    expect(sent.json).toMatchObject({ status: 200, attempts: 1 });
    expect(hub.received.at(-1)?.json).toMatchObject({ conversationId, message: { text: 'hello from the page' }, context: { userInfo: { displayName: 'Dana' } } });
    expect((await admin('POST', `/_emulator/conversations/${conversationId}/status`, { type: 'liveAgent' })).json).toMatchObject({ status: 200 });

    const token = await accessToken(sa);
    await callApi(emu.baseUrl, 'POST', `/v1/conversations/${conversationId}/events?eventId=t1`, token, { eventType: 'TYPING_STARTED', representative: { representativeType: 'HUMAN' } });
    await callApi(emu.baseUrl, 'POST', `/v1/conversations/${conversationId}/messages`, token, { messageId: 'm1', representative: { representativeType: 'HUMAN', displayName: 'Sam' }, text: 'Hi Dana' });
    expect((await admin('POST', `/_emulator/conversations/${conversationId}/read`, { messageId: 'm1' })).json).toMatchObject({ status: 200 });

    const view = await admin('GET', `/_emulator/conversations/${conversationId}`);
    expect(view.json['conversation']).toMatchObject({ conversationId, displayName: 'Dana', businessTyping: true });
    const entries = view.json['entries'] as Array<{ from: string; kind: string }>;
    expect(entries.map((e) => `${e.from}:${e.kind}`)).toEqual(['customer:message', 'customer:userStatus', 'business:event', 'business:message', 'customer:receipts']);
    const agents = (await admin('GET', '/_emulator/agents')).json as unknown as Array<{ agentId: string; conversations: unknown[] }>;
    expect(agents[0]).toMatchObject({ agentId: AGENT.agentId, webhookUrl: hub.url, conversations: [expect.objectContaining({ conversationId })] });
    expect(((await admin('GET', '/_emulator/requests')).json as unknown as unknown[]).length).toBeGreaterThan(0);
  });

  it('validates its input and manages faults', async () => {
    expect((await admin('POST', '/_emulator/agents', { agentId: 'x' })).status).toBe(400);
    expect((await admin('POST', '/_emulator/conversations/nope/messages', { type: 'text', text: 'x' })).status).toBe(404);
    expect((await admin('POST', '/_emulator/faults', { pathRegex: '^/v1/', status: 429, retryAfterSec: 5, times: 2 })).status).toBe(201);
    expect((await admin('GET', '/_emulator/faults')).json).toEqual([{ path: '/^\\/v1\\//', status: 429, retryAfterSec: 5, times: 2 }]);
    expect((await admin('DELETE', '/_emulator/faults')).status).toBe(200);
    expect((await admin('GET', '/_emulator/faults')).json).toEqual([]);
  });
});
