import type { RouteFactory, WorkerService } from '../../contracts/worker-service.js';
import { createIntake } from '../../intake/index.js';
import type { CallEvent } from '../../operator-connect/index.js';
import { createOutboxRelay } from '../../outbox/index.js';
import { assertTopicsExist, ensureTopics } from '../../platform/kafka/ensure-topics.js';
import { createReadApiRoutes } from '../../read-api/index.js';
import { createReconciler } from '../../reconciler/index.js';
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
    services: [topicsService, relayService, reconcilerServices(options.onCall), intakeService],
    routes: [(deps) => createReadApiRoutes(deps.config, deps)],
  };
}
