import { describe, expect, it } from 'vitest';
import type { PreChatField } from './config.js';
import { checkPreChat, missingPreChat } from './pre-chat.js';

const fields: PreChatField[] = [
  { name: 'name', label: 'Name', type: 'text', required: true },
  { name: 'email', label: 'E-mail', type: 'email', required: true },
  { name: 'question', label: 'Question', type: 'textarea', required: false },
];

describe('pre-chat answers', () => {
  it('trims, collapses spaces in one-line fields, keeps line breaks in textareas, drops unknown keys', () => {
    expect(checkPreChat(fields, { name: '  Ann   Lee ', email: 'ann@example.com', question: 'Line 1\nLine 2 ', other: 'x' })).toEqual({
      ok: true,
      answers: { name: 'Ann Lee', email: 'ann@example.com', question: 'Line 1\nLine 2' },
    });
  });

  it('enforces required fields and formats when the form is submitted', () => {
    expect(checkPreChat(fields, { name: '', email: 'nope' })).toEqual({ ok: false, problems: ['Name is required', 'E-mail is not an e-mail address'] });
    expect(checkPreChat(fields, { name: 'x'.repeat(201), email: 'a@b.co' })).toEqual({ ok: false, problems: ['Name is too long (at most 200 characters)'] });
    const many: PreChatField[] = ['a', 'b'].map((name) => ({ name, label: name, type: 'textarea', required: false }));
    expect(checkPreChat(many, { a: 'x'.repeat(2000), b: 'y'.repeat(2000) })).toEqual({
      ok: false,
      problems: ['The answers are too long altogether (at most 3000 characters)'],
    });
  });

  it('without a form, keeps what is known and reports what is missing', () => {
    const r = checkPreChat(fields, undefined, { name: 'Maya', email: 'not an address' });
    expect(r).toEqual({ ok: true, answers: { name: 'Maya' } });
    expect(missingPreChat(fields, r.ok ? r.answers : {}).map((f) => f.name)).toEqual(['email']);
    expect(missingPreChat(fields, { name: 'a', email: 'a@b.co' })).toEqual([]);
  });
});
