/**
 * Push mode: conversations offered to this agent. Offers arrive as `offer.created` over the
 * WebSocket and are re-read from GET /api/me/offers on load and after every reconnection; an
 * `offer.ended` (accepted, declined, expired, withdrawn) removes one. Each card shows the
 * customer, channel, queue, first message and a live countdown, with Accept and Decline.
 * While the tab is hidden a desktop notification announces the offer (if allowed).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorNote } from '../components/ui';
import { t, tp } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { formatCountdown } from '../lib/format';
import { useNow, useRealtime, useSession } from '../lib/hooks';
import { closeNotification, notifyIfHidden } from '../lib/notify';
import { navigate } from '../lib/router';
import type { Conversation, ConversationView, Message, Offer, Queue } from '../lib/types';
import { channelLabel, previewOf } from './preview';

const enc = encodeURIComponent;

/** GET /api/me/offers carries no details: fill them from the conversation (best effort). */
async function withDetails(o: Offer, queues: Queue[] | undefined): Promise<Offer> {
  if (o.customerName !== undefined && o.firstMessage !== undefined) return o;
  try {
    const base = `/api/conversations/${enc(o.conversationId)}`;
    const [view, first] = await Promise.all([get<ConversationView>(base), get<Message[]>(`${base}/messages?afterSeq=0&limit=1`).catch(() => [])]);
    const ctx = (view.conversation.context ?? {}) as Record<string, unknown>;
    return {
      ...o,
      customerName: view.identity?.displayName ?? (typeof ctx.customerName === 'string' ? ctx.customerName : null),
      channel: view.channel ?? null,
      queueName: queues?.find((q) => q.id === view.conversation.queueId)?.name ?? null,
      firstMessage: first[0] ? previewOf(first[0].content) : typeof ctx.firstMessage === 'string' ? ctx.firstMessage : null,
    };
  } catch {
    return o;
  }
}

export function OfferTray() {
  const { user } = useSession();
  const [offers, setOffers] = useState<Offer[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [announce, setAnnounce] = useState('');
  const queues = useRef<Queue[] | undefined>(undefined);
  const details = useRef(new Map<string, Offer>());

  const remember = (o: Offer) => {
    if (o.customerName !== undefined) details.current.set(o.id, o);
    return details.current.get(o.id) ?? o;
  };

  const load = useCallback(async () => {
    try {
      if (!queues.current) queues.current = (await get<{ queues: Queue[] }>('/api/queues?mine=true')).queues;
      const live = await get<Offer[]>('/api/me/offers');
      const full = await Promise.all(live.map((o) => withDetails(details.current.get(o.id) ?? o, queues.current)));
      for (const o of full) remember(o);
      setOffers(full);
      for (const id of [...details.current.keys()]) if (!live.some((o) => o.id === id)) closeNotification(id);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useRealtime((e) => {
    if (e.type === 'resync') {
      void load();
      return;
    }
    if (e.type === 'offer.created' && e.offer.agentId === user.id) {
      const o = remember(e.offer);
      setOffers((list) => (list.some((x) => x.id === o.id) ? list : [...list, o]));
      // A new customer's profile (their name) is often fetched just after the offer: look again shortly.
      if (!o.customerName) {
        setTimeout(() => {
          void get<ConversationView>(`/api/conversations/${enc(o.conversationId)}`)
            .then((v) => {
              const name = v.identity?.displayName;
              if (!name) return;
              details.current.set(o.id, { ...o, customerName: name });
              setOffers((list) => list.map((x) => (x.id === o.id ? { ...x, customerName: name } : x)));
            })
            .catch(() => undefined);
        }, 1500);
      }
      const name = o.customerName || t('conversation.unknownCustomer');
      setAnnounce(t('offers.announce', { name }));
      notifyIfHidden(o.id, t('offers.notificationTitle', { name }), [o.queueName, o.firstMessage].filter(Boolean).join(' — '), () =>
        document.getElementById(`offer-${o.id}`)?.querySelector<HTMLButtonElement>('button')?.focus(),
      );
    }
    if (e.type === 'offer.ended' && e.offer.agentId === user.id) {
      setOffers((list) => list.filter((x) => x.id !== e.offer.id));
      closeNotification(e.offer.id);
    }
  });

  const drop = (id: string) => {
    setOffers((list) => list.filter((x) => x.id !== id));
    closeNotification(id);
  };

  return (
    <>
      <div className="visually-hidden" aria-live="assertive">
        {announce}
      </div>
      {(offers.length > 0 || error) && (
        <section className="offer-tray" aria-labelledby="offer-tray-title">
          <h2 id="offer-tray-title" className="visually-hidden">
            {tp('offers.title', offers.length)}
          </h2>
          <ErrorNote error={error} onDismiss={() => setError(undefined)} />
          {offers.map((o) => (
            <OfferCard key={o.id} offer={o} onDone={() => drop(o.id)} />
          ))}
        </section>
      )}
    </>
  );
}

function OfferCard({ offer, onDone }: { offer: Offer; onDone: () => void }) {
  const now = useNow(250);
  const [busy, setBusy] = useState<'accept' | 'decline' | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const left = offer.expiresAt - now;
  const total = Math.max(1, offer.expiresAt - offer.offeredAt);
  const name = offer.customerName || t('conversation.unknownCustomer');
  const titleId = `offer-${offer.id}-title`;

  useEffect(() => {
    // The server ends it too (offer.ended); this only tidies up if that event was missed.
    if (left < -3000) onDone();
  }, [left < -3000]);

  const accept = async () => {
    setBusy('accept');
    setError(undefined);
    try {
      const c = await post<Conversation>(`/api/offers/${enc(offer.id)}/accept`);
      onDone();
      navigate(`/workspace/c/${enc(c.id)}`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(undefined);
    }
  };
  const decline = async () => {
    setBusy('decline');
    setError(undefined);
    try {
      await post(`/api/offers/${enc(offer.id)}/decline`);
      onDone();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(undefined);
    }
  };

  const expired = left <= 0;
  return (
    <article id={`offer-${offer.id}`} className={`offer-card${left < 15_000 ? ' offer-urgent' : ''}`} aria-labelledby={titleId} data-testid="offer">
      <header className="offer-head">
        <span className="offer-kicker">{t('offers.kicker')}</span>
        <span className="offer-countdown" role="timer" aria-label={t('offers.timeLeft')} data-testid="offer-countdown">
          {expired ? t('offers.expired') : formatCountdown(left)}
        </span>
      </header>
      <meter className="offer-meter" min={0} max={total} value={Math.max(0, left)} low={total * 0.25} high={total * 0.5} optimum={total} aria-hidden="true" />
      <h3 id={titleId}>{name}</h3>
      <p className="offer-meta">
        {channelLabel(offer.channel ?? undefined)}
        {offer.queueName && <> · {offer.queueName}</>}
      </p>
      {offer.firstMessage && <blockquote className="offer-first">{offer.firstMessage}</blockquote>}
      <ErrorNote error={error} />
      <div className="offer-actions">
        <button type="button" className="button button-primary" disabled={busy !== undefined || expired} onClick={() => void accept()}>
          {busy === 'accept' ? t('offers.accepting') : t('offers.accept')}
          <span className="visually-hidden"> {t('offers.fromName', { name })}</span>
        </button>
        <button type="button" className="button" disabled={busy !== undefined || expired} onClick={() => void decline()}>
          {busy === 'decline' ? t('offers.declining') : t('offers.decline')}
          <span className="visually-hidden"> {t('offers.fromName', { name })}</span>
        </button>
      </div>
    </article>
  );
}
