/**
 * What the widget is told about messages and conversations (pure). Only fields of our own rows,
 * as plain text: the widget renders every string with textContent, never as HTML. Internal
 * fields (idempotency keys, provider ids, error details, agent ids) never leave the hub.
 */
import type { ConversationState } from '../../domain/conversation.js';
import { isMediaContent, previewOf, type MessageStatus } from '../../domain/message.js';
import type { Conversation, Message } from '../../store/conversations-repo.js';

export interface WidgetAttachment {
  kind: 'image' | 'video' | 'audio' | 'file';
  /** Download with GET /webchat/:accountId/blobs/:blobId (absent while the bytes are not stored yet). */
  blobId?: string;
  contentType?: string;
  fileName?: string;
  size?: number;
}

export interface WidgetMessage {
  id: string;
  conversationId: string;
  seq: number;
  /** 'system': the hub's automated messages (greetings, queue notices, survey invitations). */
  from: 'customer' | 'agent' | 'bot' | 'system';
  /** On the customer's own messages: the id the widget sent it with (it replaces the pending copy). */
  clientMessageId?: string;
  /** The agent's display name, on agents' messages. */
  agentName?: string;
  text?: string;
  attachment?: WidgetAttachment;
  status: MessageStatus;
  at: number;
}

export interface WidgetConversation {
  id: string;
  state: ConversationState;
  /** The assigned agent's display name while an agent holds the conversation. */
  agentName: string | null;
}

/** undefined for what the customer does not see (internal notes and events: only outbound system messages reach them). */
export function toWidgetMessage(m: Message, agentName?: string): WidgetMessage | undefined {
  if (m.content.kind === 'event' || (m.senderType === 'system' && m.direction !== 'out')) return undefined;
  const out: WidgetMessage = {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    from: m.senderType,
    status: m.status,
    at: m.createdAt,
  };
  if (m.senderType === 'agent' && agentName) out.agentName = agentName;
  if (m.senderType === 'customer' && m.providerMessageId) out.clientMessageId = m.providerMessageId;
  const c = m.content;
  if (isMediaContent(c)) {
    out.attachment = {
      kind: c.kind,
      ...(c.media.blobId ? { blobId: c.media.blobId } : {}),
      ...(c.media.contentType ? { contentType: c.media.contentType } : {}),
      ...(c.media.fileName ? { fileName: c.media.fileName } : {}),
      ...(c.media.size !== undefined ? { size: c.media.size } : {}),
    };
    if (c.caption) out.text = c.caption;
  } else if (c.kind === 'text' || c.kind === 'template') {
    out.text = c.text;
  } else {
    out.text = previewOf(c);
  }
  return out;
}

export function toWidgetConversation(c: Conversation, agentName: string | undefined): WidgetConversation {
  const held = c.agentId !== null && (c.state === 'active' || c.state === 'waiting' || c.state === 'wrapup');
  return { id: c.id, state: c.state, agentName: held ? (agentName ?? null) : null };
}
