/**
 * Every UI string goes through t('key'). English is the source; other languages register a
 * dictionary of the same keys (a missing key falls back to English). `{name}` placeholders are
 * filled from the second argument; plurals use `<key>.one` / `<key>.other` through tp().
 */
import { en, type MessageKey } from './en';

export type { MessageKey };
type Dictionary = Partial<Record<MessageKey, string>>;

const dictionaries: Record<string, Dictionary> = { en };
let language = 'en';

export function registerLanguage(tag: string, dict: Dictionary): void {
  dictionaries[tag.toLowerCase()] = dict;
}

/** Picks the first of the browser's languages that has a dictionary (en by default). */
export function chooseLanguage(preferred: ReadonlyArray<string> = navigator.languages ?? [navigator.language]): string {
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (dictionaries[lower]) return (language = lower);
    const base = lower.split('-')[0] ?? lower;
    if (dictionaries[base]) return (language = base);
  }
  return (language = 'en');
}

export function currentLanguage(): string {
  return language;
}

function fill(text: string, vars?: Record<string, string | number>): string {
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  return fill(dictionaries[language]?.[key] ?? en[key], vars);
}

type PluralBase<K extends string> = K extends `${infer B}.one` ? B : never;
export type PluralKey = PluralBase<MessageKey>;

export function tp(key: PluralKey, count: number, vars?: Record<string, string | number>): string {
  const rule = new Intl.PluralRules(language).select(count);
  const k = (rule === 'one' ? `${key}.one` : `${key}.other`) as MessageKey;
  return t(k, { count, ...vars });
}

/** A label for a server-defined name (a credential field, a setting) with a readable fallback. */
export function tOr(key: string, fallback: string): string {
  const d = dictionaries[language] as Record<string, string | undefined>;
  return d[key] ?? (en as Record<string, string>)[key] ?? fallback;
}

export function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
