import { describe, expect, it } from 'vitest';
import { placeholdersOf, renderTemplate } from './template.js';

describe('templates', () => {
  it('lists placeholders once, in order', () => {
    expect(placeholdersOf('Hi {{1}}, your order {{2}} ships {{ 3 }}. Thanks {{1}}!')).toEqual(['1', '2', '3']);
    expect(placeholdersOf('no variables')).toEqual([]);
    expect(placeholdersOf('Hello {{name}}')).toEqual(['name']);
  });
  it('renders every placeholder', () => {
    expect(renderTemplate('Hi {{1}}, order {{2}} is late', { '1': 'Sakura', '2': 'A-17' })).toEqual({
      ok: true,
      text: 'Hi Sakura, order A-17 is late',
    });
  });
  it('refuses missing or blank values, naming them', () => {
    expect(renderTemplate('Hi {{1}}, order {{2}}', { '1': 'x', '2': '  ' })).toEqual({ ok: false, missing: ['2'] });
    expect(renderTemplate('Hi {{1}}', {})).toEqual({ ok: false, missing: ['1'] });
  });
  it('leaves values that look like placeholders alone (no double expansion)', () => {
    expect(renderTemplate('{{1}} and {{2}}', { '1': '{{2}}', '2': 'b' })).toEqual({ ok: true, text: '{{2}} and b' });
  });
});
