import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SURVEY_TEXTS } from '../domain/survey.js';
import { SURVEY_PAGE_CSP, escapeHtml, renderSurveyForm, surveyResponse } from './survey-page.js';

const texts = SURVEY_TEXTS.en!;

describe('survey page', () => {
  it('escapes everything it shows', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe('&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;');
    const html = renderSurveyForm({ language: 'en"><x', texts, question: '<img src=x onerror=alert(1)>' });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('lang="en&quot;&gt;&lt;x"');
  });

  it('is a form without JavaScript: five radio buttons, a comment, posting back to itself', () => {
    const html = renderSurveyForm({ language: 'en', texts, question: 'How did we do?' });
    expect(html).not.toMatch(/<script/i);
    expect(html.match(/type="radio" name="rating"/g)).toHaveLength(5);
    for (const v of [1, 2, 3, 4, 5]) expect(html).toContain(`value="${v}"`);
    expect(html).toContain('<textarea id="comment" name="comment"');
    expect(html).toContain('<form method="post">');
  });

  it('allows only its own style, by hash, and posting to the hub', () => {
    const html = renderSurveyForm({ language: 'en', texts, question: 'q' });
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(SURVEY_PAGE_CSP).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(SURVEY_PAGE_CSP).toContain("default-src 'none'");
    expect(SURVEY_PAGE_CSP).toContain("form-action 'self'");
    expect(SURVEY_PAGE_CSP).not.toContain('unsafe-inline');
  });

  it.each([
    [{ state: 'open', question: 'q' }, 'GET', 200],
    [{ state: 'invalid', question: 'q' }, 'POST', 400],
    [{ state: 'thanks' }, 'POST', 200],
    [{ state: 'answered' }, 'GET', 200],
    [{ state: 'answered' }, 'POST', 409],
    [{ state: 'expired' }, 'GET', 410],
    [{ state: 'not_found' }, 'POST', 404],
  ] as const)('%j by %s answers %d', (r, method, status) => {
    expect(surveyResponse({ ...r, language: 'en', texts } as Parameters<typeof surveyResponse>[0], method).status).toBe(status);
  });

  it('shows the rating hint when the rating is missing', () => {
    expect(surveyResponse({ state: 'invalid', question: 'q', language: 'en', texts }, 'POST').html).toContain(texts.chooseRating);
  });
});
