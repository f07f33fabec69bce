/**
 * The common case of ingest — a known customer writing into their live conversation — done for a
 * whole batch at once: one sequence reservation per conversation and one multi-row insert for all
 * the messages, instead of five statements per message. The ingest service decides which events
 * qualify and keeps everything else on its one-event-at-a-time path.
 */
import type { InboundEvent } from '../channels/adapter.js';
import type { MessageContent } from '../domain/message.js';
import { newId } from '../lib/ids.js';
import type { Message } from '../store/conversations-repo.js';
import type { BumpedConversation, IngestRepo, MessageRow } from '../store/ingest-repo.js';

export type CustomerEvent = Extract<InboundEvent, { type: 'message' | 'postback' }>;

export function isCustomerEvent(e: InboundEvent): e is CustomerEvent {
  return e.type === 'message' || e.type === 'postback';
}

/** What a customer event says, as a message's content. */
export function customerContent(e: CustomerEvent): MessageContent {
  return e.type === 'message' ? e.content : { kind: 'postback', data: e.data, ...(e.label ? { label: e.label } : {}) };
}

export interface QueuedMessage<A> {
  account: A;
  event: CustomerEvent;
  content: MessageContent;
}


export interface WrittenGroup<A> {
  conversation: BumpedConversation;
  messages: Array<{ queued: QueuedMessage<A>; message: Message }>;
}

export class CustomerMessageBatch<A> {
  private readonly byConversation = new Map<string, Array<QueuedMessage<A>>>();

  constructor(private readonly repo: IngestRepo) {}

  get size(): number {
    return this.byConversation.size;
  }

  add(conversationId: string, q: QueuedMessage<A>): void {
    const list = this.byConversation.get(conversationId);
    if (list) list.push(q);
    else this.byConversation.set(conversationId, [q]);
  }

  /**
   * Writes everything added since the last write. `orphans` are messages whose conversation
   * stopped being live after it was read (closed by an agent meanwhile): the caller stores them
   * the slow way, which opens a new conversation.
   */
  async write(now: number): Promise<{ groups: Array<WrittenGroup<A>>; orphans: Array<QueuedMessage<A>> }> {
    const groups: Array<WrittenGroup<A>> = [];
    const orphans: Array<QueuedMessage<A>> = [];
    const rows: MessageRow[] = [];
    const bumped = await this.repo.bump(
      [...this.byConversation].map(([conversationId, items]) => {
        let replyToken: string | undefined;
        for (const q of items) replyToken = q.event.replyToken ?? replyToken;
        return { conversationId, count: items.length, ...(replyToken ? { replyToken } : {}) };
      }),
      now,
    );
    for (const [id, items] of this.byConversation) {
      const conversation = bumped.get(id);
      if (!conversation) {
        orphans.push(...items);
        continue;
      }
      let seq = conversation.lastSeq - items.length;
      const messages = items.map((queued) => {
        seq++;
        const providerMessageId = queued.event.type === 'message' ? queued.event.providerMessageId : null;
        const message: Message = {
          id: newId('msg'),
          conversationId: id,
          seq,
          direction: 'in',
          senderType: 'customer',
          authorUserId: null,
          content: queued.content,
          providerMessageId,
          status: 'received',
          errorCode: null,
          errorMessage: null,
          idempotencyKey: null,
          attempts: 0,
          createdAt: now,
          updatedAt: now,
        };
        rows.push({ id: message.id, conversationId: id, seq, content: JSON.stringify(queued.content), providerMessageId, at: now });
        return { queued, message };
      });
      groups.push({ conversation, messages });
    }
    this.byConversation.clear();
    await this.repo.insertCustomerMessages(rows);
    return { groups, orphans };
  }
}
