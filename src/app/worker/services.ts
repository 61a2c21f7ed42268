import { createOrderValidator } from '../../contracts/order-validator.js';
import { readApiRouteFactory } from '../../read-api/read-api-routes.js';
import { IntakeService } from '../../intake/intake-service.js';
import { assertTopicsExist, ensureTopics } from '../../platform/kafka/ensure-topics.js';
import { ConfigError } from '../../platform/config/load-config.js';
import { OperatorConnectClient } from '../../operator-connect/index.js';
import { OutboxRelay } from '../../outbox/outbox-relay.js';
import { reconcilerService } from '../../reconciler/index.js';
import type { RouteFactory, ServiceFactory, WorkerDependencies, WorkerService } from './worker.js';

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
  return new OutboxRelay({
    kafka,
    pool,
    logger: logger.child({ component: 'outbox-relay' }),
    batchSize: config.outbox.batchSize,
    pollIntervalMs: config.outbox.pollIntervalMs,
    retentionHours: config.outbox.retentionHours,
    statusSource: config.intake.statusSource,
    maxBatchBytes: config.outbox.maxBatchBytes,
    maxAttempts: config.outbox.maxAttempts,
    retryBaseMs: config.outbox.retryBaseMs,
    retryCapMs: config.outbox.retryCapMs,
    onPublished: metrics.onPublished,
    onParked: metrics.onParked,
  });
}

function intakeService({ config, kafka, pool, logger, metrics }: WorkerDependencies): WorkerService {
  return new IntakeService({
    kafka,
    pool,
    logger,
    validator: createOrderValidator(),
    ordersTopic: config.topics.orders,
    groupId: config.kafka.groupId,
    group: config.kafka.group,
    chunkSize: config.intake.chunkSize,
    chunkBytes: config.intake.chunkBytes,
    partitionsConsumedConcurrently: config.intake.partitionsConcurrently,
    settings: {
      statusTopic: config.topics.status,
      deadLetterTopic: config.topics.deadLetter,
      consumerGroup: config.kafka.groupId,
      statusSource: config.intake.statusSource,
      deadLetterMaxRecordBytes: config.intake.deadLetterMaxRecordBytes,
    },
    limits: { maxRecordBytes: config.intake.maxRecordBytes, maxJsonDepth: config.intake.maxJsonDepth, maxFutureSkewMs: config.intake.maxFutureSkewMs },
    onChunk: metrics.onChunk,
    onInternalError: metrics.onIntakeInternalError,
    onConsumerCrash: metrics.onConsumerCrash,
    onPartitionStopped: metrics.onPartitionStopped,
  });
}

/** Flow-through to Operator Connect / Teams Phone Mobile, driven by PostgreSQL. */
function reconcilerServices({ config, pool, logger, metrics }: WorkerDependencies): WorkerService[] {
  if (!config.reconciler.enabled) return [];
  const oc = config.operatorConnect;
  if (oc === null) {
    throw new ConfigError([
      'OPERATOR_CONNECT_BASE_URL: required when RECONCILER_ENABLED=true (the default); set it (and the OPERATOR_CONNECT_* credentials), or RECONCILER_ENABLED=false for a worker without flow-through',
    ]);
  }
  const log = logger.child({ component: 'reconciler' });
  const { onCall, onRetry, onCircuitStateChange } = metrics;
  const client = new OperatorConnectClient({ config: oc, logger: log, onCall, onRetry, onCircuitStateChange });
  metrics.observeCircuit(() => client.circuitState);
  return [
    reconcilerService({
      pool,
      logger: log,
      client,
      config: config.reconciler,
      maxNumbersPerOrder: oc.maxNumbersPerOrder,
      status: { topic: config.topics.status, source: config.intake.statusSource },
    }),
  ];
}

/** What a production worker runs, in start order. */
export function workerServices(): { services: ServiceFactory[]; routes: RouteFactory[] } {
  return {
    services: [topicsService, relayService, reconcilerServices, intakeService],
    routes: [(deps) => readApiRouteFactory(deps.config.readApi)(deps)],
  };
}
