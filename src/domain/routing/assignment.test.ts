import { describe, expect, it } from 'vitest';
import { chooseAgent, roundRobinCompare, type AgentCandidate, type AssignmentRequest } from './assignment.js';

const NOW = 1_000_000;

/** An available agent with 10 units, `free` of them free (default 10). */
function agent(agentId: string, o: Partial<AgentCandidate> & { free?: number } = {}): AgentCandidate {
  const { free = 10, ...rest } = o;
  return {
    agentId,
    presence: 'available',
    capacity: { mode: 'units', total: 10 },
    load: free < 10 ? [{ units: 10 - free }] : [],
    skills: {},
    lastAssignedAt: null,
    declinedCount: 0,
    ...rest,
  };
}

function req(o: Partial<AssignmentRequest> = {}): AssignmentRequest {
  return { method: 'highest_capacity', allowedPresences: ['available'], requiredSkills: [], item: { units: 2 }, now: NOW, ...o };
}

type Row = [string, AgentCandidate[], Partial<AssignmentRequest>, string | null, string[]?];

const billing5Italian = [{ name: 'billing', level: 5 }, { name: 'italian' }];

const rows: Row[] = [
  // highest capacity
  ['highest capacity: most remaining wins', [agent('a', { free: 4 }), agent('b', { free: 8 }), agent('c', { free: 6 })], {}, 'b', ['b', 'c', 'a']],
  ['highest capacity: tie → lowest id without a cursor', [agent('c'), agent('a'), agent('b', { free: 3 })], {}, 'a', ['a', 'c', 'b']],
  ['highest capacity: tie → next after the cursor', [agent('a'), agent('c'), agent('b', { free: 3 })], { roundRobinCursor: 'a' }, 'c', ['c', 'a', 'b']],
  ['highest capacity: tie → wraps after the last id', [agent('a'), agent('c')], { roundRobinCursor: 'c' }, 'a', ['a', 'c']],
  ['highest capacity: a cursor that is not a candidate', [agent('a'), agent('c')], { roundRobinCursor: 'b' }, 'c', ['c', 'a']],
  ['highest capacity ignores skills', [agent('a', { free: 9, skills: {} }), agent('b', { free: 5, skills: { billing: 10, italian: 10 } })], { requiredSkills: billing5Italian }, 'a'],
  ['profiles capacity: most free slots', [agent('a', { capacity: { mode: 'profiles', profiles: { chat: { maxItems: 3 } } }, load: [{ units: 1, profile: 'chat' }] }), agent('b', { capacity: { mode: 'profiles', profiles: { chat: { maxItems: 3 } } }, load: [] })], { item: { units: 1, profile: 'chat' } }, 'b'],
  // round robin
  ['round robin: no cursor → first id', [agent('b'), agent('a'), agent('c')], { method: 'round_robin' }, 'a', ['a', 'b', 'c']],
  ['round robin: next after the cursor', [agent('b'), agent('a'), agent('c')], { method: 'round_robin', roundRobinCursor: 'a' }, 'b', ['b', 'c', 'a']],
  ['round robin: wraps', [agent('b'), agent('a'), agent('c')], { method: 'round_robin', roundRobinCursor: 'c' }, 'a', ['a', 'b', 'c']],
  ['round robin: skips the ineligible', [agent('a'), agent('b', { presence: 'offline' }), agent('c')], { method: 'round_robin', roundRobinCursor: 'a' }, 'c', ['c', 'a']],
  ['round robin: ignores capacity differences', [agent('a', { free: 10 }), agent('b', { free: 2 })], { method: 'round_robin', roundRobinCursor: 'a' }, 'b'],
  ['round robin: code-unit order (uppercase before lowercase)', [agent('b'), agent('B')], { method: 'round_robin' }, 'B'],
  // most idle
  ['most idle: never assigned first', [agent('a', { lastAssignedAt: 1000 }), agent('b'), agent('c', { lastAssignedAt: 500 })], { method: 'most_idle' }, 'b', ['b', 'c', 'a']],
  ['most idle: oldest assignment', [agent('a', { lastAssignedAt: 1000 }), agent('c', { lastAssignedAt: 500 })], { method: 'most_idle' }, 'c'],
  ['most idle: tie → round robin order', [agent('a', { lastAssignedAt: 500 }), agent('c', { lastAssignedAt: 500 })], { method: 'most_idle', roundRobinCursor: 'a' }, 'c'],
  ['most idle: two never assigned → round robin order', [agent('a'), agent('c')], { method: 'most_idle', roundRobinCursor: 'b' }, 'c', ['c', 'a']],
  ['most idle: the idlest one is full → next idlest', [agent('a', { lastAssignedAt: 1, free: 1 }), agent('b', { lastAssignedAt: 2 })], { method: 'most_idle' }, 'b'],
  // skill exact
  [
    'skill exact: every skill at level, then highest capacity',
    [agent('a', { free: 2, skills: { billing: 5, italian: 1 } }), agent('b', { free: 8, skills: { billing: 9, italian: 3 } }), agent('c', { free: 10, skills: { billing: 4, italian: 10 } })],
    { method: 'skill_exact', requiredSkills: billing5Italian },
    'b',
    ['b', 'a'],
  ],
  ['skill exact: missing skill excludes', [agent('a', { skills: { billing: 10 } })], { method: 'skill_exact', requiredSkills: billing5Italian }, null],
  ['skill exact: nothing required → highest capacity', [agent('a', { free: 3 }), agent('b', { free: 4 })], { method: 'skill_exact' }, 'b'],
  ['skill exact: over-skilled ties → round robin', [agent('a', { skills: { billing: 10, italian: 1 } }), agent('b', { skills: { billing: 5, italian: 1 } })], { method: 'skill_exact', requiredSkills: billing5Italian, roundRobinCursor: 'a' }, 'b'],
  // skill closest
  [
    'skill closest: exact first, then fewer missing, then smaller gap',
    [agent('a', { skills: { billing: 9 } }), agent('b', { skills: { billing: 3, italian: 2 } }), agent('c', { free: 2, skills: { billing: 5, italian: 1 } }), agent('d', { skills: {} })],
    { method: 'skill_closest', requiredSkills: billing5Italian },
    'c',
    ['c', 'b', 'a', 'd'],
  ],
  [
    'skill closest: equal gaps → highest capacity',
    [agent('a', { free: 3, skills: { billing: 4, italian: 1 } }), agent('b', { free: 7, skills: { billing: 4, italian: 1 } })],
    { method: 'skill_closest', requiredSkills: billing5Italian },
    'b',
  ],
  [
    'skill closest: smaller level gap beats more capacity',
    [agent('a', { free: 10, skills: { billing: 1, italian: 1 } }), agent('b', { free: 3, skills: { billing: 4, italian: 1 } })],
    { method: 'skill_closest', requiredSkills: billing5Italian },
    'b',
  ],
  ['skill closest: nobody has any skill → still assigns (by capacity)', [agent('a', { free: 3 }), agent('b', { free: 5 })], { method: 'skill_closest', requiredSkills: billing5Italian }, 'b'],
  // eligibility
  ['offline is never assigned, even if allowed', [agent('a', { presence: 'offline' })], { allowedPresences: ['available', 'offline'] }, null],
  ['presence not allowed', [agent('a', { presence: 'busy', free: 10 }), agent('b', { free: 2 })], {}, 'b'],
  ['busy allowed when listed', [agent('a', { presence: 'busy', free: 10 }), agent('b', { free: 2 })], { allowedPresences: ['available', 'busy'] }, 'a'],
  ['declined maxDeclines (default 3) times → skipped', [agent('a', { declinedCount: 3 }), agent('b', { free: 2 })], {}, 'b'],
  ['declined fewer times → still offered', [agent('a', { declinedCount: 2 }), agent('b', { free: 2 })], {}, 'a'],
  ['custom maxDeclines', [agent('a', { declinedCount: 1 }), agent('b', { free: 2 })], { maxDeclines: 1 }, 'b'],
  ['no capacity for the item', [agent('a', { free: 1 }), agent('b', { free: 2 })], { item: { units: 2 } }, 'b'],
  ['no candidates', [], {}, null],
];

