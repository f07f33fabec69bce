/**
 * Injected faults: the next calls matching a method and path answer with a chosen status, body,
 * Retry-After and delay, before authentication and validation. The logic is shared
 * (../shared/faults.ts); Google's default bodies are in errors.ts.
 */
import { FaultList as SharedFaultList } from '../shared/faults.js';
import type { FaultSpec } from './types.js';

export class FaultList extends SharedFaultList<FaultSpec> {
  constructor() {
    super('GBM');
  }
}
