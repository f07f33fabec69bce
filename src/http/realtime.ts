/**
 * GET /api/realtime — a WebSocket that pushes hub events to each agent, filtered to what that
 * agent may see: their own conversations, open items in their queues; supervisors and admins see
 * everything. Authenticated like the REST API (session cookie, or a bearer token for integrations);
 * browsers must come from the hub's own origin (no cross-site WebSocket hijacking).
 */
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus, HubEvent } from '../services/event-bus.js';
import type { AuthUser, Authenticator } from './route.js';

export interface RealtimeDeps {
  bus: EventBus;
  auth: Authenticator;
  publicUrl: string;
  queuesOf: (userId: string) => Promise<string[]>;
  /** How often a connection re-reads its user's queue memberships. */
  membershipRefreshMs?: number;
  /** An agent's typing notice from the browser: `{ type: 'typing', conversationId, isTyping }`. */
  onAgentTyping: (user: AuthUser, conversationId: string, isTyping: boolean) => Promise<void>;
  /** The messaging window of an account's channel, in hours (undefined: no window). */
  windowHours: (accountId: string) => Promise<number | undefined>;
}

/** Adds the messaging window's end to conversation events, so agents see it close live. */
async function withWindow(e: HubEvent, windowHours: RealtimeDeps['windowHours']): Promise<unknown> {
  if (e.type === 'presence.updated') return e;
  const hours = await windowHours(e.conversation.accountId);
  const last = e.conversation.lastCustomerAt;
  const windowEndsAt = hours && last ? last + hours * 3_600_000 : null;
  return { ...e, conversation: { ...e.conversation, windowEndsAt } };
}

export function visibleTo(user: AuthUser, queues: ReadonlySet<string>, e: HubEvent): boolean {
  if (e.type === 'offer.created' || e.type === 'offer.ended') return e.offer.agentId === user.id || user.role !== 'agent';
  if (user.role === 'admin' || user.role === 'supervisor') return true;
  if (e.type === 'presence.updated') return e.userId === user.id;
  const c = e.conversation;
  if (c.agentId === user.id) return true;
  return c.state === 'open' && c.queueId !== null && queues.has(c.queueId);
}

export async function realtimeRoutes(app: FastifyInstance, d: RealtimeDeps): Promise<void> {
  const publicOrigin = new URL(d.publicUrl).origin;
  const connections = new Set<WebSocket>();
  // One event goes to every socket that may see it (a queue's members, every supervisor): its
  // window lookup, JSON and UTF-8 bytes are made once per event, not once per socket. The bus
  // hands the same event object to every subscriber, and the entry goes with the event.
  const frames = new WeakMap<HubEvent, Promise<Buffer>>();
  const frameOf = (e: HubEvent): Promise<Buffer> => {
    let frame = frames.get(e);
    if (!frame) {
      frame = withWindow(e, d.windowHours)
        .catch(() => e)
        .then((out) => Buffer.from(JSON.stringify(out)));
      frames.set(e, frame);
    }
    return frame;
  };
  app.addHook('onClose', async () => {
    for (const ws of connections) ws.close(1001, 'server shutting down');
  });

  app.get('/api/realtime', { websocket: true }, async (socket, req) => {
    const origin = req.headers.origin;
    const host = req.headers.host;
    if (origin && origin !== publicOrigin && origin !== `http://${host}` && origin !== `https://${host}`) {
      socket.close(4403, 'origin not allowed');
      return;
    }
    let user: AuthUser | undefined;
    try {
      user = await d.auth.authenticate(req);
    } catch {
      user = undefined;
    }
    if (!user) {
      socket.close(4401, 'unauthenticated');
      return;
    }
    const me = user;
    let queues = new Set(await d.queuesOf(me.id));
    const refresh = setInterval(() => {
      d.queuesOf(me.id)
        .then((q) => (queues = new Set(q)))
        .catch(() => undefined);
    }, d.membershipRefreshMs ?? 10_000);
    refresh.unref();
    let sendChain: Promise<void> = Promise.resolve();
    const unsubscribe = d.bus.subscribe((e) => {
      if (socket.readyState !== socket.OPEN) return;
      if (!visibleTo(me, queues, e)) return;
      // Chained so a socket receives events in the order they happened.
      sendChain = sendChain
        .then(() => frameOf(e))
        .then((frame) => {
          if (socket.readyState === socket.OPEN) socket.send(frame, { binary: false });
        });
    });
    connections.add(socket);
    socket.on('message', (data: Buffer) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { type?: unknown; conversationId?: unknown; isTyping?: unknown };
      if (m.type === 'ping') socket.send(JSON.stringify({ type: 'pong', at: Date.now() }));
      if (m.type === 'typing' && typeof m.conversationId === 'string' && typeof m.isTyping === 'boolean') {
        d.onAgentTyping(me, m.conversationId, m.isTyping).catch(() => undefined);
      }
    });
    socket.on('close', () => {
      clearInterval(refresh);
      unsubscribe();
      connections.delete(socket);
    });
    socket.send(JSON.stringify({ type: 'hello', user: { id: me.id, role: me.role, displayName: me.displayName } }));
  });
}