describe('chooseAgent', () => {
  it.each(rows)('%s', (_name, candidates, r, want, ranking) => {
    const res = chooseAgent(candidates, req(r));
    expect(res.agentId).toBe(want);
    if (ranking) expect(res.explanation.ranking).toEqual(ranking);
    if (res.agentId === null) expect(res.reason).toBeTruthy();
  });

  it('says why nobody is eligible, agent by agent', () => {
    const res = chooseAgent(
      [
        agent('a', { presence: 'offline' }),
        agent('b', { presence: 'away' }),
        agent('c', { declinedCount: 3, free: 1 }),
        agent('d', { skills: { billing: 2 } }),
      ],
      req({ method: 'skill_exact', requiredSkills: billing5Italian }),
    );
    expect(res).toMatchObject({ agentId: null });
    expect(res.agentId === null && res.reason).toBe(
      'no eligible agent among 4: a is offline, skills do not match (lacks billing, lacks italian); ' +
        'b presence away not allowed, skills do not match (lacks billing, lacks italian); ' +
        'c declined this item 3 times (limit 3), no capacity (1 of 10 units free, needs 2), skills do not match (lacks billing, lacks italian); ' +
        'd skills do not match (billing 2 < 5, lacks italian)',
    );
    expect(res.explanation.ranking).toEqual([]);
    expect(res.explanation.candidates.map((c) => c.eligible)).toEqual([false, false, false, false]);
  });

  it('says there is nobody when there are no candidates', () => {
    const res = chooseAgent([], req());
    expect(res.agentId === null && res.reason).toBe('no candidates (nobody in the queue)');
  });

  it('explains each candidate and the ranking', () => {
    const res = chooseAgent([agent('a', { lastAssignedAt: NOW - 90_000 }), agent('b'), agent('c', { presence: 'away' })], req({ method: 'most_idle' }));
    expect(res.explanation.lines).toEqual([
      'a: eligible, 10 capacity left, idle 90 s',
      'b: eligible, 10 capacity left, never assigned',
      'c: excluded — presence away not allowed',
      'most_idle: ranking b > a → b',
    ]);
    expect(res.explanation.candidates[0]).toMatchObject({ agentId: 'a', eligible: true, remaining: 10, idleMs: 90_000, lastAssignedAt: NOW - 90_000 });
  });

  it('does not reorder or mutate its input', () => {
    const input = [agent('b'), agent('a')];
    const copy = structuredClone(input);
    chooseAgent(input, req());
    expect(input).toEqual(copy);
  });
});

describe('roundRobinCompare', () => {
  it.each([
    [undefined, ['a', 'b', 'c', 'd']],
    ['a', ['b', 'c', 'd', 'a']],
    ['b', ['c', 'd', 'a', 'b']],
    ['d', ['a', 'b', 'c', 'd']],
    ['bb', ['c', 'd', 'a', 'b']],
    ['', ['a', 'b', 'c', 'd']],
  ])('cursor %s', (cursor, order) => {
    expect(['d', 'b', 'a', 'c'].sort(roundRobinCompare(cursor))).toEqual(order);
  });
});
