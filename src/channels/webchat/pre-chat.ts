/**
 * Pre-chat answers against the account's configured fields (pure). Answers to unknown fields are
 * dropped; values are trimmed and bounded; an e-mail field must look like one. Required fields
 * are enforced when the form is submitted, and again when a new conversation starts.
 */
import type { PreChatField } from './config.js';

export const PRE_CHAT_MAX_LENGTH: Readonly<Record<PreChatField['type'], number>> = Object.freeze({
  text: 200,
  email: 254,
  textarea: 2000,
});

export const PRE_CHAT_MAX_TOTAL = 3000;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type PreChatResult = { ok: true; answers: Record<string, string> } | { ok: false; problems: string[] };

/**
 * `submitted`: what the form sent (undefined when the widget sent no form); `defaults`: what is
 * already known (a signed-in customer's name and e-mail), used where the form left a field out.
 */
export function checkPreChat(
  fields: ReadonlyArray<PreChatField>,
  submitted: Readonly<Record<string, string>> | undefined,
  defaults: Readonly<Record<string, string | undefined>> = {},
): PreChatResult {
  const answers: Record<string, string> = {};
  const problems: string[] = [];
  for (const f of fields) {
    const given = submitted?.[f.name];
    const raw = (typeof given === 'string' && given.trim() !== '' ? given : defaults[f.name]) ?? '';
    const value = raw.trim();
    if (value === '') {
      if (submitted !== undefined && f.required) problems.push(`${f.label} is required`);
      continue;
    }
    if (value.length > PRE_CHAT_MAX_LENGTH[f.type]) {
      problems.push(`${f.label} is too long (at most ${PRE_CHAT_MAX_LENGTH[f.type]} characters)`);
      continue;
    }
    if (f.type === 'email' && !EMAIL.test(value)) {
      // A default that is not an address is dropped silently; a typed one is the customer's to fix.
      if (typeof given === 'string' && given.trim() !== '') problems.push(`${f.label} is not an e-mail address`);
      continue;
    }
    answers[f.name] = f.type === 'textarea' ? value : value.replace(/\s+/g, ' ');
  }
  // The answers travel in the visitor token (and its WebSocket URL): keep them small altogether.
  if (problems.length === 0 && JSON.stringify(answers).length > PRE_CHAT_MAX_TOTAL) {
    problems.push(`The answers are too long altogether (at most ${PRE_CHAT_MAX_TOTAL} characters)`);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, answers };
}

/** Required fields without an answer: a new conversation cannot start until they are given. */
export function missingPreChat(fields: ReadonlyArray<PreChatField>, answers: Readonly<Record<string, string>> | undefined): PreChatField[] {
  return fields.filter((f) => f.required && !answers?.[f.name]);
}
