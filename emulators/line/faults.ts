/**
 * What can answer an API call before normal handling: injected faults (the next matching calls
 * answer with a chosen status, body, Retry-After and delay) and the per-channel rate limit. The
 * logic is shared (../shared/faults.ts); LINE's default bodies are in errors.ts.
 */
import { FaultList as SharedFaultList } from '../shared/faults.js';
import type { FaultSpec } from './types.js';

export { RateLimiter } from '../shared/faults.js';

export class FaultList extends SharedFaultList<FaultSpec> {
  constructor() {
    super('LINE');
  }
}
