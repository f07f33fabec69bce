/**
 * The traffic the memory bench drives through a hub on a seeded store, as providers and agents
 * would: signed LINE and Twilio WhatsApp webhooks from the customers of live conversations (open,
 * active, waiting), and each agent listing their conversations and opening one (its view and its
 * history) through the REST API with their API token.
 */
import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../emulators/twilio/index.js';
import { lineSignature } from './line-bodies.js';
import type { LiveTarget, SeedManifest } from './seed-large-store.js';

export interface WebhookOutcome {
  sent: number;
  ok: number;
  /** Non-2xx answers and failed requests, with the first few reasons. */
  failed: number;
  failures: string[];
  /** Webhooks sent per conversation held by an agent (active or waiting): its agent must see each. */
  toHeld: Map<string, number>;
  ms: number;
}

export interface ReadOutcome {
  requests: number;
  ok: number;
  failed: number;
  failures: string[];
  /** Messages returned by the history requests. */
  messagesRead: number;
  ms: number;
}

/** Runs `fn` over 0…n−1 with at most `inFlight` at once. */
async function pool(n: number, inFlight: number, fn: (k: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, n) }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

function lineRequest(origin: string, m: SeedManifest, t: LiveTarget, k: number, tag: string): { url: string; init: RequestInit } {
  const now = Date.now();
  const body = JSON.stringify({
    destination: m.line.botUserId,
    events: [
      {
        type: 'message',
        message: { type: 'text', id: `${now}${String(k).padStart(6, '0')}`, quoteToken: `q${tag}${k}`, text: `Any news about my order? (${k})` },
        webhookEventId: `01MEM${tag.toUpperCase()}${String(k).padStart(10, '0')}`,
        deliveryContext: { isRedelivery: false },
        timestamp: now,
        source: { type: 'user', userId: t.providerUserId },
        replyToken: `${tag}${k.toString(16).padStart(24, '0')}`,
        mode: 'active',
      },
    ],
  });
  const bytes = Buffer.from(body);
  return {
    url: `${origin}/webhooks/line/${m.line.accountId}`,
    init: { method: 'POST', headers: { 'content-type': 'application/json', 'x-line-signature': lineSignature(m.line.channelSecret, bytes) }, body: bytes },
  };
}

function twilioRequest(origin: string, m: SeedManifest, t: LiveTarget, k: number): { url: string; init: RequestInit } {
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const params: Record<string, string> = {
    SmsMessageSid: sid,
    NumMedia: '0',
    ProfileName: 'Customer',
    MessageType: 'text',
    SmsSid: sid,
    WaId: t.providerUserId.slice(1),
    SmsStatus: 'received',
    Body: `Any news about my order? (${k})`,
    To: `whatsapp:${m.twilio.number}`,
    NumSegments: '1',
    ReferralNumMedia: '0',
    MessageSid: sid,
    AccountSid: m.twilio.accountSid,
    ChannelMetadata: JSON.stringify({ type: 'whatsapp', data: { context: { ProfileName: 'Customer', WaId: t.providerUserId.slice(1) } } }),
    From: `whatsapp:${t.providerUserId}`,
    ApiVersion: '2010-04-01',
  };
  // The hub checks the signature against its public URL (http://127.0.0.1:<port>) and this path.
  const url = `${origin}/webhooks/twilio-whatsapp/${m.twilio.accountId}`;
  return {
    url,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilioSignature(m.twilio.authToken, url, params) },
      body: new URLSearchParams(params).toString(),
    },
  };
}

/** `count` customer messages into live conversations, round-robin over them, `inFlight` at once. */
export async function sendWebhooks(origin: string, m: SeedManifest, count: number, inFlight = 20): Promise<WebhookOutcome> {
  const tag = randomBytes(4).toString('hex');
  const out: WebhookOutcome = { sent: 0, ok: 0, failed: 0, failures: [], toHeld: new Map(), ms: 0 };
  const t0 = Date.now();
  await pool(count, inFlight, async (k) => {
    const t = m.live[k % m.live.length]!;
    const { url, init } = t.kind === 'line' ? lineRequest(origin, m, t, k, tag) : twilioRequest(origin, m, t, k);
    out.sent++;
    try {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      if (res.ok) {
        out.ok++;
        if (t.agent !== null) out.toHeld.set(t.conversationId, (out.toHeld.get(t.conversationId) ?? 0) + 1);
      } else {
        out.failed++;
        if (out.failures.length < 5) out.failures.push(`${t.kind} webhook → ${res.status}`);
      }
    } catch (e) {
      out.failed++;
      if (out.failures.length < 5) out.failures.push(`${t.kind} webhook: ${String(e)}`);
    }
  });
  out.ms = Date.now() - t0;
  return out;
}

/**
 * Each agent, as their workspace does on opening: GET /api/conversations (their own), then the
 * first one's view and history (GET /api/conversations/:id and …/messages).
 */
export async function agentReads(origin: string, m: SeedManifest, inFlight = 20): Promise<ReadOutcome> {
  const out: ReadOutcome = { requests: 0, ok: 0, failed: 0, failures: [], messagesRead: 0, ms: 0 };
  const t0 = Date.now();
  const get = async (path: string, token: string): Promise<unknown> => {
    out.requests++;
    try {
      const res = await fetch(`${origin}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body: unknown = await res.json();
      if (res.ok) {
        out.ok++;
        return body;
      }
      out.failed++;
      if (out.failures.length < 5) out.failures.push(`GET ${path} → ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    } catch (e) {
      out.failed++;
      if (out.failures.length < 5) out.failures.push(`GET ${path}: ${String(e)}`);
    }
    return undefined;
  };
  await pool(m.agents.length, inFlight, async (a) => {
    const { token } = m.agents[a]!;
    const list = await get('/api/conversations', token);
    const first = Array.isArray(list) ? (list[0] as { id?: string } | undefined) : undefined;
    if (!first?.id) return;
    await get(`/api/conversations/${first.id}`, token);
    const messages = await get(`/api/conversations/${first.id}/messages`, token);
    if (Array.isArray(messages)) out.messagesRead += messages.length;
  });
  out.ms = Date.now() - t0;
  return out;
}
