import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Config } from '../platform/config/load-config.js';
import type { Logger } from '../platform/logging/logger.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import { componentLogger } from '../platform/logging/component-logger.js';

/** The settings the relay reads: OUTBOX_*, STATUS_EVENT_MAX_BYTES, KAFKA_METADATA_MAX_AGE_MS and the ce_source of status events (STATUS_EVENT_SOURCE). */
export type OutboxRelayConfig = Pick<Config, 'outbox'> & {
  readonly intake: Pick<Config['intake'], 'statusSource'>;
  /** KAFKA_METADATA_MAX_AGE_MS: how long the relay reuses partition counts and leaders. */
  readonly kafka?: Pick<Config['kafka'], 'metadataMaxAgeMs'>;
};

export interface OutboxRelayDeps {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
}

/** What the relay reports as it works (metrics, tests) and its fault-injection point (crash tests). */
export type OutboxRelayHooks = Pick<OutboxRelayOptions, 'onPublished' | 'onParked' | 'afterPublish'>;

/**
 * The outbox relay as the worker runs it, from the loaded configuration: the
 * one place that turns settings into OutboxRelay options.
 */
export function createOutboxRelay(config: OutboxRelayConfig, deps: OutboxRelayDeps, hooks: OutboxRelayHooks = {}): OutboxRelay {
  const { outbox } = config;
  return new OutboxRelay({
    kafka: deps.kafka,
    pool: deps.pool,
    logger: componentLogger(deps.logger, 'outbox-relay'),
    batchSize: outbox.batchSize,
    pollIntervalMs: outbox.pollIntervalMs,
    retentionHours: outbox.retentionHours,
    statusSource: config.intake.statusSource,
    maxBatchBytes: outbox.maxBatchBytes,
    maxAttempts: outbox.maxAttempts,
    retryBaseMs: outbox.retryBaseMs,
    retryCapMs: outbox.retryCapMs,
    statusEventMaxBytes: outbox.statusEventMaxBytes,
    ...(config.kafka?.metadataMaxAgeMs === undefined ? {} : { metadataMaxAgeMs: config.kafka.metadataMaxAgeMs }),
    ...hooks,
  });
}
