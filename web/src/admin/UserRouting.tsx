/** A user's routing: capacity (units, or items per capacity profile) and skills with levels 1–10. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorNote, Field, Loading } from '../components/ui';
import { ROLE_LABEL } from '../components/Header';
import { t } from '../i18n';
import { get, put } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import { Link } from '../lib/router';
import type { AgentRouting, User } from '../lib/types';
import { SaveBar } from './form';

const enc = encodeURIComponent;

interface Form {
  mode: 'units' | 'profiles';
  total: number;
  profiles: { name: string; maxItems: number }[];
  skills: { name: string; level: number }[];
}

function toForm(r: AgentRouting): Form {
  return {
    mode: r.capacity.mode,
    total: r.capacity.mode === 'units' ? r.capacity.total : 5,
    profiles: r.capacity.mode === 'profiles' ? Object.entries(r.capacity.profiles).map(([name, p]) => ({ name, maxItems: p.maxItems })) : [{ name: 'default', maxItems: 3 }],
    skills: Object.entries(r.skills).map(([name, level]) => ({ name, level })),
  };
}

function fromForm(f: Form): AgentRouting {
  return {
    capacity:
      f.mode === 'units'
        ? { mode: 'units', total: f.total }
        : { mode: 'profiles', profiles: Object.fromEntries(f.profiles.filter((p) => p.name.trim()).map((p) => [p.name.trim(), { maxItems: p.maxItems }])) },
    skills: Object.fromEntries(f.skills.filter((s) => s.name.trim()).map((s) => [s.name.trim(), s.level])),
  };
}

export function UserRouting({ id }: { id: string }) {
  const data = useLoad(
    async (signal) => {
      const [user, routing] = await Promise.all([get<User>(`/api/users/${enc(id)}`, { signal }), get<AgentRouting>(`/api/users/${enc(id)}/routing`, { signal })]);
      return { user, routing };
    },
    [id],
  );
  const [form, setForm] = useState<Form | undefined>(undefined);
  const [dirty, setDirty] = useState(false);
  const [saved, setSaved] = useState(false);
  const save = useAction();
  const uid = useId();
  useEffect(() => {
    if (data.data) {
      setForm(toForm(data.data.routing));
      setDirty(false);
    }
  }, [data.data]);
  const update = (f: Partial<Form>) => {
    setForm((x) => x && { ...x, ...f });
    setDirty(true);
    setSaved(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!form) return;
    const r = await save.run(() => put<AgentRouting>(`/api/users/${enc(id)}/routing`, fromForm(form)));
    if (r) {
      setDirty(false);
      setSaved(true);
    }
  };

  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data || !form) return <Loading />;
  const { user } = data.data;

  return (
    <div className="page">
      <p className="breadcrumb">
        <Link to="/admin/users">{t('users.title')}</Link>
      </p>
      <h1>{user.displayName}</h1>
      <p className="muted">
        {user.email} · {t(ROLE_LABEL[user.role])}
      </p>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <section className="card" aria-labelledby={`${uid}-cap`}>
          <h2 id={`${uid}-cap`}>{t('userRouting.capacity')}</h2>
          <p className="muted">{t('userRouting.capacityIntro')}</p>
          <fieldset className="radio-group radio-inline">
            <legend>{t('userRouting.model')}</legend>
            <label>
              <input type="radio" name={`${uid}-mode`} checked={form.mode === 'units'} onChange={() => update({ mode: 'units' })} />
              <span>{t('userRouting.units')}</span>
            </label>
            <label>
              <input type="radio" name={`${uid}-mode`} checked={form.mode === 'profiles'} onChange={() => update({ mode: 'profiles' })} />
              <span>{t('userRouting.profiles')}</span>
            </label>
          </fieldset>
          {form.mode === 'units' ? (
            <Field id={`${uid}-total`} label={t('userRouting.total')} hint={t('userRouting.totalHint')}>
              <input id={`${uid}-total`} type="number" min={0} max={100000} step={1} required value={form.total} onChange={(e) => update({ total: Number(e.target.value) })} />
            </Field>
          ) : (
            <div>
              {form.profiles.map((p, i) => (
                <div className="rows-row" key={i}>
                  <Field id={`${uid}-p-${i}`} label={t('userRouting.profileName')}>
                    <input
                      id={`${uid}-p-${i}`}
                      required
                      maxLength={100}
                      value={p.name}
                      onChange={(e) => update({ profiles: form.profiles.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })}
                    />
                  </Field>
                  <Field id={`${uid}-p-${i}-max`} label={t('userRouting.maxItems')}>
                    <input
                      id={`${uid}-p-${i}-max`}
                      type="number"
                      min={0}
                      max={1000}
                      step={1}
                      required
                      value={p.maxItems}
                      onChange={(e) => update({ profiles: form.profiles.map((x, j) => (j === i ? { ...x, maxItems: Number(e.target.value) } : x)) })}
                    />
                  </Field>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => update({ profiles: form.profiles.filter((_, j) => j !== i) })}
                    aria-label={t('userRouting.removeProfile', { name: p.name || String(i + 1) })}
                  >
                    {t('common.remove')}
                  </button>
                </div>
              ))}
              <button type="button" className="link-button" onClick={() => update({ profiles: [...form.profiles, { name: '', maxItems: 1 }] })}>
                {t('userRouting.addProfile')}
              </button>
            </div>
          )}
        </section>
        <section className="card" aria-labelledby={`${uid}-skills`}>
          <h2 id={`${uid}-skills`}>{t('userRouting.skills')}</h2>
          <p className="muted">{t('userRouting.skillsIntro')}</p>
          {form.skills.length === 0 && <p className="state state-empty">{t('userRouting.noSkills')}</p>}
          {form.skills.map((s, i) => (
            <div className="rows-row" key={i}>
              <Field id={`${uid}-s-${i}`} label={t('rules.skillName')}>
                <input
                  id={`${uid}-s-${i}`}
                  required
                  maxLength={64}
                  value={s.name}
                  onChange={(e) => update({ skills: form.skills.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)) })}
                />
              </Field>
              <Field id={`${uid}-s-${i}-level`} label={t('rules.skillLevel')}>
                <select
                  id={`${uid}-s-${i}-level`}
                  value={s.level}
                  onChange={(e) => update({ skills: form.skills.map((x, j) => (j === i ? { ...x, level: Number(e.target.value) } : x)) })}
                >
                  {Array.from({ length: 10 }, (_, k) => k + 1).map((l) => (
                    <option key={l} value={l}>
                      {l}
                    </option>
                  ))}
                </select>
              </Field>
              <button
                type="button"
                className="button button-small"
                onClick={() => update({ skills: form.skills.filter((_, j) => j !== i) })}
                aria-label={t('rules.removeSkill', { name: s.name || String(i + 1) })}
              >
                {t('common.remove')}
              </button>
            </div>
          ))}
          <button type="button" className="link-button" onClick={() => update({ skills: [...form.skills, { name: '', level: 5 }] })}>
            {t('rules.addSkill')}
          </button>
        </section>
        <SaveBar busy={save.busy} error={save.error} saved={saved} dirty={dirty} />
      </form>
    </div>
  );
}
