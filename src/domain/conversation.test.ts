import { describe, expect, it } from 'vitest';
import { nextState, type ConversationAction, type ConversationState } from './conversation.js';

describe('conversation state machine', () => {
  const rows: Array<[ConversationState, ConversationAction, ConversationState | undefined]> = [
    ['open', 'assign', 'active'],
    ['open', 'wait', undefined],
    ['open', 'end', undefined],
    ['open', 'close', 'closed'],
    ['active', 'wait', 'waiting'],
    ['active', 'end', 'wrapup'],
    ['active', 'release', 'open'],
    ['waiting', 'customer_message', 'active'],
    ['waiting', 'resume', 'active'],
    ['wrapup', 'close', 'closed'],
    ['wrapup', 'resume', undefined],
    ['wrapup', 'customer_message', undefined],
    ['closed', 'assign', undefined],
    ['closed', 'customer_message', undefined],
  ];
  it.each(rows)('%s --%s--> %s', (from, action, to) => {
    expect(nextState(from, action)).toBe(to);
  });
});
