/**
 * Every UI string goes through t('key'). English is the source; Italian, Dutch and Korean carry
 * every key (their type says so). `{name}` placeholders are filled from the second argument;
 * plurals use `<key>.one` / `<key>.other` through tp().
 *
 * The language is the one the user chose in the header (kept in localStorage), else the first of
 * the browser's languages that has a dictionary, else English. Changing it re-renders the app
 * (useLanguage) and sets <html lang>. English is built in; the others are loaded when first used
 * (each is its own chunk).
 */
import { useSyncExternalStore } from 'react';
import { en, type MessageKey } from './en';

export type { MessageKey };
type Dictionary = Partial<Record<MessageKey, string>>;

/** The languages offered in the switch, each named in itself. */
export const LANGUAGES: ReadonlyArray<{ tag: string; name: string }> = [
  { tag: 'en', name: 'English' },
  { tag: 'it', name: 'Italiano' },
  { tag: 'nl', name: 'Nederlands' },
  { tag: 'ko', name: '한국어' },
];

const dictionaries: Record<string, Dictionary> = { en };
const loaders: Record<string, () => Promise<Dictionary>> = {
  it: () => import('./it').then((m) => m.it),
  nl: () => import('./nl').then((m) => m.nl),
  ko: () => import('./ko').then((m) => m.ko),
};
const known = (tag: string) => tag in dictionaries || tag in loaders;

/** Loads a language's dictionary if needed; false when it cannot be loaded. */
async function ensure(tag: string): Promise<boolean> {
  if (dictionaries[tag]) return true;
  const load = loaders[tag];
  if (!load) return false;
  try {
    dictionaries[tag] = await load();
    return true;
  } catch {
    return false;
  }
}
const STORAGE_KEY = 'sb.language';
let language = 'en';
const listeners = new Set<() => void>();

export function registerLanguage(tag: string, dict: Dictionary): void {
  dictionaries[tag.toLowerCase()] = dict;
}

function storedLanguage(): string | undefined {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v && known(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

function pick(preferred: ReadonlyArray<string>): string {
  const stored = storedLanguage();
  if (stored) return stored;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (known(lower)) return lower;
    const base = lower.split('-')[0] ?? lower;
    if (known(base)) return base;
  }
  return 'en';
}

/** The stored choice, else the first of the browser's languages that has a dictionary (en by default), loaded. */
export async function chooseLanguage(preferred: ReadonlyArray<string> = navigator.languages ?? [navigator.language]): Promise<string> {
  const tag = pick(preferred);
  language = (await ensure(tag)) ? tag : 'en';
  return language;
}

export function currentLanguage(): string {
  return language;
}

/** Switches the UI language (loading it first), remembers it and re-renders every component that uses useLanguage. */
export async function setLanguage(tag: string): Promise<void> {
  const lower = tag.toLowerCase();
  if (lower === language || !(await ensure(lower))) return;
  language = lower;
  try {
    localStorage.setItem(STORAGE_KEY, lower);
  } catch {
    // Storage denied: the choice lasts for this page.
  }
  document.documentElement.lang = lower;
  for (const l of [...listeners]) l();
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The current language; the calling component re-renders when it changes. */
export function useLanguage(): string {
  return useSyncExternalStore(subscribe, currentLanguage, currentLanguage);
}

/**
 * The locale for dates and numbers: the browser's own regional variant of the UI language when it
 * has one (en-GB for English on a British browser), else the UI language itself.
 */
export function currentLocale(): string {
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  for (const tag of preferred) {
    if ((tag.toLowerCase().split('-')[0] ?? '') === language) return tag;
  }
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
