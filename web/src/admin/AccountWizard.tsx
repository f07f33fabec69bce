/**
 * New messaging account, step by step: 1. the channel, 2. name and credentials (fields from the
 * channel's credentialFields; secured ones as password inputs) and settings, 3. review and create.
 * The created account's page then shows the callback URL to paste into the provider console.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { errorMessage, get, post } from '../lib/api';
import { useLoad } from '../lib/hooks';
import { Link, navigate } from '../lib/router';
import type { Account, ChannelKind } from '../lib/types';
import { channelLabel } from '../workspace/preview';
import { SchemaField, emptyValue, fieldLabel, isJsonField, toPayload, type FieldValue } from './SchemaFields';

const STEPS: MessageKey[] = ['wizard.stepChannel', 'wizard.stepDetails', 'wizard.stepReview'];

export function AccountWizard() {
  const kinds = useLoad((signal) => get<{ kinds: ChannelKind[] }>('/api/channel-kinds', { signal }), []);
  const [step, setStep] = useState(0);
  const [kind, setKind] = useState<string>('');
  const [name, setName] = useState('');
  const [creds, setCreds] = useState<Record<string, FieldValue>>({});
  const [settings, setSettings] = useState<Record<string, FieldValue>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const spec = kinds.data?.kinds.find((k) => k.kind === kind);
  const credProps = spec?.credentialsJsonSchema?.properties ?? {};
  const settingProps = spec?.settingsJsonSchema?.properties ?? {};
  const settingRequired = new Set(spec?.settingsJsonSchema?.required ?? []);

  const chooseKind = (k: ChannelKind) => {
    setKind(k.kind);
    setCreds(Object.fromEntries(k.credentialFields.map((f) => [f.name, emptyValue(k.credentialsJsonSchema?.properties?.[f.name])])));
    setSettings(Object.fromEntries(Object.entries(k.settingsJsonSchema?.properties ?? {}).map(([n, p]) => [n, emptyValue(p)])));
    if (!name) setName(t('wizard.defaultName', { channel: k.displayName }));
  };

  const payload = () => {
    const credentials: Record<string, unknown> = {};
    for (const f of spec?.credentialFields ?? []) {
      const v = toPayload(credProps[f.name], creds[f.name] ?? '');
      if (v !== undefined) credentials[f.name] = v;
    }
    const s: Record<string, unknown> = {};
    for (const [n, p] of Object.entries(settingProps)) {
      const v = toPayload(p, settings[n] ?? emptyValue(p));
      if (v !== undefined && v !== false) s[n] = v;
    }
    return { kind, name: name.trim(), credentials, settings: s };
  };

  const next = (e: FormEvent) => {
    e.preventDefault();
    setError(undefined);
    setStep((s) => Math.min(2, s + 1));
  };

  const create = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const a = await post<Account>('/api/accounts', payload());
      navigate(`/admin/accounts/${encodeURIComponent(a.id)}?created=1`);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <div className="page wizard">
      <p className="breadcrumb">
        <Link to="/admin/accounts">{t('accounts.title')}</Link>
      </p>
      <h1>{t('wizard.title')}</h1>
      <ol className="steps" aria-label={t('wizard.progress')}>
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : undefined}>
            <span className="step-number" aria-hidden="true">
              {i + 1}
            </span>
            {t(s)}
          </li>
        ))}
      </ol>
      <ErrorNote error={kinds.error} />
      {kinds.loading && !kinds.data && <Loading />}

      {kinds.data && step === 0 && (
        <form onSubmit={next} className="card">
          <h2 ref={headingRef} tabIndex={-1}>
            {t('wizard.chooseChannel')}
          </h2>
          {kinds.data.kinds.length === 0 ? (
            <Empty>{t('wizard.noKinds')}</Empty>
          ) : (
            <fieldset className="kind-choices">
              <legend className="visually-hidden">{t('wizard.chooseChannel')}</legend>
              {kinds.data.kinds.map((k) => (
                <label key={k.kind} className={`kind-choice${kind === k.kind ? ' selected' : ''}`}>
                  <input type="radio" name="kind" value={k.kind} checked={kind === k.kind} onChange={() => chooseKind(k)} required />
                  <span className="kind-name">{k.displayName}</span>
                  <span className="kind-facts muted">
                    {k.capabilities.messagingWindowHours
                      ? t('wizard.windowHours', { hours: k.capabilities.messagingWindowHours })
                      : t('wizard.noWindow')}
                    {k.capabilities.templates && ` · ${t('wizard.templates')}`}
                  </span>
                </label>
              ))}
            </fieldset>
          )}
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={!kind}>
              {t('wizard.next')}
            </button>
          </div>
        </form>
      )}

      {spec && step === 1 && (
        <form onSubmit={next} className="card">
          <h2 ref={headingRef} tabIndex={-1}>
            {t('wizard.detailsFor', { channel: spec.displayName })}
          </h2>
          <Field id="account-name" label={t('accounts.name')} hint={t('wizard.nameHint')}>
            <input id="account-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
          </Field>
          <fieldset>
            <legend>{t('wizard.credentials')}</legend>
            <p className="hint">{t('wizard.credentialsHint')}</p>
            {spec.credentialFields.map((f) => (
              <SchemaField
                key={f.name}
                area="credential"
                kind={spec.kind}
                name={f.name}
                prop={credProps[f.name]}
                value={creds[f.name] ?? ''}
                required={f.required}
                secured={f.secured && !isJsonField(credProps[f.name])}
                onChange={(v) => setCreds({ ...creds, [f.name]: v })}
              />
            ))}
          </fieldset>
          {Object.keys(settingProps).length > 0 && (
            <fieldset>
              <legend>{t('wizard.settings')}</legend>
              {Object.entries(settingProps).map(([n, p]) => (
                <SchemaField
                  key={n}
                  area="setting"
                  kind={spec.kind}
                  name={n}
                  prop={p}
                  value={settings[n] ?? emptyValue(p)}
                  required={settingRequired.has(n)}
                  onChange={(v) => setSettings({ ...settings, [n]: v })}
                />
              ))}
            </fieldset>
          )}
          <div className="button-row">
            <button type="button" className="button" onClick={() => setStep(0)}>
              {t('wizard.back')}
            </button>
            <button type="submit" className="button button-primary">
              {t('wizard.next')}
            </button>
          </div>
        </form>
      )}

      {spec && step === 2 && (
        <div className="card">
          <h2 ref={headingRef} tabIndex={-1}>
            {t('wizard.review')}
          </h2>
          <dl className="facts facts-wide">
            <div className="facts-row">
              <dt>{t('accounts.channel')}</dt>
              <dd>{channelLabel(spec.kind)}</dd>
            </div>
            <div className="facts-row">
              <dt>{t('accounts.name')}</dt>
              <dd>{name}</dd>
            </div>
            {spec.credentialFields.map((f) => {
              const v = creds[f.name];
              const shown = typeof v === 'string' && v.trim() ? (f.secured ? '••••••••' : isJsonField(credProps[f.name]) ? t('wizard.jsonGiven') : v.trim()) : '—';
              return (
                <div key={f.name} className="facts-row">
                  <dt>{fieldLabel('credential', spec.kind, f.name)}</dt>
                  <dd className="mono">{shown}</dd>
                </div>
              );
            })}
          </dl>
          <p className="hint">{t('wizard.reviewHint')}</p>
          <ErrorNote error={error} />
          <div className="button-row">
            <button type="button" className="button" onClick={() => setStep(1)} disabled={busy}>
              {t('wizard.back')}
            </button>
            <button type="button" className="button button-primary" onClick={() => void create()} disabled={busy}>
              {busy ? t('wizard.creating') : t('wizard.create')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
