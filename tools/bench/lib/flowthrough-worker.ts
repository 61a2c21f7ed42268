import type { Config } from '../../../src/platform/config/load-config.js';
import { createOrderValidator } from '../../../src/contracts/order-validator.js';
import { IntakeService } from '../../../src/intake/intake-service.js';
import type { Logger } from '../../../src/platform/logging/logger.js';
import { OperatorConnectClient, type CallEvent } from '../../../src/operator-connect/index.js';
import { OutboxRelay } from '../../../src/outbox/outbox-relay.js';
import { reconcilerService } from '../../../src/reconciler/index.js';
import { Worker, type ServiceFactory } from '../../../src/app/worker/worker.js';

/**
 * The production worker's services, composed exactly as src/app/worker/services.ts
 * does (relay, reconciler, intake; same constructors, same Config), in the
 * real Worker (its pool of DATABASE_POOL_MAX connections, its Kafka client).
 * Two differences: the run's topics exist already (no topics service), and the
 * Operator Connect client reports every HTTP exchange to `onCall` — the
 * client's own observability hook — so the run can say where the time went.
 */
export function flowThroughWorker(config: Config, logger: Logger, onCall: (event: CallEvent) => void): Worker {
  const relay: ServiceFactory = ({ config: c, kafka, pool, logger: l }) =>
    new OutboxRelay({
      kafka,
      pool,
      logger: l.child({ component: 'outbox-relay' }),
      batchSize: c.outbox.batchSize,
      pollIntervalMs: c.outbox.pollIntervalMs,
      retentionHours: c.outbox.retentionHours,
      statusSource: c.intake.statusSource,
    });
  const reconciler: ServiceFactory = ({ config: c, pool, logger: l }) => {
    const oc = c.operatorConnect;
    if (oc === null) throw new Error('the flow-through benchmark needs OPERATOR_CONNECT_BASE_URL (the simulator)');
    const log = l.child({ component: 'reconciler' });
    return reconcilerService({
      pool,
      logger: log,
      client: new OperatorConnectClient({ config: oc, logger: log, onCall }),
      config: c.reconciler,
      maxNumbersPerOrder: oc.maxNumbersPerOrder,
      status: { topic: c.topics.status, source: c.intake.statusSource },
    });
  };
  const intake: ServiceFactory = ({ config: c, kafka, pool, logger: l }) =>
    new IntakeService({
      kafka,
      pool,
      logger: l,
      validator: createOrderValidator(),
      ordersTopic: c.topics.orders,
      groupId: c.kafka.groupId,
      group: c.kafka.group,
      chunkSize: c.intake.chunkSize,
      chunkBytes: c.intake.chunkBytes,
      partitionsConsumedConcurrently: c.intake.partitionsConcurrently,
      settings: { statusTopic: c.topics.status, deadLetterTopic: c.topics.deadLetter, consumerGroup: c.kafka.groupId, statusSource: c.intake.statusSource },
    });
  return new Worker({ config, logger, services: [relay, reconciler, intake] });
}
