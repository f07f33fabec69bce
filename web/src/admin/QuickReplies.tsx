/** Quick replies: predefined answers agents insert into the reply box. Admins list, add, edit, delete. */
import { useState, type FormEvent } from 'react';
import { ConfirmDialog, Empty, ErrorNote, Field, Loading } from '../components/ui';
import { t } from '../i18n';
import { del, enc, get, patch, post } from '../lib/api';
import { useAction, useLoad } from '../lib/hooks';
import type { QuickReply } from '../lib/types';

const EMPTY = { title: '', language: '', text: '' };

export function QuickReplies() {
  const list = useLoad((signal) => get<QuickReply[]>('/api/quick-replies', { signal }), []);
  const save = useAction();
  const remove = useAction();
  const [form, setForm] = useState(EMPTY);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [deleting, setDeleting] = useState<QuickReply | undefined>(undefined);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { title: form.title.trim(), language: form.language.trim(), text: form.text };
    const r = await save.run(() => (editing ? patch<QuickReply>(`/api/quick-replies/${enc(editing)}`, body) : post<QuickReply>('/api/quick-replies', body)));
    if (r) {
      setForm(EMPTY);
      setEditing(undefined);
      void list.reload();
    }
  };

  const edit = (q: QuickReply) => {
    setEditing(q.id);
    setForm({ title: q.title, language: q.language, text: q.text });
    document.getElementById('qr-title')?.focus();
  };

  const confirmDelete = async () => {
    if (!deleting) return;
    const id = deleting.id;
    const r = await remove.run(async () => {
      await del(`/api/quick-replies/${enc(id)}`);
      return true;
    });
    if (r) {
      setDeleting(undefined);
      if (editing === id) {
        setEditing(undefined);
        setForm(EMPTY);
      }
      void list.reload();
    }
  };

  return (
    <div className="page">
      <h1>{t('quickReplies.title')}</h1>
      <p className="muted">{t('quickReplies.intro')}</p>
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? (
        <Loading />
      ) : list.data && list.data.length === 0 ? (
        <Empty>{t('quickReplies.empty')}</Empty>
      ) : (
        list.data && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('quickReplies.name')}</th>
                <th scope="col">{t('quickReplies.language')}</th>
                <th scope="col">{t('quickReplies.text')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('quickReplies.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((q) => (
                <tr key={q.id}>
                  <td>{q.title}</td>
                  <td>{q.language || t('quickReplies.anyLanguage')}</td>
                  <td className="pre">{q.text}</td>
                  <td>
                    <div className="button-row">
                      <button type="button" className="button" onClick={() => edit(q)} aria-label={t('quickReplies.editNamed', { name: q.title })}>
                        {t('quickReplies.edit')}
                      </button>
                      <button type="button" className="button" onClick={() => setDeleting(q)} aria-label={t('quickReplies.deleteNamed', { name: q.title })}>
                        {t('quickReplies.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      <form className="card form-grid" onSubmit={(e) => void submit(e)} aria-labelledby="qr-form">
        <h2 id="qr-form">{editing ? t('quickReplies.editTitle') : t('quickReplies.new')}</h2>
        <Field id="qr-title" label={t('quickReplies.name')}>
          <input id="qr-title" required maxLength={200} value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
        </Field>
        <Field id="qr-language" label={t('quickReplies.language')} hint={t('quickReplies.languageHint')}>
          <input id="qr-language" maxLength={35} value={form.language} onChange={(e) => setForm({ ...form, language: e.target.value })} />
        </Field>
        <Field id="qr-text" label={t('quickReplies.text')} hint={t('quickReplies.textHint')}>
          <textarea id="qr-text" required rows={4} maxLength={5000} value={form.text} onChange={(e) => setForm({ ...form, text: e.target.value })} />
        </Field>
        <ErrorNote error={save.error} />
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={save.busy}>
            {editing ? t('quickReplies.save') : t('quickReplies.add')}
          </button>
          {editing && (
            <button
              type="button"
              className="button"
              onClick={() => {
                setEditing(undefined);
                setForm(EMPTY);
              }}
            >
              {t('common.cancel')}
            </button>
          )}
        </div>
      </form>
      <ConfirmDialog
        open={deleting !== undefined}
        title={t('quickReplies.deleteTitle')}
        confirmLabel={t('quickReplies.delete')}
        danger
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setDeleting(undefined)}
      >
        <p>{t('quickReplies.deleteText', { name: deleting?.title ?? '' })}</p>
      </ConfirmDialog>
    </div>
  );
}
