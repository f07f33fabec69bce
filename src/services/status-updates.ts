import type { InboundEvent } from '../channels/adapter.js';
import { statusMovesForward } from '../domain/message.js';
import type { ConversationsRepo } from '../store/conversations-repo.js';
import { summarize, type HubEvent } from './event-bus.js';

type StatusEvent = Extract<InboundEvent, { type: 'status' }>;

/** Applies a provider status callback to our message, only ever forward (late "sent" never beats "delivered"). */
export async function advanceStatus(repo: ConversationsRepo, accountId: string, e: StatusEvent, now: number): Promise<HubEvent | undefined> {
  // Our own reference first: a callback can outrun the send's answer that records the provider id.
  const byRef = e.messageRef ? await repo.getMessage(e.messageRef) : undefined;
  const msg = byRef && (await repo.getConversation(byRef.conversationId))?.accountId === accountId
    ? byRef
    : await repo.messageByProviderId(accountId, e.providerMessageId);
  if (!msg || !statusMovesForward(msg.status, e.status)) return undefined;
  const updated = await repo.updateMessage(
    msg.id,
    {
      status: e.status,
      ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      ...(e.errorMessage ? { errorMessage: e.errorMessage } : {}),
      ...(msg.providerMessageId ? {} : { providerMessageId: e.providerMessageId }),
    },
    now,
    [msg.status],
  );
  const conv = updated && (await repo.getConversation(updated.conversationId));
  return updated && conv ? { type: 'message.updated', conversation: summarize(conv), message: updated } : undefined;
}
