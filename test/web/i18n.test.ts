/**
 * The web app's dictionaries: Italian, Dutch and Korean have every English key, keep every
 * placeholder ({name}, {{1}}, {AgentName}…) and are real translations, not English copies.
 */
import { describe, expect, it } from 'vitest';

type Dict = Record<string, string>;
// Loaded by path at run time: the web app is compiled separately (web/tsconfig.json).
const load = async (lang: string): Promise<Dict> => ((await import(`../../web/src/i18n/${lang}.ts`)) as Record<string, Dict>)[lang]!;

/** Placeholders filled by t() and the literal braces shown to admins. */
function placeholders(s: string): string[] {
  return [...s.matchAll(/\{+[$\w.]+\$?\}+/g)].map((m) => m[0]).sort();
}

/** Keys whose text is the same in every language: product, channel and provider names, codes. */
const SAME_EVERYWHERE = /^(app\.name|channel\.(line|twilio-whatsapp|gbm)|credential\.twilio-whatsapp\..*|templates\.contentSid|presence\.withLabel|transfer\.agentOption|capacity\.profile|rules\.setTitle|bots\.url)$/;

describe('web app dictionaries', () => {
  it.each(['it', 'nl', 'ko'])('%s has every key, the same placeholders, and translated text', async (lang) => {
    const en = await load('en');
    const dict = await load(lang);
    expect(Object.keys(dict).sort()).toEqual(Object.keys(en).sort());
    const copies: string[] = [];
    for (const [key, text] of Object.entries(en)) {
      const tr = dict[key]!;
      expect(tr.trim(), `${lang} ${key} is empty`).not.toBe('');
      expect(placeholders(tr), `${lang} ${key}: placeholders`).toEqual(placeholders(text));
      if (tr === text && !SAME_EVERYWHERE.test(key)) copies.push(key);
    }
    // A few words are the same in both languages (Email, Bot, Audio, Video…): allow a handful, not whole screens.
    expect(copies.length, `${lang} copies English in ${copies.join(', ')}`).toBeLessThan(lang === 'ko' ? 3 : 40);
  });
});
