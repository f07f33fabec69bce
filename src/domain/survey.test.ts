import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SURVEY_TEXTS,
  hashSurveyToken,
  isSurveyTokenShaped,
  newSurveyToken,
  parseFormRating,
  parseInlineRating,
  readSurveySettings,
  surveyReport,
  surveyTexts,
} from './survey.js';

describe('survey tokens', () => {
  it('are 32 random bytes, URL-safe, and only their sha256 is kept', () => {
    const { token, hash } = newSurveyToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(isSurveyTokenShaped(token)).toBe(true);
    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).not.toContain(token);
    expect(hashSurveyToken(token)).toBe(hash);
  });

  it('never repeat', () => {
    const seen = new Set(Array.from({ length: 200 }, () => newSurveyToken().token));
    expect(seen.size).toBe(200);
  });

  it.each(['', 'short', 'a'.repeat(42), 'a'.repeat(44), `${'a'.repeat(42)}=`, `${'a'.repeat(42)}/`, `${'a'.repeat(42)}.`])('refuses a token shaped %j', (t) => {
    expect(isSurveyTokenShaped(t)).toBe(false);
  });
});

describe('inline rating', () => {
  it.each([
    ['4', 4],
    ['1', 1],
    ['5', 5],
    [' 3 \n', 3],
    ['４', 4], // full-width digit (CJK keyboards)
  ])('%j is the rating %d', (text, n) => expect(parseInlineRating(text)).toBe(n));

  it.each(['0', '6', '10', '4.5', '4/5', 'four', '4 stars', '', '-4', '+4'])('%j is not a rating', (text) => {
    expect(parseInlineRating(text)).toBeUndefined();
  });

  it('form ratings are 1 to 5 only', () => {
    expect(parseFormRating('5')).toBe(5);
    expect(parseFormRating('0')).toBeUndefined();
    expect(parseFormRating(['5'])).toBeUndefined();
    expect(parseFormRating(undefined)).toBeUndefined();
  });
});

describe('survey settings', () => {
  it('are off when absent, with defaults filled in', () => {
    expect(readSurveySettings({})).toEqual({ settings: { enabled: false, mode: 'link', anonymous: false } });
    expect(readSurveySettings(undefined).settings.enabled).toBe(false);
    expect(readSurveySettings({ survey: { enabled: true } })).toEqual({ settings: { enabled: true, mode: 'link', anonymous: false } });
    expect(readSurveySettings({ survey: { enabled: true, mode: 'inline', anonymous: true, question: ' Rate us 1-5 ' } }).settings).toEqual({
      enabled: true,
      mode: 'inline',
      anonymous: true,
      question: 'Rate us 1-5',
    });
  });

  it('are off, with the reason, when malformed', () => {
    const r = readSurveySettings({ survey: { enabled: true, mode: 'sms' } });
    expect(r.settings.enabled).toBe(false);
    expect(r.error).toMatch(/survey\.mode/);
    expect(readSurveySettings({ survey: 'yes' }).error).toBeDefined();
  });
});

describe('survey texts', () => {
  it('follow the language, else English', () => {
    expect(surveyTexts('it-IT').language).toBe('it');
    expect(surveyTexts('ko').texts.inline).toMatch(/1/);
    expect(surveyTexts('fr-FR')).toMatchObject({ language: 'en' });
    expect(SURVEY_TEXTS.en!.inline).toBe('How did we do? Reply with a number from 1 to 5.');
    for (const t of Object.values(SURVEY_TEXTS)) expect(t.ratingLabels).toHaveLength(5);
  });
});

describe('surveyReport', () => {
  it('counts sent, answered, rate, average, distribution and per agent; anonymous ones only in the totals', () => {
    const r = surveyReport([
      { agentId: 'a1', state: 'answered', rating: 5, n: 2 },
      { agentId: 'a1', state: 'answered', rating: 3, n: 1 },
      { agentId: 'a1', state: 'sent', rating: null, n: 1 },
      { agentId: 'a2', state: 'sent', rating: null, n: 2 },
      { agentId: null, state: 'answered', rating: 1, n: 1 },
      { agentId: 'a2', state: 'skipped', rating: null, n: 4 },
    ]);
    expect(r).toMatchObject({ sent: 7, answered: 4, skipped: 4, responseRate: 0.5714, average: 3.5, distribution: { '1': 1, '2': 0, '3': 1, '4': 0, '5': 2 } });
    expect(r.byAgent).toEqual([
      { agentId: 'a1', sent: 4, answered: 3, skipped: 0, responseRate: 0.75, average: 4.33, distribution: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 2 } },
      { agentId: 'a2', sent: 2, answered: 0, skipped: 4, responseRate: 0, average: null, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 } },
    ]);
  });

  it('is all zeros with no surveys', () => {
    expect(surveyReport([])).toEqual({ sent: 0, answered: 0, skipped: 0, responseRate: 0, average: null, distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 }, byAgent: [] });
  });
});
