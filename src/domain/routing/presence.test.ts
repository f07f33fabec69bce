import { describe, expect, it } from 'vitest';
import { effectivePresence, isAssignablePresence, resolvePresence, type BasePresence, type CustomPresence } from './presence.js';

const lunch: CustomPresence = { name: 'Lunch', base: 'away' };
const onCall: CustomPresence = { name: 'On a call', base: 'busy' };
const ready: CustomPresence = { name: 'Ready', base: 'available' };

describe('effectivePresence', () => {
  const rows: Array<[BasePresence | CustomPresence, boolean, BasePresence]> = [
    ['available', false, 'available'],
    ['available', true, 'busy'],
    ['busy', false, 'busy'],
    ['busy', true, 'busy'],
    ['busy_dnd', true, 'busy_dnd'],
    ['busy_dnd', false, 'busy_dnd'],
    ['away', true, 'away'],
    ['offline', true, 'offline'],
    ['offline', false, 'offline'],
    [lunch, false, 'away'],
    [lunch, true, 'away'],
    [ready, true, 'busy'],
    [ready, false, 'available'],
    [onCall, false, 'busy'],
  ];
  it.each(rows)('%j, full=%s → %s', (chosen, full, want) => {
    expect(effectivePresence(chosen, full)).toBe(want);
  });
});

describe('isAssignablePresence', () => {
  it.each([
    ['available', ['available'], true],
    ['busy', ['available'], false],
    ['busy', ['available', 'busy'], true],
    ['away', [], false],
    ['offline', ['available', 'offline'], false],
  ] as Array<[BasePresence, BasePresence[], boolean]>)('%s in %j → %s', (p, allowed, want) => {
    expect(isAssignablePresence(p, allowed)).toBe(want);
  });
});

describe('resolvePresence', () => {
  it.each([
    ['lunch', { name: 'Lunch', base: 'away' }],
    ['Available', { name: 'Available', base: 'available' }],
    ['busy_dnd', { name: 'Do not disturb', base: 'busy_dnd' }],
    ['  offline ', { name: 'Offline', base: 'offline' }],
    ['Gone fishing', undefined],
  ])('%s', (name, want) => {
    expect(resolvePresence(name, [lunch, onCall])).toEqual(want);
  });
  it('a custom presence may reuse a default name', () => {
    expect(resolvePresence('away', [{ name: 'Away', base: 'busy_dnd' }])).toEqual({ name: 'Away', base: 'busy_dnd' });
  });
});
