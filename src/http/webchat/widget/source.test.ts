import { describe, expect, it } from 'vitest';
import { WIDGET_SCRIPT } from './script.js';
import { WIDGET_SOURCE } from './source.js';

describe('widget.js', () => {
  it('is one syntactically valid script', () => {
    expect(() => new Function(WIDGET_SOURCE)).not.toThrow();
  });

  it('never builds HTML from strings', () => {
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function']) {
      expect(WIDGET_SCRIPT.includes(sink), sink).toBe(false);
    }
  });
});
