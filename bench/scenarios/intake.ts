import { createOrderValidator } from '../../src/contracts/order-validator.js';
import { createPool } from '../../src/db/pool.js';
import { IntakeService } from '../../src/intake/intake-service.js';
import { OutboxRelay } from '../../src/outbox/outbox-relay.js';
import { runIntakeComparison, type IntakeUnderTest } from '../lib/intake-comparison.js';
import type { Scenario } from '../lib/scenario.js';
import { readWorkloadSettings, WORKLOAD_OPTIONS } from '../lib/workload-options.js';

/**
 * The worker's real intake as it runs in production: IntakeService (parse,
 * validate, plan, one transaction per chunk, offsets after commit) and the
 * outbox relay publishing its status events at the same time.
 */
let WITH_RELAY = false;

const workerIntake: IntakeUnderTest = {
  name: 'intake',
  async create({ kafka, config, logger, topic, groupId, partitionsConsumedConcurrently }) {
    // One connection per partition in flight, plus the relay's listener and its publisher.
    const pool = createPool({ url: config.database.url, max: partitionsConsumedConcurrently + 2, logger });
    const relay = new OutboxRelay({ kafka, pool, logger, batchSize: config.outbox.batchSize, pollIntervalMs: config.outbox.pollIntervalMs, retentionHours: config.outbox.retentionHours, statusSource: config.intake.statusSource });
    const intake = new IntakeService({
      kafka,
      pool,
      logger,
      validator: createOrderValidator(),
      ordersTopic: topic,
      groupId,
      chunkSize: config.intake.chunkSize,
      partitionsConsumedConcurrently,
      settings: { statusTopic: config.topics.status, deadLetterTopic: config.topics.deadLetter, consumerGroup: groupId, statusSource: config.intake.statusSource },
    });
    return {
      consumer: intake.consumer.kafkaConsumer,
      start: async () => {
        if (WITH_RELAY) await relay.start();
        await intake.start();
      },
      stop: async () => {
        await intake.stop();
        if (WITH_RELAY) await relay.stop();
        await pool.end();
      },
    };
  },
};

/** The figures the contract names, from the comparison's own. */
function contractFigures(f: Record<string, number | string>): Record<string, number | string> {
  return {
    scenario: 'intake',
    orders_per_s: f.intakeOrdersPerSec ?? Number.NaN,
    numbers_per_s: f.intakeNumbersPerSec ?? Number.NaN,
    raw_pipe_msgs_per_s: f.rawPipeMsgsPerSec ?? Number.NaN,
    raw_upsert_rows_per_s: f.rawUpsertRowsPerSecConcurrent ?? Number.NaN,
    ratio_to_pipe: f.intakeVsRawPipe ?? Number.NaN,
    ratio_to_upsert: f.intakeNumbersVsRawUpsert ?? Number.NaN,
    rss_mb_peak: f.intakeRssPeakMb ?? Number.NaN,
  };
}

export const intake: Scenario = {
  name: 'intake',
  description: 'the worker intake (with its outbox relay) against a bare kafkajs consume→produce pipe and a bare unnest upsert, same messages, same run',
  options: WORKLOAD_OPTIONS,
  run: async (context, options) => {
    const figures = await runIntakeComparison(context, readWorkloadSettings(options), workerIntake);
    return { ...contractFigures(figures), ...figures };
  },
};
