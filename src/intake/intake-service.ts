import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { OrderValidator, ParseLimits } from '../core/order/index.js';
import type { BackendKind } from '../core/reconcile/backend-kind.js';
import type { GroupTimeouts } from '../platform/config/load-config.js';
import { TransactionalBatchConsumer, type ConsumedRecord, type StopReason } from '../platform/kafka/transactional-batch-consumer.js';
import type { Logger } from '../platform/logging/logger.js';
import type { ComponentHealth, WorkerService } from '../contracts/worker-service.js';
import { IntakeProcessor, type InternalErrorStage } from './intake-processor.js';
import type { IntakeCounts, IntakeWriteSettings } from './write-intake.js';
import { componentLogger } from '../platform/logging/component-logger.js';

export interface IntakeServiceOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly validator: OrderValidator;
  readonly ordersTopic: string;
  readonly groupId: string;
  readonly settings: IntakeWriteSettings;
  /** BACKEND: which changes of an order become backend work; 'operator-connect' when absent. */
  readonly backend?: BackendKind;
  readonly chunkSize: number;
  /** Record bytes per transaction, at most (INTAKE_CHUNK_BYTES). */
  readonly chunkBytes?: number;
  readonly partitionsConsumedConcurrently: number;
  readonly fromBeginning?: boolean;
  /** Group membership timings (KAFKA_SESSION_TIMEOUT_MS…); kafkajs' defaults when absent. */
  readonly group?: GroupTimeouts;
  /** Size, depth and time limits of a record (INTAKE_MAX_*); the defaults when absent. */
  readonly limits?: Omit<ParseLimits, 'now'>;
  /** The consumer crashed; it restarts in `restartInMs`. */
  readonly onConsumerCrash?: (error: Error, restartInMs: number) => void;
  /** A record's decision failed for a reason of ours; it was dead-lettered as internal_error. */
  readonly onInternalError?: (stage: InternalErrorStage) => void;
  /** After each chunk is applied, inside its still open transaction; durationMs: time spent applying it. */
  readonly onChunk?: (counts: IntakeCounts, durationMs: number) => void;
  /**
   * An offset check stopped an orders partition, or found it stopped after a
   * restart or rebalance (reason: beyond_log_end | below_log_start |
   * kafka_offset_ahead | different_record); once per partition until it resumes.
   */
  readonly onPartitionStopped?: (partition: number, reason: StopReason) => void;
  /** A stopped partition is no longer stopped here: an operator reset it, or it is assigned elsewhere now. */
  readonly onPartitionResumed?: (partition: number) => void;
  /** How often the intake reads consumer_offsets for an operator's reset; default 3 s. */
  readonly resetPollMs?: number;
  /** Fault injection for crash tests. */
  readonly afterDatabaseCommit?: (records: readonly ConsumedRecord[]) => Promise<void> | void;
}

/** The order intake: validates and persists orders; slow flow-through work happens elsewhere. */
export class IntakeService implements WorkerService {
  readonly name = 'intake';
  readonly consumer: TransactionalBatchConsumer;

  constructor(options: IntakeServiceOptions) {
    const processor = new IntakeProcessor({
      validator: options.validator,
      settings: options.settings,
      logger: componentLogger(options.logger, 'intake'),
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
    });
    this.consumer = new TransactionalBatchConsumer({
      kafka: options.kafka,
      pool: options.pool,
      logger: componentLogger(options.logger, 'intake'),
      groupId: options.groupId,
      topic: options.ordersTopic,
      chunkSize: options.chunkSize,
      ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      fromBeginning: options.fromBeginning ?? true,
      ...(options.group ? { group: options.group } : {}),
      apply: async (client, records) => {
        const started = performance.now();
        const counts = await processor.apply(client, records);
        options.onChunk?.(counts, performance.now() - started);
      },
      ...(options.afterDatabaseCommit ? { afterDatabaseCommit: options.afterDatabaseCommit } : {}),
      ...(options.onConsumerCrash ? { onCrash: options.onConsumerCrash } : {}),
      ...(options.onPartitionStopped ? { onPartitionStopped: options.onPartitionStopped } : {}),
      ...(options.onPartitionResumed ? { onPartitionResumed: options.onPartitionResumed } : {}),
      ...(options.resetPollMs === undefined ? {} : { resetPollMs: options.resetPollMs }),
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  /**
   * Ready while its consumer is a member of its group and none of its
   * partitions is stopped; the detail names its partitions, or what went
   * wrong (a stopped partition, its reason and the command that fixes it).
   */
  health(): ComponentHealth {
    const h = this.consumer.health();
    return h.ready
      ? { ready: true, detail: `partitions [${h.partitions.join(', ')}]` }
      : { ready: false, ...(h.detail === undefined ? {} : { detail: h.detail }) };
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
