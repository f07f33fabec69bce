/** A Business Messages user a test or a person plays: each action sends the webhook Google would send. */
import type { EmulatorContext } from './context.js';
import { sendReceipts } from './device.js';
import { dispatchWebhook, sourceOf } from './dispatch.js';
import { newUuid } from './ids.js';
import { messagePayload, suggestionPayload, userStatusPayload, type UserContext } from './payloads.js';
import type { ConversationRecord } from './state.js';
import type { EmulatedGbmCustomer, ReceivedGbm, SentGbm, WebhookDelivery } from './types.js';

const language = (locale: string): string => locale.split(/[-_]/)[0]?.toLowerCase() ?? locale;

/** resolvedLocale: the user's language when the agent speaks it, else the agent's default locale. */
export function resolveLocale(userLocale: string, agentLocale: string): string {
  return language(userLocale) === language(agentLocale) ? language(userLocale) : agentLocale;
}

/** Which kind of suggestion a tapped postbackData came from, newest business message first. */
function suggestionTypeOf(inbox: ReceivedGbm[], postbackData: string): 'REPLY' | 'ACTION' {
  for (let i = inbox.length - 1; i >= 0; i -= 1) {
    const suggestions = [...(inbox[i]?.suggestions ?? []), ...cardSuggestions(inbox[i]?.richCard)];
    for (const s of suggestions) {
      const action = s['action'] as Record<string, unknown> | undefined;
      const reply = s['reply'] as Record<string, unknown> | undefined;
      if (action?.['postbackData'] === postbackData) return 'ACTION';
      if (reply?.['postbackData'] === postbackData) return 'REPLY';
    }
  }
  return 'REPLY';
}

function cardSuggestions(richCard: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  if (richCard === undefined) return [];
  const standalone = (richCard['standaloneCard'] as { cardContent?: { suggestions?: unknown } } | undefined)?.cardContent;
  const carousel = (richCard['carouselCard'] as { cardContents?: Array<{ suggestions?: unknown }> } | undefined)?.cardContents ?? [];
  return [standalone, ...carousel].flatMap((c) => (Array.isArray(c?.suggestions) ? (c.suggestions as Array<Record<string, unknown>>) : []));
}

export function createCustomer(ctx: EmulatorContext, c: ConversationRecord): EmulatedGbmCustomer {
  const { state } = ctx;

  function userContext(): UserContext {
    const agent = state.requireAgent(c.agentId);
    const p = c.profile;
    return {
      entryPoint: p.entryPoint,
      ...(p.placeId === undefined ? {} : { placeId: p.placeId }),
      displayName: p.displayName,
      userDeviceLocale: p.locale,
      resolvedLocale: resolveLocale(p.locale, agent.defaultLocale),
    };
  }

  function sendMessage(kind: SentGbm['kind'], text: string): Promise<WebhookDelivery> {
    const messageId = newUuid();
    const now = state.now();
    c.sent.push({ at: now, messageId, kind, text });
    const payload = messagePayload(sourceOf(ctx, c), userContext(), newUuid(), messageId, text, now);
    return dispatchWebhook(ctx, c, 'message', payload, { messageId });
  }

  return {
    agentId: c.agentId,
    conversationId: c.conversationId,
    sendText: (text) => sendMessage('text', text),
    sendImage(bytes, contentType = 'image/jpeg') {
      return sendMessage('image', ctx.customerMedia.put(ctx.baseUrl, { contentType, bytes }));
    },
    sendSuggestionResponse(postbackData, text) {
      const messageId = newUuid();
      const now = state.now();
      c.sent.push({ at: now, messageId, kind: 'suggestionResponse', text });
      const suggestionType = suggestionTypeOf(c.inbox, postbackData);
      const payload = suggestionPayload(sourceOf(ctx, c), userContext(), newUuid(), { messageId, postbackData, text, suggestionType }, now);
      return dispatchWebhook(ctx, c, 'suggestionResponse', payload, { messageId });
    },
    typing(isTyping) {
      return dispatchWebhook(ctx, c, 'userStatus', userStatusPayload(sourceOf(ctx, c), newUuid(), { isTyping }, state.now()));
    },
    requestLiveAgent() {
      return dispatchWebhook(ctx, c, 'userStatus', userStatusPayload(sourceOf(ctx, c), newUuid(), { requestedLiveAgent: true }, state.now()));
    },
    async read(messageId) {
      const m = c.inbox.find((x) => x.messageId === messageId);
      if (m === undefined) throw new Error(`GBM emulator: conversation ${c.conversationId} has no business message ${messageId}`);
      if (ctx.receiptDelays.delivered !== false && !m.receiptsSent.includes('DELIVERED')) await sendReceipts(ctx, c, 'DELIVERED', [m]);
      return sendReceipts(ctx, c, 'READ', [m]);
    },
    inbox: () => [...c.inbox],
    events: () => [...c.events],
    surveys: () => [...c.surveys],
    sent: () => c.sent.map((s) => ({ ...s })),
    waitForInbox(count, timeoutMs = 5000) {
      return new Promise<ReceivedGbm[]>((resolve, reject) => {
        const listener = (): void => {
          if (c.inbox.length < count) return;
          cleanup();
          resolve([...c.inbox]);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`GBM emulator: conversation ${c.conversationId} has ${c.inbox.length} of ${count} messages after ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          c.listeners.delete(listener);
        };
        c.listeners.add(listener);
        listener();
      });
    },
  };
}
