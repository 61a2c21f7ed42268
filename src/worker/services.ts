import { createOrderValidator } from '../contracts/order-validator.js';
import { IntakeService } from '../intake/intake-service.js';
import { ensureTopics } from '../kafka/ensure-topics.js';
import { OutboxRelay } from '../outbox/outbox-relay.js';
import type { RouteFactory, ServiceFactory, WorkerDependencies, WorkerService } from './worker.js';

/** Creates the worker's topics first when configured to (development stacks). */
function topicsService({ config, kafka, logger }: WorkerDependencies): WorkerService {
  return {
    name: 'topics',
    start: async () => {
      if (!config.topics.create) return;
      const created = await ensureTopics(kafka, [config.topics.orders, config.topics.deadLetter, config.topics.status], config.topics.partitions);
      if (created.length > 0) logger.info({ created }, 'created topics');
    },
    stop: async () => undefined,
  };
}

/** The relay starts before the intake and stops after it, so nothing the intake writes waits for a restart. */
function relayService({ config, kafka, pool, logger }: WorkerDependencies): WorkerService {
  return new OutboxRelay({
    kafka,
    pool,
    logger: logger.child({ component: 'outbox-relay' }),
    batchSize: config.outbox.batchSize,
    pollIntervalMs: config.outbox.pollIntervalMs,
    retentionHours: config.outbox.retentionHours,
    statusSource: config.intake.statusSource,
  });
}

function intakeService({ config, kafka, pool, logger }: WorkerDependencies): WorkerService {
  return new IntakeService({
    kafka,
    pool,
    logger,
    validator: createOrderValidator(),
    ordersTopic: config.topics.orders,
    groupId: config.kafka.groupId,
    chunkSize: config.intake.chunkSize,
    partitionsConsumedConcurrently: config.intake.partitionsConcurrently,
    settings: {
      statusTopic: config.topics.status,
      deadLetterTopic: config.topics.deadLetter,
      consumerGroup: config.kafka.groupId,
      statusSource: config.intake.statusSource,
    },
  });
}

/** What a production worker runs, in start order. */
export function workerServices(): { services: ServiceFactory[]; routes: RouteFactory[] } {
  return { services: [topicsService, relayService, intakeService], routes: [] };
}
