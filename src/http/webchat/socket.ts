/**
 * GET /webchat/:accountId/ws?token=… — the widget's WebSocket (the Origin was checked by the
 * routes' onRequest hook). It pushes the events of this customer's own conversations only:
 * messages (the agent's, and the customer's own from another device), status changes of the
 * agent's messages, the agent typing, conversation state with the agent's display name.
 * The widget pings; the hub pings too and drops a socket that stops answering. After a
 * reconnect the widget catches up with GET …/messages?conversationId=&afterSeq=.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { EventBus, HubEvent } from '../../services/event-bus.js';
import type { WebChatAccount, WebChatService } from './service.js';

export interface WebChatSocketDeps {
  svc: WebChatService;
  bus: EventBus;
  accountOf: (req: FastifyRequest) => WebChatAccount;
  heartbeatMs?: number;
}

type ConversationEvent = Exclude<HubEvent, { type: 'presence.updated' }>;

export function webChatSocket(app: FastifyInstance, d: WebChatSocketDeps): void {
  const sockets = new Set<WebSocket>();
  app.addHook('onClose', async () => {
    for (const ws of sockets) ws.close(1001, 'server shutting down');
  });

  app.get('/webchat/:accountId/ws', { websocket: true }, async (socket, req) => {
    const account = d.accountOf(req);
    const token = (req.query as { token?: unknown }).token;
    let visitor;
    try {
      visitor = d.svc.visitor(account, typeof token === 'string' ? token : undefined);
    } catch {
      socket.close(4401, 'unauthenticated');
      return;
    }
    const me = visitor;
    // Until the customer's first message there is no identity; it appears with a new conversation.
    let identityId = (await d.svc.identityOf(account, me))?.id;
    if (socket.readyState !== socket.OPEN) return;
    sockets.add(socket);
    let chain: Promise<void> = Promise.resolve();
    const send = (out: unknown) => {
      if (out !== undefined && socket.readyState === socket.OPEN) socket.send(JSON.stringify(out));
    };
    const mine = async (e: ConversationEvent): Promise<boolean> => {
      if (!identityId && e.type === 'conversation.created') identityId = (await d.svc.identityOf(account, me))?.id;
      return identityId !== undefined && e.conversation.identityId === identityId;
    };
    const unsubscribe = d.bus.subscribe((e) => {
      if (e.type === 'presence.updated' || e.conversation.accountId !== account.id) return;
      if (identityId !== undefined ? e.conversation.identityId !== identityId : e.type !== 'conversation.created' && e.type !== 'message.created') return;
      // Chained: the widget receives events in the order they happened.
      chain = chain
        .then(async () => ((await mine(e)) ? send(await d.svc.widgetEvent(e)) : undefined))
        .catch((err: unknown) => req.log.warn({ err }, 'web chat event not delivered to the widget'));
    });

    let alive = true;
    socket.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        socket.terminate();
        return;
      }
      alive = false;
      socket.ping();
    }, d.heartbeatMs ?? 30_000);
    heartbeat.unref();

    socket.on('message', (data: Buffer) => {
      alive = true;
      let msg: unknown;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof msg === 'object' && msg !== null && (msg as { type?: unknown }).type === 'ping') send({ type: 'pong', at: Date.now() });
    });
    socket.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      sockets.delete(socket);
    });

    // The widget catches up (GET …/messages?afterSeq=) when it gets this: nothing is missed in between.
    send({ type: 'hello' });
  });
}
