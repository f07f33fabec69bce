/** Admin centre: messaging accounts, workstreams, queues, channel instances, templates, users. */
import { t, type MessageKey } from '../i18n';
import { Link, match } from '../lib/router';
import { AccountDetail } from './AccountDetail';
import { AccountWizard } from './AccountWizard';
import { AutomatedMessages } from './AutomatedMessages';
import { Bots } from './Bots';
import { Accounts } from './Accounts';
import { ChannelInstances } from './ChannelInstances';
import { QueueRouting } from './QueueRouting';
import { QuickReplies } from './QuickReplies';
import { Queues } from './Queues';
import { Templates } from './Templates';
import { UserRouting } from './UserRouting';
import { Users } from './Users';
import { WorkstreamDetail } from './WorkstreamDetail';
import { Workstreams } from './Workstreams';

const AREAS: { to: string; label: MessageKey }[] = [
  { to: '/admin/accounts', label: 'admin.accounts' },
  { to: '/admin/workstreams', label: 'admin.workstreams' },
  { to: '/admin/queues', label: 'admin.queues' },
  { to: '/admin/channel-instances', label: 'admin.channelInstances' },
  { to: '/admin/templates', label: 'admin.templates' },
  { to: '/admin/quick-replies', label: 'admin.quickReplies' },
  { to: '/admin/automated-messages', label: 'admin.automatedMessages' },
  { to: '/admin/bots', label: 'admin.bots' },
  { to: '/admin/users', label: 'admin.users' },
];

function Area({ path }: { path: string }) {
  if (path === '/admin/accounts') return <Accounts />;
  if (path === '/admin/accounts/new') return <AccountWizard />;
  const acc = match('/admin/accounts/:id', path);
  if (acc) return <AccountDetail id={acc.id!} />;
  if (path === '/admin/workstreams') return <Workstreams />;
  const ws = match('/admin/workstreams/:id', path);
  if (ws) return <WorkstreamDetail id={ws.id!} />;
  if (path === '/admin/queues') return <Queues />;
  const q = match('/admin/queues/:id', path);
  if (q) return <QueueRouting id={q.id!} />;
  if (path === '/admin/channel-instances') return <ChannelInstances />;
  if (path === '/admin/templates') return <Templates />;
  if (path === '/admin/quick-replies') return <QuickReplies />;
  if (path === '/admin/automated-messages') return <AutomatedMessages />;
  if (path === '/admin/bots') return <Bots />;
  if (path === '/admin/users') return <Users />;
  const u = match('/admin/users/:id', path);
  if (u) return <UserRouting id={u.id!} />;
  return <p className="state state-empty">{t('app.notFoundText')}</p>;
}

export function AdminCentre({ path }: { path: string }) {
  return (
    <div className="admin">
      <nav className="admin-nav" aria-label={t('admin.title')}>
        <p className="admin-nav-title">{t('admin.title')}</p>
        <ul>
          {AREAS.map((a) => {
            const current = path === a.to || path.startsWith(a.to + '/');
            return (
              <li key={a.to}>
                <Link to={a.to} aria-current={current ? 'page' : undefined}>
                  {t(a.label)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div className="admin-main">
        <Area path={path} />
      </div>
    </div>
  );
}
