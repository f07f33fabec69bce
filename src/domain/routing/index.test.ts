import { describe, expect, it } from 'vitest';
import * as routing from './index.js';
import {
  agentCapacitySchema,
  classificationRuleSetSchema,
  conditionSchema,
  customPresenceSchema,
  operatingHoursSchema,
  routeRuleSetSchema,
  type AgentCapacity,
  type ClassificationRuleSet,
  type Condition,
  type CustomPresence,
  type OperatingHours,
  type RouteRuleSet,
} from './index.js';

describe('routing index', () => {
  it.each([
    'evaluate', 'classify', 'routeToQueue', 'testRouting', 'isOpen', 'canTake', 'remaining', 'isFull',
    'chooseAgent', 'effectivePresence', 'applyOfferEvent', 'nextOfferTarget', 'orderWorkItems',
  ])('exports %s', (name) => {
    expect(typeof (routing as Record<string, unknown>)[name]).toBe('function');
  });

  it("schemas parse into the domain's own types (checked by tsc)", () => {
    const c: Condition = conditionSchema.parse({ field: 'locale', op: 'exists' });
    const cs: ClassificationRuleSet = classificationRuleSetSchema.parse({ id: 's', rules: [{ id: 'r', condition: c, outputs: { priority: 1 } }] });
    const rs: RouteRuleSet = routeRuleSetSchema.parse({ id: 's', rules: [{ id: 'r', condition: c, queueId: 'q' }] });
    const oh: OperatingHours = operatingHoursSchema.parse({ timeZone: 'UTC', week: { mon: [{ from: '09:00', to: '17:00' }] } });
    const cap: AgentCapacity = agentCapacitySchema.parse({ mode: 'units', total: 10 });
    const p: CustomPresence = customPresenceSchema.parse({ name: 'Lunch', base: 'away' });
    expect([cs.id, rs.id, oh.timeZone, cap.mode, p.base]).toEqual(['s', 's', 'UTC', 'units', 'away']);
  });
});
