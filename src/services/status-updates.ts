/**
 * Provider status callbacks (sent, delivered, read, failed) applied to our outbound messages, a
 * batch at a time: an outbound message brings three or four callbacks, so at volume they are most
 * of the webhooks a hub receives. Statuses only ever move forward (a late "sent" never beats
 * "delivered").
 */
import type { InboundEvent } from '../channels/adapter.js';
import { statusMovesForward } from '../domain/message.js';
import type { Message } from '../store/conversations-repo.js';
import type { IngestRepo, StatusChange } from '../store/ingest-repo.js';
import { summarize, type HubEvent } from './event-bus.js';

export type StatusEvent = Extract<InboundEvent, { type: 'status' }>;

export interface AccountStatus {
  accountId: string;
  event: StatusEvent;
}

/** A change is written only if the message still has the status it was read with; this many rereads at most. */
const ATTEMPTS = 3;

/** Applies the callbacks in order; answers a `message.updated` for each message that changed. */
export async function advanceStatuses(repo: IngestRepo, items: readonly AccountStatus[], now: number): Promise<HubEvent[]> {
  const updated = new Map<string, Message>();
  let pending = items;
  for (let attempt = 0; attempt < ATTEMPTS && pending.length > 0; attempt++) {
    const targets = await findTargets(repo, pending);
    const changes = new Map<string, { change: StatusChange; items: AccountStatus[] }>();
    for (const item of pending) {
      const msg = targets.get(item);
      if (!msg) continue; // not ours (or not stored): nothing to move
      const c = changes.get(msg.id) ?? { change: { messageId: msg.id, expected: msg.status, status: msg.status }, items: [] };
      c.items.push(item);
      changes.set(msg.id, c);
      const e = item.event;
      if (!statusMovesForward(c.change.status, e.status)) continue;
      c.change.status = e.status;
      if (e.errorCode) c.change.errorCode = e.errorCode;
      if (e.errorMessage) c.change.errorMessage = e.errorMessage;
      if (!msg.providerMessageId) c.change.providerMessageId = e.providerMessageId;
    }
    const moving = [...changes.values()].filter((c) => c.change.status !== c.change.expected);
    const written = await repo.applyStatuses(
      moving.map((c) => c.change),
      now,
    );
    for (const m of written) updated.set(m.id, m);
    const done = new Set(written.map((m) => m.id));
    // Changed by someone else since it was read: read it again and apply the same callbacks.
    pending = moving.filter((c) => !done.has(c.change.messageId)).flatMap((c) => c.items);
  }
  if (updated.size === 0) return [];
  const conversations = await repo.conversations([...updated.values()].map((m) => m.conversationId));
  return [...updated.values()].flatMap((message) => {
    const conv = conversations.get(message.conversationId);
    return conv ? [{ type: 'message.updated' as const, conversation: summarize(conv), message }] : [];
  });
}

/**
 * The message each callback is about. Our own reference first: a callback can outrun the send's
 * answer that records the provider id; a reference into another account's conversation is ignored.
 */
async function findTargets(repo: IngestRepo, items: readonly AccountStatus[]): Promise<Map<AccountStatus, Message>> {
  const out = new Map<AccountStatus, Message>();
  const refs = items.flatMap((i) => (i.event.messageRef ? [i.event.messageRef] : []));
  const byRef = refs.length ? await repo.messagesByIds(refs) : new Map<string, { message: Message; accountId: string }>();
  const byProvider = new Map<string, AccountStatus[]>();
  for (const item of items) {
    const ref = item.event.messageRef ? byRef.get(item.event.messageRef) : undefined;
    if (ref && ref.accountId === item.accountId) out.set(item, ref.message);
    else byProvider.set(item.accountId, [...(byProvider.get(item.accountId) ?? []), item]);
  }
  for (const [accountId, list] of byProvider) {
    const found = await repo.messagesByProviderIds(
      accountId,
      list.map((i) => i.event.providerMessageId),
    );
    for (const item of list) {
      const m = found.get(item.event.providerMessageId);
      if (m) out.set(item, m);
    }
  }
  return out;
}
