/** The supervisor section: the live overview and the survey results, as tabs. */
import { t, type MessageKey } from '../i18n';
import { Link } from '../lib/router';
import { Supervisor } from './Supervisor';
import { SurveyReport } from './SurveyReport';

const TABS: { to: string; label: MessageKey }[] = [
  { to: '/supervisor', label: 'supervisor.overview' },
  { to: '/supervisor/surveys', label: 'surveys.title' },
];

export function SupervisorSection({ path }: { path: string }) {
  return (
    <>
      <nav className="subnav" aria-label={t('nav.supervisor')}>
        {TABS.map((tab) => (
          <Link key={tab.to} to={tab.to} className="subnav-link" aria-current={path === tab.to ? 'page' : undefined}>
            {t(tab.label)}
          </Link>
        ))}
      </nav>
      {path === '/supervisor/surveys' ? <SurveyReport /> : <Supervisor />}
    </>
  );
}
