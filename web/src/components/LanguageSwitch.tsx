/** The language switch (header and sign-in page): each language named in itself, the choice remembered. */
import { useId } from 'react';
import { LANGUAGES, setLanguage, t, useLanguage } from '../i18n';

export function LanguageSwitch({ className }: { className?: string }) {
  const lang = useLanguage();
  const id = useId();
  return (
    <div className={`language-switch ${className ?? ''}`}>
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <svg className="language-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
        <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z" fill="none" stroke="currentColor" strokeWidth="1.6" />
      </svg>
      <select id={id} value={lang} onChange={(e) => void setLanguage(e.target.value)} data-testid="language-switch">
        {LANGUAGES.map((l) => (
          <option key={l.tag} value={l.tag} lang={l.tag}>
            {l.name}
          </option>
        ))}
      </select>
    </div>
  );
}
