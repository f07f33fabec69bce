/**
 * The composer's quick replies: a button opens a filterable list of the admins' predefined answers;
 * choosing one hands its text (with {CustomerName} and {AgentName} filled in) to the reply box.
 * Keyboard: the button opens the list with the filter focused; ↓/↑ move through the answers,
 * Enter chooses, Escape closes and returns focus to the button.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { ErrorNote } from '../components/ui';
import { t } from '../i18n';
import { enc, errorMessage, get } from '../lib/api';
import type { QuickReply } from '../lib/types';

/** Fills in the placeholders an admin may use in a quick reply. */
export function fillQuickReply(text: string, v: { customerName: string; agentName: string }): string {
  return text.replace(/\{CustomerName\}/g, v.customerName).replace(/\{AgentName\}/g, v.agentName);
}

export function QuickReplies({ language, disabled, onChoose }: { language?: string | undefined; disabled?: boolean; onChoose: (q: QuickReply) => void }) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<QuickReply[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState('');
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const listId = useId();

  useEffect(() => {
    if (!open) return;
    const ctl = new AbortController();
    setError(undefined);
    get<QuickReply[]>(`/api/quick-replies${language ? `?language=${enc(language)}` : ''}`, { signal: ctl.signal })
      .then(setItems)
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(errorMessage(e));
      });
    input.current?.focus();
    return () => ctl.abort();
  }, [open, language]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!panel.current?.contains(e.target as Node) && !button.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const needle = filter.trim().toLowerCase();
  const shown = (items ?? []).filter((q) => !needle || q.title.toLowerCase().includes(needle) || q.text.toLowerCase().includes(needle));
  const current = Math.min(active, Math.max(shown.length - 1, 0));

  const close = () => {
    setOpen(false);
    setFilter('');
    setActive(0);
    button.current?.focus();
  };
  const choose = (q: QuickReply) => {
    setOpen(false);
    setFilter('');
    setActive(0);
    onChoose(q);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive(Math.min(current + 1, shown.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(current - 1, 0));
    } else if (e.key === 'Enter' && e.target === input.current) {
      e.preventDefault();
      const q = shown[current];
      if (q) choose(q);
    }
  };

  return (
    <div className="quick-replies">
      <button
        ref={button}
        type="button"
        className="button"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={open ? listId : undefined}
        disabled={disabled}
        onClick={() => (open ? close() : setOpen(true))}
      >
        {t('quickReplies.button')}
      </button>
      {open && (
        <div ref={panel} className="quick-replies-panel card" role="dialog" aria-label={t('quickReplies.button')} onKeyDown={onKeyDown}>
          <label htmlFor={`${listId}-filter`} className="visually-hidden">
            {t('quickReplies.filter')}
          </label>
          <input
            ref={input}
            id={`${listId}-filter`}
            type="search"
            role="combobox"
            aria-expanded="true"
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={shown[current] ? `${listId}-${shown[current].id}` : undefined}
            placeholder={t('quickReplies.filter')}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setActive(0);
            }}
          />
          <ErrorNote error={error} />
          {!items && !error && <p className="muted">{t('common.loading')}</p>}
          {items && shown.length === 0 && <p className="muted">{items.length === 0 ? t('quickReplies.none') : t('quickReplies.noMatch')}</p>}
          <ul id={listId} role="listbox" aria-label={t('quickReplies.button')} className="quick-replies-list">
            {shown.map((q, i) => (
              <li
                key={q.id}
                id={`${listId}-${q.id}`}
                role="option"
                aria-selected={i === current}
                className={i === current ? 'active' : undefined}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => choose(q)}
                onMouseEnter={() => setActive(i)}
              >
                <strong>{q.title}</strong>
                <span className="muted">{q.text}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
