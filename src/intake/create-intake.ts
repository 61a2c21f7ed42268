import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { createOrderValidator } from '../contracts/order-validator.js';
import type { OrderValidator } from '../core/order/index.js';
import type { BackendKind } from '../core/reconcile/backend-kind.js';
import type { Config } from '../platform/config/load-config.js';
import type { Logger } from '../platform/logging/logger.js';
import { IntakeService, type IntakeServiceOptions } from './intake-service.js';

/**
 * The settings the intake reads: its consumer group, the topics, INTAKE_*,
 * the dead-letter size, the status event size and BACKEND (which changes of
 * an order become backend work): `backend`, else `reconciler.backend`, else
 * 'operator-connect'.
 */
export type IntakeConfig = Pick<Config, 'kafka' | 'topics' | 'intake'> & {
  readonly outbox: Pick<Config['outbox'], 'statusEventMaxBytes'>;
  readonly backend?: BackendKind;
  readonly reconciler?: Pick<Config['reconciler'], 'backend'>;
};

export interface IntakeDeps {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  /** The order schema's validator; compiled here when absent. */
  readonly validator?: OrderValidator;
}

/** What the intake reports as it works (metrics, tests) and its fault-injection points (crash tests). */
export type IntakeHooks = Pick<
  IntakeServiceOptions,
  'onChunk' | 'onInternalError' | 'onConsumerCrash' | 'onPartitionStopped' | 'onPartitionResumed' | 'afterDatabaseCommit'
>;

/** Timings that are no setting of the worker's (tests shorten them). */
export type IntakeTuning = Pick<IntakeServiceOptions, 'resetPollMs'>;

/**
 * The order intake as the worker runs it, from the loaded configuration: the
 * one place that turns settings into IntakeService options.
 */
export function createIntake(config: IntakeConfig, deps: IntakeDeps, hooks: IntakeHooks = {}, tuning: IntakeTuning = {}): IntakeService {
  const { kafka, topics, intake, outbox } = config;
  const backend = config.backend ?? config.reconciler?.backend;
  return new IntakeService({
    kafka: deps.kafka,
    pool: deps.pool,
    logger: deps.logger,
    validator: deps.validator ?? createOrderValidator(),
    ordersTopic: topics.orders,
    groupId: kafka.groupId,
    group: kafka.group,
    chunkSize: intake.chunkSize,
    chunkBytes: intake.chunkBytes,
    partitionsConsumedConcurrently: intake.partitionsConcurrently,
    settings: {
      statusTopic: topics.status,
      statusEventMaxBytes: outbox.statusEventMaxBytes,
      deadLetterTopic: topics.deadLetter,
      consumerGroup: kafka.groupId,
      statusSource: intake.statusSource,
      deadLetterMaxRecordBytes: intake.deadLetterMaxRecordBytes,
    },
    ...(backend ? { backend } : {}),
    limits: { maxRecordBytes: intake.maxRecordBytes, maxJsonDepth: intake.maxJsonDepth, maxFutureSkewMs: intake.maxFutureSkewMs },
    ...hooks,
    ...tuning,
  });
}
