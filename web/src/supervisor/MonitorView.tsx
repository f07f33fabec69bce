/** Monitor: a supervisor joins a conversation silently (POST monitor) and reads it live, read-only. */
import { useEffect, useState } from 'react';
import { ErrorNote } from '../components/ui';
import { t } from '../i18n';
import { errorMessage, post } from '../lib/api';
import { Link } from '../lib/router';
import { ConversationPane } from '../workspace/ConversationPane';

const noop = () => undefined;

export function MonitorView({ id }: { id: string }) {
  const [error, setError] = useState<string | undefined>(undefined);
  useEffect(() => {
    setError(undefined);
    post(`/api/conversations/${encodeURIComponent(id)}/monitor`).catch((e: unknown) => setError(errorMessage(e)));
  }, [id]);
  return (
    <div className="monitor">
      <nav className="monitor-bar" aria-label={t('supervisor.monitorNav')}>
        <Link to="/supervisor">{t('supervisor.backToOverview')}</Link>
      </nav>
      <ErrorNote error={error} />
      <div className="monitor-pane">
        <ConversationPane key={id} id={id} onSeen={noop} onConversation={noop} readOnly />
      </div>
    </div>
  );
}
