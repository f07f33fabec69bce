import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per hub, so several hubs in one test process do not mix their figures. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'switchboard_' });
  return {
    registry,
    webhooksReceived: new Counter({
      name: 'switchboard_webhooks_received_total',
      help: 'Webhooks accepted, per channel kind',
      labelNames: ['channel'],
      registers: [registry],
    }),
    webhooksRejected: new Counter({
      name: 'switchboard_webhooks_rejected_total',
      help: 'Webhooks refused (bad signature, malformed, unknown account, store unavailable), per channel and reason',
      labelNames: ['channel', 'reason'],
      registers: [registry],
    }),
    messagesStored: new Counter({
      name: 'switchboard_messages_stored_total',
      help: 'Messages stored, per direction',
      labelNames: ['direction'],
      registers: [registry],
    }),
    deliveryAttempts: new Counter({
      name: 'switchboard_delivery_attempts_total',
      help: 'Outbound send attempts, per channel',
      labelNames: ['channel'],
      registers: [registry],
    }),
    deliveryFailures: new Counter({
      name: 'switchboard_delivery_failures_total',
      help: 'Outbound send attempts that failed, per channel and error code',
      labelNames: ['channel', 'code'],
      registers: [registry],
    }),
    ingestLatency: new Histogram({
      name: 'switchboard_ingest_latency_seconds',
      help: 'From webhook arrival to its commit',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    ingestBatchSize: new Histogram({
      name: 'switchboard_ingest_batch_size',
      help: 'Webhooks committed together in one transaction (group commit)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
