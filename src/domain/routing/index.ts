/** Unified routing, pure: classification, route-to-queue, assignment, capacity, presence, offers. */
export * from './context.js';
export * from './conditions.js';
export * from './skills.js';
export * from './classification.js';
export * from './route-to-queue.js';
export * from './rule-tester.js';
export * from './time-zone.js';
export * from './operating-hours.js';
export * from './capacity.js';
export * from './presence.js';
export * from './assignment.js';
export * from './offer.js';
export * from './work-item-order.js';
