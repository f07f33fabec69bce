import { useState, type FormEvent } from 'react';
import { t } from '../i18n';
import { errorMessage, post } from '../lib/api';
import type { User } from '../lib/types';
import { LanguageSwitch } from './LanguageSwitch';
import { ErrorNote, Field, Notice } from './ui';

export function SignIn({ notice, onSignedIn }: { notice?: string; onSignedIn: (user: User, csrfToken: string) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const r = await post<{ user: User; csrfToken: string }>('/api/auth/login', { email, password }, { quiet401: true });
      onSignedIn(r.user, r.csrfToken);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <main className="page-center signin">
      <LanguageSwitch className="signin-language" />
      <form className="card narrow" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="signin-brand">
          <img src="/favicon.svg" alt="" width={36} height={36} />
          <h1 id="signin-title">{t('signIn.title')}</h1>
        </div>
        <p className="muted">{t('signIn.intro')}</p>
        {notice && <Notice>{notice}</Notice>}
        <Field id="signin-email" label={t('signIn.email')}>
          <input id="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        </Field>
        <Field id="signin-password" label={t('signIn.password')}>
          <input
            id="signin-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </Field>
        <ErrorNote error={error} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? t('signIn.signingIn') : t('signIn.submit')}
        </button>
      </form>
    </main>
  );
}
