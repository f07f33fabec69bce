/** The customer: the channel identity, its linked contact (link or create), past conversations. */
import { useState, type FormEvent } from 'react';
import { Avatar, Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useAction, useLoad } from '../lib/hooks';
import type { Contact, CustomerSummary, Identity } from '../lib/types';
import { STATE_LABEL, channelLabel } from './preview';

export function ContactPanel({
  identity,
  contactId,
  currentConversationId,
  readOnly = false,
}: {
  identity: Identity;
  contactId: string | null;
  currentConversationId: string;
  /** Monitoring: show, do not change. */
  readOnly?: boolean;
}) {
  const summary = useLoad(
    (signal) => get<CustomerSummary>(`/api/identities/${encodeURIComponent(identity.id)}/summary`, { signal }),
    [identity.id, contactId],
  );
  const [linking, setLinking] = useState(false);
  const name = identity.displayName ?? t('conversation.unknownCustomer');
  const contact = summary.data?.contact ?? null;
  const past = (summary.data?.conversations ?? []).filter((c) => c.id !== currentConversationId);

  return (
    <aside className="contact-panel" aria-labelledby="contact-panel-title">
      <h2 id="contact-panel-title" className="visually-hidden">
        {t('contact.panelTitle')}
      </h2>
      <section className="identity-card">
        <Avatar name={name} src={identity.pictureUrl} size={64} />
        <div>
          <p className="identity-name">{name}</p>
          <dl className="facts">
            <dt>{t('contact.channel')}</dt>
            <dd>{channelLabel(identity.kind)}</dd>
            <dt>{t('contact.language')}</dt>
            <dd>{identity.language ?? t('common.unknown')}</dd>
          </dl>
        </div>
      </section>

      <section aria-labelledby="linked-contact-title">
        <h3 id="linked-contact-title">{t('contact.linkedContact')}</h3>
        {summary.loading && !summary.data ? (
          <Loading />
        ) : summary.error ? (
          <ErrorNote error={summary.error} />
        ) : contact ? (
          <div className="contact-card">
            <p className="contact-name">{contact.displayName}</p>
            <dl className="facts">
              <dt>{t('contact.email')}</dt>
              <dd>{contact.email ?? '—'}</dd>
              <dt>{t('contact.phone')}</dt>
              <dd>{contact.phone ?? '—'}</dd>
            </dl>
          </div>
        ) : (
          <Empty>{t('contact.notLinked')}</Empty>
        )}
        {readOnly ? null : linking ? (
          <LinkContact
            identity={identity}
            onDone={() => {
              setLinking(false);
              void summary.reload();
            }}
            onCancel={() => setLinking(false)}
          />
        ) : (
          <button type="button" className="button button-small" onClick={() => setLinking(true)}>
            {contact ? t('contact.linkOther') : t('contact.link')}
          </button>
        )}
      </section>

      <section aria-labelledby="past-title">
        <h3 id="past-title">{t('contact.pastConversations')}</h3>
        {summary.data && past.length === 0 && <Empty>{t('contact.noPast')}</Empty>}
        {past.length > 0 && (
          <ul className="past-list">
            {past.map((c) => (
              <li key={c.id}>
                <span className={`badge badge-${c.state}`}>{t(STATE_LABEL[c.state])}</span>
                <span>{formatDateTime(c.createdAt ?? c.lastMessageAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  );
}

function LinkContact({ identity, onDone, onCancel }: { identity: Identity; onDone: () => void; onCancel: () => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<Contact[] | undefined>(undefined);
  const [searchError, setSearchError] = useState<string | undefined>(undefined);
  const [searching, setSearching] = useState(false);
  const [form, setForm] = useState({ displayName: identity.displayName ?? '', email: '', phone: '' });
  const act = useAction();
  const linkPath = `/api/identities/${encodeURIComponent(identity.id)}/link`;

  const search = async (e: FormEvent) => {
    e.preventDefault();
    setSearching(true);
    setSearchError(undefined);
    try {
      setResults(await get<Contact[]>(`/api/contacts?q=${encodeURIComponent(q.trim())}`));
    } catch (err) {
      setSearchError(errorMessage(err));
    } finally {
      setSearching(false);
    }
  };

  const link = async (contactId: string) => {
    if (await act.run(() => post<Contact>(linkPath, { contactId }))) onDone();
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      create: {
        displayName: form.displayName.trim(),
        ...(form.email.trim() ? { email: form.email.trim() } : {}),
        ...(form.phone.trim() ? { phone: form.phone.trim() } : {}),
      },
    };
    if (await act.run(() => post<Contact>(linkPath, body))) onDone();
  };

  return (
    <div className="link-contact">
      <form onSubmit={(e) => void search(e)} className="inline-form" role="search">
        <Field id="contact-search" label={t('contact.search')}>
          <input id="contact-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('contact.searchPlaceholder')} />
        </Field>
        <button type="submit" className="button button-small" disabled={searching}>
          {t('contact.searchButton')}
        </button>
      </form>
      <ErrorNote error={searchError} />
      {results && results.length === 0 && <Empty>{t('contact.noResults')}</Empty>}
      {results && results.length > 0 && (
        <ul className="result-list">
          {results.map((c) => (
            <li key={c.id}>
              <span>
                {c.displayName}
                {c.email && <span className="muted"> · {c.email}</span>}
              </span>
              <button type="button" className="button button-small" disabled={act.busy} onClick={() => void link(c.id)}>
                {t('contact.linkThis')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void create(e)} className="stack">
        <h4>{t('contact.createTitle')}</h4>
        <Field id="new-contact-name" label={t('contact.name')}>
          <input id="new-contact-name" required value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </Field>
        <Field id="new-contact-email" label={t('contact.email')}>
          <input id="new-contact-email" type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </Field>
        <Field id="new-contact-phone" label={t('contact.phone')}>
          <input id="new-contact-phone" type="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />
        </Field>
        <ErrorNote error={act.error} />
        <div className="button-row">
          <button type="submit" className="button button-primary button-small" disabled={act.busy}>
            {t('contact.createAndLink')}
          </button>
          <button type="button" className="button button-small" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
