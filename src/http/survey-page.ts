/**
 * The survey page customers reach from a survey link: GET /survey/:token shows a small form
 * (five radio buttons and a comment) that works without JavaScript; POST /survey/:token
 * (form-encoded) stores the answer once. Server-rendered, everything escaped, and a CSP that allows
 * nothing but the page's own style (by hash) and posting the form back to the hub.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SurveyTexts } from '../domain/survey.js';
import type { SurveyService, SurveySubmitResult } from '../services/surveys.js';

const STYLE = `body{font-family:system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1b1d21}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:1.35rem;margin:0 0 1rem}fieldset{border:0;padding:0;margin:0 0 1rem}legend{margin-bottom:.5rem}
label.r{display:block;padding:.35rem 0}textarea{width:100%;box-sizing:border-box;font:inherit;margin:.35rem 0 1rem}
button{font:inherit;padding:.5rem 1.25rem;border:0;border-radius:.5rem;background:#2557d6;color:#fff}
.e{color:#b3261e}`;

export const SURVEY_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function layout(language: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${escapeHtml(language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>
`;
}

/** The form; it posts back to the page's own URL (no action attribute), so the token is not repeated. */
export function renderSurveyForm(p: { language: string; texts: SurveyTexts; question: string; error?: string }): string {
  const radios = p.texts.ratingLabels
    .map((label, i) => `<label class="r"><input type="radio" name="rating" value="${i + 1}" required> ${escapeHtml(label)}</label>`)
    .join('\n');
  return layout(
    p.language,
    p.texts.pageTitle,
    `<h1>${escapeHtml(p.question)}</h1>
${p.error ? `<p class="e" role="alert">${escapeHtml(p.error)}</p>` : ''}
<form method="post">
<fieldset><legend>${escapeHtml(p.texts.ratingLegend)}</legend>
${radios}
</fieldset>
<label for="comment">${escapeHtml(p.texts.commentLabel)}</label>
<textarea id="comment" name="comment" rows="4" maxlength="2000"></textarea>
<button type="submit">${escapeHtml(p.texts.submit)}</button>
</form>`,
  );
}

export function renderSurveyMessage(p: { language: string; texts: SurveyTexts; message: string }): string {
  return layout(p.language, p.texts.pageTitle, `<h1>${escapeHtml(p.message)}</h1>`);
}

/** Status and page for each outcome (GET of an answered survey is a 200; answering it again a 409). */
export function surveyResponse(r: SurveySubmitResult, method: 'GET' | 'POST'): { status: number; html: string } {
  switch (r.state) {
    case 'open':
      return { status: 200, html: renderSurveyForm(r) };
    case 'invalid':
      return { status: 400, html: renderSurveyForm({ ...r, error: r.texts.chooseRating }) };
    case 'thanks':
      return { status: 200, html: renderSurveyMessage({ ...r, message: r.texts.pageThanks }) };
    case 'answered':
      return { status: method === 'GET' ? 200 : 409, html: renderSurveyMessage({ ...r, message: r.texts.alreadyAnswered }) };
    case 'expired':
      return { status: 410, html: renderSurveyMessage({ ...r, message: r.texts.expired }) };
    case 'not_found':
      return { status: 404, html: renderSurveyMessage({ ...r, message: r.texts.notFound }) };
  }
}

function send(reply: FastifyReply, r: { status: number; html: string }): FastifyReply {
  return reply
    .code(r.status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', SURVEY_PAGE_CSP)
    .header('cache-control', 'no-store')
    // The token is in the URL: never leak it to another site.
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .send(r.html);
}

export async function surveyPageRoutes(app: FastifyInstance, d: { surveys: SurveyService }): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.get<{ Params: { token: string } }>('/survey/:token', async (req, reply) => send(reply, surveyResponse(await d.surveys.page(req.params.token), 'GET')));
  app.post<{ Params: { token: string } }>('/survey/:token', async (req, reply) => {
    const form = req.body !== null && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
    return send(reply, surveyResponse(await d.surveys.submit(req.params.token, form), 'POST'));
  });
}
