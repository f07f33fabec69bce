/**
 * The jobs that talk to providers: deliver an agent's message, fetch a customer's profile,
 * download media a customer sent. Each records its outcome on the message or identity, so
 * nothing fails silently, and each is safe to run twice (idempotency keys, forward-only status).
 */
import type { ChannelAdapter, ChannelClient, Representative, SendError } from '../channels/adapter.js';
import { isMediaContent } from '../domain/message.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { ConversationsRepo, type Message } from '../store/conversations-repo.js';
import type { Store } from '../store/db.js';
import { GroupCommit } from '../store/group-commit.js';
import type { BlobStore } from './blob-store.js';
import { summarize, type EventBus } from './event-bus.js';
import { backoffMs, type JobHandler, type JobOutcome } from './job-runner.js';
import type { Metrics } from './metrics.js';

export interface ResolvedAccount {
  id: string;
  kind: string;
  credentials: unknown;
}

export interface ChannelJobDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  bus: EventBus;
  metrics: Metrics;
  blobs: BlobStore;
  resolveAccount: (id: string) => Promise<ResolvedAccount | undefined>;
  adapterFor: (kind: string) => ChannelAdapter<unknown, unknown> | undefined;
  baseUrls: Readonly<Record<string, string>>;
  /** The hub's public URL: status callbacks come back to it. */
  publicUrl: string;
  /** Reply tokens older than this are not tried (LINE's are valid for about a minute). */
  replyTokenMaxAgeMs?: number;
  maxDeliveryAttempts?: number;
  /** An agent's display name, which some providers show the customer. */
  displayNameOf: (userId: string) => Promise<string | undefined>;
  providerTimeoutMs?: number;
  fetch?: typeof fetch;
  /** Wait before retry after failed attempt `attempt` (default: `backoffMs`, 1 s doubling to 5 min). */
  backoffMs?: (attempt: number) => number;
}

const RETRYABLE: ReadonlyArray<SendError['code']> = ['temporary', 'rate_limited'];

