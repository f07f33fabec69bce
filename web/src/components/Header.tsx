/** The top bar: sections the role may open, the live connection, presence, the user, sign out. */
import { useState } from 'react';
import { t, type MessageKey } from '../i18n';
import { errorMessage, put } from '../lib/api';
import { useRealtime, useSession } from '../lib/hooks';
import { Link, usePath } from '../lib/router';
import { PRESENCES, type Presence, type Role } from '../lib/types';

const SECTIONS: { to: string; label: MessageKey; roles: Role[] }[] = [
  { to: '/workspace', label: 'nav.workspace', roles: ['admin', 'supervisor', 'agent'] },
  { to: '/supervisor', label: 'nav.supervisor', roles: ['admin', 'supervisor'] },
  { to: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export const PRESENCE_LABEL: Record<Presence, MessageKey> = {
  available: 'presence.available',
  busy: 'presence.busy',
  busy_dnd: 'presence.busy_dnd',
  away: 'presence.away',
  offline: 'presence.offline',
};

const ROLE_LABEL: Record<Role, MessageKey> = { admin: 'role.admin', supervisor: 'role.supervisor', agent: 'role.agent' };

export function Header() {
  const { user, setUser, signOut } = useSession();
  const path = usePath();
  const status = useRealtime(() => undefined);
  const [presenceError, setPresenceError] = useState<string | undefined>(undefined);

  const changePresence = async (presence: Presence) => {
    setPresenceError(undefined);
    const before = user.presence;
    setUser({ ...user, presence });
    try {
      await put('/api/me/presence', { presence });
    } catch (e) {
      setUser({ ...user, presence: before });
      setPresenceError(errorMessage(e));
    }
  };

  return (
    <header className="topbar">
      <Link to="/workspace" className="brand">
        <img src="/favicon.svg" alt="" width={24} height={24} />
        <span>{t('app.name')}</span>
      </Link>
      <nav aria-label={t('nav.sections')} className="sections">
        {SECTIONS.filter((s) => s.roles.includes(user.role)).map((s) => {
          const current = path === s.to || path.startsWith(s.to + '/');
          return (
            <Link key={s.to} to={s.to} className="section-link" aria-current={current ? 'page' : undefined}>
              {t(s.label)}
            </Link>
          );
        })}
      </nav>
      <div className="topbar-right">
        <span className={`conn conn-${status}`} role="status" aria-live="polite">
          <span className="dot" aria-hidden="true" />
          {t(`realtime.${status}`)}
        </span>
        <div className="presence">
          <span className={`presence-dot presence-${user.presence}`} aria-hidden="true" />
          <label htmlFor="presence-select" className="visually-hidden">
            {t('presence.label')}
          </label>
          <select id="presence-select" value={user.presence} onChange={(e) => void changePresence(e.target.value as Presence)}>
            {PRESENCES.map((p) => (
              <option key={p} value={p}>
                {t(PRESENCE_LABEL[p])}
              </option>
            ))}
          </select>
          {presenceError && (
            <span className="error-inline" role="alert">
              {presenceError}
            </span>
          )}
        </div>
        <span className="whoami">
          <strong>{user.displayName}</strong>
          <span className="muted">{t(ROLE_LABEL[user.role])}</span>
        </span>
        <button type="button" className="button button-small" onClick={() => void signOut()}>
          {t('auth.signOut')}
        </button>
      </div>
    </header>
  );
}
