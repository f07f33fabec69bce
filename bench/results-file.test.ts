import { describe, expect, it } from 'vitest';
import { parseSections, withSection } from './results-file.js';

describe('bench RESULTS.md sections', () => {
  it('replaces only the section written and keeps the others in a fixed order', () => {
    let text = withSection('', 'distribution', '## Distribution\n\nold');
    text = withSection(text, 'ingest', '## Ingest\n\nfirst');
    text = withSection(text, 'ingest', '## Ingest\n\nsecond');
    const sections = parseSections(text);
    expect([...sections.keys()]).toEqual(['ingest', 'distribution']);
    expect(sections.get('ingest')).toBe('## Ingest\n\nsecond');
    expect(sections.get('distribution')).toBe('## Distribution\n\nold');
    expect(text.startsWith('# Benchmark results')).toBe(true);
  });

  it('keeps a section it does not know about after the known ones', () => {
    const foreign = '<!-- bench:later:start -->\nkept\n<!-- bench:later:end -->';
    const sections = parseSections(withSection(foreign, 'memory', 'm'));
    expect([...sections.keys()]).toEqual(['memory', 'later']);
    expect(sections.get('later')).toBe('kept');
  });
});