export function channelJobHandlers(d: ChannelJobDeps): Record<string, JobHandler> {
  const repo = new ConversationsRepo(d.store.db);
  const backoff = d.backoffMs ?? backoffMs;
  // Status changes of concurrent deliveries share commits (see store/group-commit.ts).
  const commits = GroupCommit.of(d.store.db, d.store.dialect);

  async function clientFor(
    accountId: string,
  ): Promise<{ client: ChannelClient; kind: string; adapter: ChannelAdapter<unknown, unknown> } | string> {
    const account = await d.resolveAccount(accountId);
    if (!account) return 'the messaging account was deleted';
    const adapter = d.adapterFor(account.kind);
    if (!adapter) return `no channel adapter for ${account.kind}`;
    const client = adapter.createClient(account.credentials, {
      baseUrls: d.baseUrls,
      now: () => d.clock.now(),
      ...(d.fetch ? { fetch: d.fetch } : {}),
      ...(d.providerTimeoutMs ? { timeoutMs: d.providerTimeoutMs } : {}),
    });
    return { client, kind: account.kind, adapter };
  }

  async function publishMessage(m: Message | undefined): Promise<void> {
    if (!m) return;
    const conv = await repo.getConversation(m.conversationId);
    if (conv) d.bus.publish({ type: 'message.updated', conversation: summarize(conv), message: m });
  }

  const deliver: JobHandler = async (job) => {
    const messageId = String(job.payload.messageId);
    const msg = await repo.getMessage(messageId);
    if (!msg || (msg.status !== 'queued' && msg.status !== 'sending')) return { done: true };
    const conv = await repo.getConversation(msg.conversationId);
    const identity = conv && (await repo.getIdentity(conv.identityId));
    if (!conv || !identity) return { failed: 'conversation or identity missing' };
    const now = d.clock.now();
    const resolved = await clientFor(conv.accountId);
    if (typeof resolved === 'string') {
      await publishMessage(await repo.updateMessage(msg.id, { status: 'failed', errorCode: 'account', errorMessage: resolved }, now));
      return { failed: resolved };
    }
    d.metrics.deliveryAttempts.inc({ channel: resolved.kind });
    await commits.run((trx) => new ConversationsRepo(trx).updateMessage(msg.id, { status: 'sending', attempts: job.attempts }, now, ['queued', 'sending']));
    // Only the first attempt may spend the free reply token; retries push with the same idempotency key.
    // The conversation just read shows whether there is a token to take: most channels never have one.
    const replyToken =
      job.attempts === 1 && conv.replyToken ? await repo.takeReplyToken(conv.id, now - (d.replyTokenMaxAgeMs ?? 50_000)) : undefined;
    const statusPath = resolved.adapter.statusCallbackPath;
    const result = await resolved.client.send({
      idempotencyKey: msg.idempotencyKey ?? msg.id,
      recipient: identity.providerUserId,
      content: msg.content,
      mediaUrl: (blobId, variant) => d.blobs.signedUrl(blobId, variant),
      attempt: job.attempts,
      representative: await representativeOf(msg),
      ...(job.attempts > 1 ? { knownProviderMessageIds: await repo.providerIdsInConversation(conv.id, msg.id) } : {}),
      ...(replyToken ? { replyToken } : {}),
      ...(statusPath ? { statusCallbackUrl: `${d.publicUrl}/webhooks/${resolved.kind}/${conv.accountId}${statusPath}?m=${encodeURIComponent(msg.id)}` } : {}),
      ...(typeof conv.context.address === 'string' && conv.context.address ? { address: conv.context.address } : {}),
    });
    const at = d.clock.now();
    if (result.ok) {
      const latest = await commits.run((trx) => new ConversationsRepo(trx).recordSent(msg.id, result.providerMessageId, at));
      // The conversation read before the send is good enough for the event's summary.
      if (latest) d.bus.publish({ type: 'message.updated', conversation: summarize(conv), message: latest });
      return { done: true };
    }
    const err = result.error;
    d.metrics.deliveryFailures.inc({ channel: resolved.kind, code: err.code });
    const max = d.maxDeliveryAttempts ?? 10;
    if (RETRYABLE.includes(err.code) && job.attempts < max) {
      const retryAt = at + Math.max(err.retryAfterMs ?? 0, backoff(job.attempts));
      // Still queued, with the reason visible to the agent while it retries.
      await publishMessage(
        await repo.updateMessage(
          msg.id,
          { status: 'queued', errorCode: err.providerCode ?? err.code, errorMessage: `retrying: ${err.message}` },
          at,
          ['sending'],
        ),
      );
      return { retryAt, error: err.message };
    }
    const reason = RETRYABLE.includes(err.code) ? `gave up after ${job.attempts} attempts: ${err.message}` : err.message;
    await publishMessage(
      await repo.updateMessage(msg.id, { status: 'failed', errorCode: err.providerCode ?? err.code, errorMessage: reason }, at, [
        'queued',
        'sending',
      ]),
    );
    d.log.warn({ messageId: msg.id, code: err.code, providerCode: err.providerCode }, 'outbound message failed');
    return { failed: reason };
  };

  async function representativeOf(m: Message): Promise<Representative> {
    if (m.senderType === 'agent' && m.authorUserId) {
      const displayName = await d.displayNameOf(m.authorUserId);
      return { type: 'human', ...(displayName ? { displayName } : {}) };
    }
    return { type: 'bot' };
  }

  /** Agent joined or left, for providers that show it (Business Messages). */
  const signal: JobHandler = async (job) => {
    const conv = await repo.getConversation(String(job.payload.conversationId));
    const identity = conv && (await repo.getIdentity(conv.identityId));
    if (!conv || !identity) return { done: true };
    const resolved = await clientFor(conv.accountId);
    if (typeof resolved === 'string') return { failed: resolved };
    if (!resolved.client.sendSignal) return { done: true };
    const userId = typeof job.payload.userId === 'string' ? job.payload.userId : undefined;
    const displayName = userId ? await d.displayNameOf(userId) : undefined;
    const result = await resolved.client.sendSignal(
      identity.providerUserId,
      {
        type: job.payload.signal === 'representative_left' ? 'representative_left' : 'representative_joined',
        representative: { type: userId ? 'human' : 'bot', ...(displayName ? { displayName } : {}) },
      },
      job.id,
    );
    if (result.ok) return { done: true };
    if (RETRYABLE.includes(result.error.code)) return retry(job, result.error.message, 5);
    return { failed: result.error.message };
  };

  const retry = (job: { attempts: number }, error: string, max: number): JobOutcome =>
    job.attempts < max ? { retryAt: d.clock.now() + backoff(job.attempts), error } : { failed: error };

  const fetchProfile: JobHandler = async (job) => {
    const identity = await repo.getIdentity(String(job.payload.identityId));
    if (!identity) return { done: true };
    const resolved = await clientFor(identity.accountId);
    if (typeof resolved === 'string') return { failed: resolved };
    if (!resolved.client.fetchProfile) return { done: true };
    try {
      const p = await resolved.client.fetchProfile(identity.providerUserId);
      await repo.updateIdentityProfile(identity.id, p ?? {}, d.clock.now());
      const live = await repo.liveConversationOf(identity.id);
      if (live) d.bus.publish({ type: 'conversation.updated', conversation: summarize(live) });
      return { done: true };
    } catch (e) {
      return retry(job, `profile: ${String(e)}`, 5);
    }
  };

  const downloadMedia: JobHandler = async (job) => {
    const msg = await repo.getMessage(String(job.payload.messageId));
    if (!msg || !isMediaContent(msg.content) || msg.content.media.blobId || !msg.content.media.providerRef) return { done: true };
    const conv = await repo.getConversation(msg.conversationId);
    if (!conv) return { done: true };
    const resolved = await clientFor(conv.accountId);
    if (typeof resolved === 'string') return { failed: resolved };
    if (!resolved.client.downloadMedia) return { failed: 'channel cannot download media' };
    try {
      const media = await resolved.client.downloadMedia(msg.content.media.providerRef);
      const blob = await d.blobs.put(media.body, {
        contentType: media.contentType,
        fileName: media.fileName ?? msg.content.media.fileName ?? null,
        conversationId: conv.id,
      });
      const content = {
        ...msg.content,
        media: { ...msg.content.media, blobId: blob.id, contentType: blob.contentType, size: blob.size },
      };
      await publishMessage(await repo.updateMessage(msg.id, { content }, d.clock.now()));
      return { done: true };
    } catch (e) {
      return retry(job, `media: ${String(e)}`, 8);
    }
  };

  return { deliver, fetch_profile: fetchProfile, download_media: downloadMedia, signal };
}
