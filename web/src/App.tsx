/** The shell: session restore (GET /api/me), sign-in, the header and the three sections. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AdminCentre } from './admin/AdminCentre';
import { Header } from './components/Header';
import { SignIn } from './components/SignIn';
import { Empty, ErrorNote, Loading } from './components/ui';
import { t, useLanguage } from './i18n';
import { ApiError, errorMessage, get, post, setCsrfToken, setUnauthenticatedHandler } from './lib/api';
import { RealtimeContext, SessionContext, type Session } from './lib/hooks';
import { PresenceContext, usePresenceState } from './lib/presence';
import { RealtimeClient, type RealtimeStatus } from './lib/realtime';
import { match, navigate, usePath } from './lib/router';
import type { User } from './lib/types';
import { MonitorView } from './supervisor/MonitorView';
import { SupervisorSection } from './supervisor/SupervisorSection';
import { OfferTray } from './workspace/Offers';
import { Workspace } from './workspace/Workspace';

type AppState =
  | { status: 'loading' }
  | { status: 'failed'; error: string }
  | { status: 'signedOut'; notice?: string }
  | { status: 'signedIn'; user: User };

export function App() {
  // Every string is read through t() at render: a language change re-renders the whole tree.
  useLanguage();
  const [state, setState] = useState<AppState>({ status: 'loading' });

  const restore = useCallback(async () => {
    setState({ status: 'loading' });
    try {
      const me = await get<{ user: User; csrfToken?: string }>('/api/me', { quiet401: true });
      setCsrfToken(me.csrfToken);
      setState({ status: 'signedIn', user: me.user });
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) setState({ status: 'signedOut' });
      else setState({ status: 'failed', error: errorMessage(e) });
    }
  }, []);

  useEffect(() => {
    void restore();
    setUnauthenticatedHandler(() => {
      setCsrfToken(undefined);
      setState({ status: 'signedOut', notice: t('signIn.sessionEnded') });
    });
    return () => setUnauthenticatedHandler(undefined);
  }, [restore]);

  if (state.status === 'loading') {
    return (
      <main className="page-center">
        <Loading />
      </main>
    );
  }
  if (state.status === 'failed') {
    return (
      <main className="page-center">
        <div className="card narrow">
          <h1>{t('app.name')}</h1>
          <ErrorNote error={t('app.unreachable', { message: state.error })} />
          <button type="button" className="button button-primary" onClick={() => void restore()}>
            {t('common.retry')}
          </button>
        </div>
      </main>
    );
  }
  if (state.status === 'signedOut') {
    return (
      <SignIn
        notice={state.notice}
        onSignedIn={(user, csrf) => {
          setCsrfToken(csrf);
          setState({ status: 'signedIn', user });
        }}
      />
    );
  }
  return (
    <SignedIn
      user={state.user}
      setUser={(user) => setState({ status: 'signedIn', user })}
      onSignedOut={() => setState({ status: 'signedOut', notice: t('signIn.signedOut') })}
    />
  );
}

function SignedIn({ user, setUser, onSignedOut }: { user: User; setUser: (u: User) => void; onSignedOut: () => void }) {
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const client = useMemo(
    () =>
      new RealtimeClient({
        onStatus: setStatus,
        onUnauthenticated: () => void get('/api/me').catch(() => undefined),
      }),
    [],
  );
  useEffect(() => {
    client.start();
    return () => client.stop();
  }, [client]);

  const session: Session = useMemo(
    () => ({
      user,
      setUser,
      signOut: async () => {
        try {
          await post('/api/auth/logout');
        } catch {
          // Signed out either way: the cookie may already be gone.
        }
        client.stop();
        setCsrfToken(undefined);
        navigate('/', { replace: true });
        onSignedOut();
      },
    }),
    [user, setUser, onSignedOut, client],
  );

  const presence = usePresenceState(user, setUser);

  // The user's own presence, changed elsewhere (another tab, a supervisor).
  useEffect(
    () =>
      client.subscribe((e) => {
        presence.onEvent(e);
        if (e.type === 'presence.updated' && e.userId === user.id && e.presence !== user.presence) setUser({ ...user, presence: e.presence });
      }),
    [client, user, setUser, presence.onEvent],
  );

  return (
    <SessionContext.Provider value={session}>
      <RealtimeContext.Provider value={{ client, status }}>
        <PresenceContext.Provider value={presence.state}>
          <a className="skip-link" href="#main">
            {t('app.skipToContent')}
          </a>
          <Header />
          <OfferTray />
          <main id="main" className="main" tabIndex={-1}>
            <Routes user={user} />
          </main>
        </PresenceContext.Provider>
      </RealtimeContext.Provider>
    </SessionContext.Provider>
  );
}

function Routes({ user }: { user: User }) {
  const path = usePath();
  useEffect(() => {
    if (path === '/' || path === '/sign-in') navigate('/workspace', { replace: true });
    if (path === '/admin' || path === '/admin/') navigate('/admin/accounts', { replace: true });
  }, [path]);

  if (path === '/workspace' || path.startsWith('/workspace/')) {
    const m = match('/workspace/c/:id', path);
    return <Workspace openId={m?.id} />;
  }
  if (path === '/supervisor' || path.startsWith('/supervisor/')) {
    if (user.role === 'agent') return <Forbidden role={t('nav.supervisor')} />;
    const m = match('/supervisor/c/:id', path);
    if (m) return <MonitorView id={m.id!} />;
    if (path === '/supervisor/surveys') return <SupervisorSection path={path} />;
    return <SupervisorSection path="/supervisor" />;
  }
  if (path.startsWith('/admin')) {
    if (user.role !== 'admin') return <Forbidden role={t('nav.admin')} />;
    return <AdminCentre path={path} />;
  }
  if (path === '/' || path === '/sign-in') return <Loading />;
  return (
    <div className="page">
      <h1>{t('app.notFound')}</h1>
      <Empty>{t('app.notFoundText')}</Empty>
    </div>
  );
}

function Forbidden({ role }: { role: string }) {
  return (
    <div className="page">
      <h1>{role}</h1>
      <Empty>{t('app.forbidden')}</Empty>
    </div>
  );
}
