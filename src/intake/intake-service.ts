import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { OrderValidator } from '../core/order/index.js';
import { TransactionalBatchConsumer, type ConsumedRecord } from '../kafka/transactional-batch-consumer.js';
import type { Logger } from '../logging/logger.js';
import type { WorkerService } from '../worker/worker.js';
import { IntakeProcessor } from './intake-processor.js';
import type { IntakeCounts, IntakeWriteSettings } from './write-intake.js';

export interface IntakeServiceOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly validator: OrderValidator;
  readonly ordersTopic: string;
  readonly groupId: string;
  readonly settings: IntakeWriteSettings;
  readonly chunkSize: number;
  /** Record bytes per transaction, at most (INTAKE_CHUNK_BYTES). */
  readonly chunkBytes?: number;
  readonly partitionsConsumedConcurrently: number;
  readonly fromBeginning?: boolean;
  /** After each chunk is applied, inside its still open transaction; durationMs: time spent applying it. */
  readonly onChunk?: (counts: IntakeCounts, durationMs: number) => void;
  /** Fault injection for crash tests. */
  readonly afterDatabaseCommit?: (records: readonly ConsumedRecord[]) => Promise<void> | void;
}

/** The order intake: validates and persists orders; slow flow-through work happens elsewhere. */
export class IntakeService implements WorkerService {
  readonly name = 'intake';
  readonly consumer: TransactionalBatchConsumer;

  constructor(options: IntakeServiceOptions) {
    const processor = new IntakeProcessor({ validator: options.validator, settings: options.settings, logger: options.logger.child({ component: 'intake' }) });
    this.consumer = new TransactionalBatchConsumer({
      kafka: options.kafka,
      pool: options.pool,
      logger: options.logger.child({ component: 'intake' }),
      groupId: options.groupId,
      topic: options.ordersTopic,
      chunkSize: options.chunkSize,
      ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently,
      fromBeginning: options.fromBeginning ?? true,
      apply: async (client, records) => {
        const started = performance.now();
        const counts = await processor.apply(client, records);
        options.onChunk?.(counts, performance.now() - started);
      },
      ...(options.afterDatabaseCommit ? { afterDatabaseCommit: options.afterDatabaseCommit } : {}),
    });
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
}
