/** The top bar: sections the role may open, the live connection, presence, language, the user, sign out. */
import { t, type MessageKey } from '../i18n';
import { useRealtime, useSession } from '../lib/hooks';
import { Link, usePath } from '../lib/router';
import type { Role } from '../lib/types';
import { LanguageSwitch } from './LanguageSwitch';
import { PresencePicker } from './PresencePicker';

export { PRESENCE_LABEL } from './PresencePicker';

const SECTIONS: { to: string; label: MessageKey; roles: Role[] }[] = [
  { to: '/workspace', label: 'nav.workspace', roles: ['admin', 'supervisor', 'agent'] },
  { to: '/supervisor', label: 'nav.supervisor', roles: ['admin', 'supervisor'] },
  { to: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export const ROLE_LABEL: Record<Role, MessageKey> = { admin: 'role.admin', supervisor: 'role.supervisor', agent: 'role.agent' };

export function Header() {
  const { user, signOut } = useSession();
  const path = usePath();
  const status = useRealtime(() => undefined);

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
        <PresencePicker />
        <LanguageSwitch />
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
