import type { RouteFactory, WorkerService } from '../../contracts/worker-service.js';
import { createIntake } from '../../intake/index.js';
import type { CallEvent } from '../../operator-connect/index.js';
import { createOutboxRelay } from '../../outbox/index.js';
import { assertTopicsExist, ensureTopics } from '../../platform/kafka/ensure-topics.js';
import { createReadApiRoutes, readApiEnabled } from '../../read-api/index.js';
import { LookupIndex } from '../../lookup/index.js';
import { componentLogger } from '../../platform/logging/component-logger.js';
import { createReconciler } from '../../reconciler/index.js';
import { createConsoleRoutes } from '../../console/index.js';
import type { ServiceFactory, WorkerDependencies } from './worker.js';

/** Creates the worker's topics first when configured to (development stacks). */
function topicsService({ config, kafka, logger }: WorkerDependencies): WorkerService {
  return {
    name: 'topics',
    start: async () => {
      const topics = [config.topics.orders, config.topics.deadLetter, config.topics.status];
      if (!config.topics.create) return assertTopicsExist(kafka, topics);
      const created = await ensureTopics(kafka, topics, config.topics.partitions);
      if (created.length > 0) logger.info({ created }, 'created topics');
    },
    stop: async () => undefined,
  };
}

/** The relay starts before the intake and stops after it, so nothing the intake writes waits for a restart. */
function relayService({ config, kafka, pool, logger, metrics }: WorkerDependencies): WorkerService {
  return createOutboxRelay(config, { kafka, pool, logger }, { onPublished: metrics.onPublished, onParked: metrics.onParked });
}

function intakeService({ config, kafka, pool, logger, metrics }: WorkerDependencies): WorkerService {
  return createIntake(
    // BACKEND decides which changes of an order become backend work.
    { ...config, backend: config.reconciler.backend },
    { kafka, pool, logger },
    {
      onChunk: metrics.onChunk,
      onInternalError: metrics.onIntakeInternalError,
      onConsumerCrash: metrics.onConsumerCrash,
      onPartitionStopped: metrics.onPartitionStopped,
    },
  );
}

/** Flow-through to the chosen backend (BACKEND), driven by PostgreSQL; `onCall` also hears every HTTP exchange. */
function reconcilerServices(onCall?: (event: CallEvent) => void): ServiceFactory {
  return ({ config, pool, logger, metrics }) => {
    if (!config.reconciler.enabled) return [];
    const calls = onCall
      ? (event: CallEvent): void => {
          metrics.onCall(event);
          onCall(event);
        }
      : metrics.onCall;
    const { onRetry, onCircuitStateChange } = metrics;
    return [
      createReconciler(
        config,
        { pool, logger },
        {
          onCall: calls,
          onRetry,
          onCircuitStateChange,
          observeCircuit: (read) => metrics.observeCircuit(read),
          observeRateShare: (read) => metrics.observeRateShare(read),
        },
      ),
    ];
  };
}

/**
 * The call-time lookup index (/v1/lookup), one per worker, shared by its
 * service and the read API's routes; only where the read API answers, since
 * it holds every live number in memory.
 */
const lookupIndexes = new WeakMap<WorkerDependencies, LookupIndex | null>();
function lookupIndexOf(deps: WorkerDependencies): LookupIndex | null {
  let index = lookupIndexes.get(deps);
  if (index === undefined) {
    index = readApiEnabled(deps.config) ? new LookupIndex({ pool: deps.pool, logger: componentLogger(deps.logger, 'lookup') }) : null;
    lookupIndexes.set(deps, index);
  }
  return index;
}

export interface WorkerServicesOptions {
  /**
   * Told of every Operator Connect HTTP exchange too, after the metrics (the
   * flow-through benchmark's profile of where the time went).
   */
  readonly onCall?: (event: CallEvent) => void;
}

/** What a production worker runs, in start order, and its routes. */
export function workerServices(options: WorkerServicesOptions = {}): {
  services: ServiceFactory[];
  routes: RouteFactory<WorkerDependencies>[];
} {
  return {
    // The index loads last, so the intake need not wait for it: what the intake writes before is in its full load.
    services: [topicsService, relayService, reconcilerServices(options.onCall), intakeService, (deps) => lookupIndexOf(deps) ?? []],
    routes: [
      (deps) => createReadApiRoutes(deps.config, { ...deps, lookup: lookupIndexOf(deps) }),
      // The console's overview reads the figures /metrics serves, from the worker's own registry.
      (deps) => createConsoleRoutes(deps.config, { ...deps, figures: () => deps.metrics.registry.getMetricsAsJSON() }),
    ],
  };
}
