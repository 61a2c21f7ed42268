import type { Config } from '../../../src/platform/config/load-config.js';
import type { Logger } from '../../../src/platform/logging/logger.js';
import type { CallEvent } from '../../../src/operator-connect/index.js';
import { workerServices } from '../../../src/app/worker/services.js';
import { Worker } from '../../../src/app/worker/worker.js';

/**
 * The production worker: src/app/worker/services.ts' own composition (topics
 * check, relay, reconciler, intake and the read API, each built by its
 * component's factory from the same Config, with the metric hooks) in the
 * real Worker (its pool of DATABASE_POOL_MAX connections, its Kafka client).
 * The one addition: the Operator Connect client also reports every HTTP
 * exchange to `onCall`, so the run can say where the time went.
 */
export function flowThroughWorker(config: Config, logger: Logger, onCall: (event: CallEvent) => void): Worker {
  if (!config.reconciler.enabled) throw new Error('the flow-through benchmark needs RECONCILER_ENABLED=true');
  return new Worker({ config, logger, ...workerServices({ onCall }) });
}
