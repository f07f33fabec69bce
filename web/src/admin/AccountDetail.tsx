/** One messaging account: callback URL(s) to copy, masked credentials, its channel instances, Delete. */
import { useState } from 'react';
import { ConfirmDialog, CopyButton, Empty, ErrorNote, Loading, Notice } from '../components/ui';
import { humanize, t, tOr } from '../i18n';
import { del, get } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useAction, useLoad } from '../lib/hooks';
import { Link, navigate } from '../lib/router';
import type { Account, ChannelInstance } from '../lib/types';
import { channelLabel } from '../workspace/preview';
import { fieldLabel } from './SchemaFields';

const MASK = '••••';

/** Secured values are shown masked; an admin may reveal one they are allowed to read. */
function mask(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length >= 12 ? MASK + s.slice(-4) : MASK;
}

function SecuredValue({ value }: { value: unknown }) {
  const [shown, setShown] = useState(false);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const alreadyMasked = typeof value === 'string' && value.startsWith(MASK);
  return (
    <span className="secured">
      <code>{shown && !alreadyMasked ? text : alreadyMasked ? text : mask(value)}</code>
      {!alreadyMasked && (
        <button type="button" className="link-button" aria-pressed={shown} onClick={() => setShown(!shown)}>
          {shown ? t('accounts.hide') : t('accounts.show')}
        </button>
      )}
    </span>
  );
}

function settingsEntries(settings: unknown): [string, unknown][] {
  return settings && typeof settings === 'object' && !Array.isArray(settings) ? Object.entries(settings as Record<string, unknown>) : [];
}

const settingLabel = (kind: string, name: string) => tOr(`setting.${kind}.${name}`, tOr(`setting.${name}`, humanize(name)));

/** Lists of objects (WhatsApp numbers) as a list of rows; yes/no; text; anything else as JSON. */
function SettingValue({ kind, value }: { kind: string; value: unknown }) {
  if (typeof value === 'boolean') return <>{value ? t('common.yes') : t('common.no')}</>;
  if (typeof value === 'string' || typeof value === 'number') return <code>{String(value)}</code>;
  if (Array.isArray(value) && value.every((x) => x && typeof x === 'object')) {
    return (
      <ul className="plain-list">
        {value.map((row, i) => (
          <li key={i}>
            {Object.entries(row as Record<string, unknown>)
              .map(([k, v]) => `${settingLabel(kind, k)}: ${String(v)}`)
              .join(' · ')}
          </li>
        ))}
      </ul>
    );
  }
  return <code>{JSON.stringify(value)}</code>;
}

export function AccountDetail({ id }: { id: string }) {
  const account = useLoad((signal) => get<Account>(`/api/accounts/${encodeURIComponent(id)}`, { signal }), [id]);
  const instances = useLoad(
    (signal) => get<{ channelInstances: ChannelInstance[] }>(`/api/channel-instances?accountId=${encodeURIComponent(id)}`, { signal }),
    [id],
  );
  const [confirming, setConfirming] = useState(false);
  const remove = useAction();
  const created = new URLSearchParams(window.location.search).get('created') === '1';

  if (account.loading && !account.data) return <Loading />;
  if (account.error || !account.data) return <ErrorNote error={account.error} />;
  const a = account.data;
  const secured = new Set(a.securedFields);

  const doDelete = async () => {
    const ok = await remove.run(async () => {
      await del(`/api/accounts/${encodeURIComponent(a.id)}`);
      return true;
    });
    if (ok) {
      setConfirming(false);
      navigate('/admin/accounts');
    }
  };

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/admin/accounts">{t('accounts.title')}</Link>
      </p>
      <div className="page-head">
        <h1>{a.name}</h1>
        <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
          {t('accounts.delete')}
        </button>
      </div>
      <p className="muted">
        {channelLabel(a.kind)} · {t('common.createdAt', { time: formatDateTime(a.createdAt) })}
      </p>
      {created && <Notice tone="success">{t('accounts.created')}</Notice>}

      <section className="card" aria-labelledby="callback-title">
        <h2 id="callback-title">{t('accounts.callbackUrl')}</h2>
        <p className="hint">{t('accounts.callbackHint')}</p>
        <div className="copy-row">
          <code className="url" data-testid="callback-url">
            {a.callbackUrl}
          </code>
          <CopyButton text={a.callbackUrl} label={t('accounts.copyCallback')} />
        </div>
        {Object.entries(a.extraCallbackUrls).map(([k, url]) => {
          const label = tOr(`callback.${k}`, humanize(k));
          return (
            <div key={k} className="copy-block">
              <h3>{label}</h3>
              <div className="copy-row">
                <code className="url">{url}</code>
                <CopyButton text={url} label={t('accounts.copyNamed', { name: label })} />
              </div>
            </div>
          );
        })}
        {a.webhookVerifiedAt && <Notice tone="success">{t('accounts.webhookVerified', { time: formatDateTime(a.webhookVerifiedAt) })}</Notice>}
      </section>

      <section className="card" aria-labelledby="creds-title">
        <h2 id="creds-title">{t('wizard.credentials')}</h2>
        <dl className="facts facts-wide">
          {Object.entries(a.credentials).map(([k, v]) => (
            <div key={k} className="facts-row">
              <dt>{fieldLabel('credential', a.kind, k)}</dt>
              <dd>{secured.has(k) ? <SecuredValue value={v} /> : <code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>}</dd>
            </div>
          ))}
        </dl>
      </section>

      {settingsEntries(a.settings).length > 0 && (
        <section className="card" aria-labelledby="settings-title">
          <h2 id="settings-title">{t('wizard.settings')}</h2>
          <dl className="facts facts-wide">
            {settingsEntries(a.settings).map(([k, v]) => (
              <div key={k} className="facts-row">
                <dt>{settingLabel(a.kind, k)}</dt>
                <dd>
                  <SettingValue kind={a.kind} value={v} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      <section className="card" aria-labelledby="instances-title">
        <h2 id="instances-title">{t('admin.channelInstances')}</h2>
        <ErrorNote error={instances.error} />
        {instances.data && instances.data.channelInstances.length === 0 ? (
          <Empty>
            {t('accounts.noInstances')} <Link to="/admin/channel-instances">{t('accounts.addInstance')}</Link>
          </Empty>
        ) : (
          <ul className="plain-list">
            {instances.data?.channelInstances.map((c) => (
              <li key={c.id}>
                {c.name} <span className="muted">({c.language})</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <ConfirmDialog
        open={confirming}
        title={t('accounts.deleteTitle', { name: a.name })}
        confirmLabel={t('accounts.deleteConfirm')}
        danger
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void doDelete()}
        onCancel={() => {
          remove.clear();
          setConfirming(false);
        }}
      >
        <p>{t('accounts.deleteHistoryKept')}</p>
        <p>{t('accounts.deleteWebhooksStop')}</p>
      </ConfirmDialog>
    </div>
  );
}
