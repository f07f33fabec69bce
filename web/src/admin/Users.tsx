import { useState, type FormEvent } from 'react';
import { Empty, ErrorNote, Field, Loading, Switch } from '../components/ui';
import { t, type MessageKey } from '../i18n';
import { errorMessage, get, patch, post } from '../lib/api';
import { useAction, useLoad, useSession } from '../lib/hooks';
import { Link } from '../lib/router';
import type { Role, User } from '../lib/types';

const ROLES: Role[] = ['agent', 'supervisor', 'admin'];
const ROLE_LABEL: Record<Role, MessageKey> = { admin: 'role.admin', supervisor: 'role.supervisor', agent: 'role.agent' };

export function Users() {
  const { user: me } = useSession();
  const list = useLoad((signal) => get<{ users: User[] }>('/api/users', { signal }), []);
  const [form, setForm] = useState({ email: '', displayName: '', password: '', role: 'agent' as Role, canViewSecrets: false });
  const create = useAction();
  const [rowError, setRowError] = useState<string | undefined>(undefined);
  const [createdName, setCreatedName] = useState<string | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const u = await create.run(() => post<User>('/api/users', { ...form, email: form.email.trim(), displayName: form.displayName.trim() }));
    if (u) {
      setCreatedName(u.displayName);
      setForm({ email: '', displayName: '', password: '', role: 'agent', canViewSecrets: false });
      void list.reload();
    }
  };

  const update = async (u: User, change: Partial<Pick<User, 'role' | 'canViewSecrets'>>) => {
    setRowError(undefined);
    list.setData((d) => d && { users: d.users.map((x) => (x.id === u.id ? { ...x, ...change } : x)) });
    try {
      await patch(`/api/users/${encodeURIComponent(u.id)}`, change);
    } catch (e) {
      setRowError(errorMessage(e));
      void list.reload();
    }
  };

  return (
    <div className="page">
      <h1>{t('users.title')}</h1>
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="u-new">
        <h2 id="u-new">{t('users.new')}</h2>
        <Field id="u-name" label={t('users.name')}>
          <input id="u-name" required maxLength={200} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        </Field>
        <Field id="u-email" label={t('users.email')}>
          <input id="u-email" type="email" required autoComplete="off" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </Field>
        <Field id="u-password" label={t('users.password')} hint={t('users.passwordHint')}>
          <input
            id="u-password"
            type="password"
            required
            minLength={10}
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        </Field>
        <Field id="u-role" label={t('users.role')}>
          <select id="u-role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {t(ROLE_LABEL[r])}
              </option>
            ))}
          </select>
        </Field>
        <Switch
          label={t('users.canViewSecrets')}
          description={t('users.canViewSecretsHint')}
          checked={form.canViewSecrets}
          onChange={(v) => setForm({ ...form, canViewSecrets: v })}
        />
        <ErrorNote error={create.error} />
        {createdName && !create.error && (
          <p className="success-text" role="status">
            {t('users.created', { name: createdName })}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={create.busy}>
            {t('users.create')}
          </button>
        </div>
      </form>
      <ErrorNote error={list.error ?? rowError} onDismiss={rowError ? () => setRowError(undefined) : undefined} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.users.length === 0 ? (
        <Empty>{t('users.empty')}</Empty>
      ) : (
        list.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('users.name')}</th>
                <th scope="col">{t('users.email')}</th>
                <th scope="col">{t('users.role')}</th>
                <th scope="col">{t('users.canViewSecrets')}</th>
                <th scope="col">{t('users.routing')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id} className={u.disabled ? 'row-disabled' : undefined}>
                  <td>
                    {u.displayName}
                    {u.disabled && <span className="muted"> ({t('users.disabled')})</span>}
                  </td>
                  <td>{u.email}</td>
                  <td>
                    <label className="visually-hidden" htmlFor={`role-${u.id}`}>
                      {t('users.roleOf', { name: u.displayName })}
                    </label>
                    <select id={`role-${u.id}`} value={u.role} disabled={u.id === me.id} onChange={(e) => void update(u, { role: e.target.value as Role })}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(ROLE_LABEL[r])}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <Switch
                      label={t('users.canViewSecretsOf', { name: u.displayName })}
                      checked={u.role === 'admin' || u.canViewSecrets}
                      disabled={u.role === 'admin'}
                      onChange={(v) => void update(u, { canViewSecrets: v })}
                      hideLabel
                    />
                  </td>
                  <td>
                    <Link to={`/admin/users/${encodeURIComponent(u.id)}`} aria-label={t('users.routingOf', { name: u.displayName })}>
                      {t('users.routingLink')}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
    </div>
  );
}
