import { Empty, ErrorNote, Loading } from '../components/ui';
import { t } from '../i18n';
import { get } from '../lib/api';
import { formatDateTime } from '../lib/format';
import { useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Account } from '../lib/types';
import { channelLabel } from '../workspace/preview';

export function Accounts() {
  const list = useLoad((signal) => get<{ accounts: Account[] }>('/api/accounts', { signal }), []);
  return (
    <div className="page">
      <div className="page-head">
        <h1>{t('accounts.title')}</h1>
        <Link to="/admin/accounts/new" className="button button-primary">
          {t('accounts.new')}
        </Link>
      </div>
      <p className="muted">{t('accounts.intro')}</p>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.accounts.length === 0 ? (
        <Empty>{t('accounts.empty')}</Empty>
      ) : (
        list.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('accounts.name')}</th>
                <th scope="col">{t('accounts.channel')}</th>
                <th scope="col">{t('accounts.callbackUrl')}</th>
                <th scope="col">{t('common.created')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.accounts.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/admin/accounts/${encodeURIComponent(a.id)}`}>{a.name}</Link>
                  </td>
                  <td>{channelLabel(a.kind)}</td>
                  <td>
                    <code className="url">{a.callbackUrl}</code>
                  </td>
                  <td>{formatDateTime(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}
