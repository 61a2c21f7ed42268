import { createPool } from '../../../src/platform/db/pool.js';
import { createIntake } from '../../../src/intake/index.js';
import { createOutboxRelay } from '../../../src/outbox/index.js';
import { runIntakeComparison, type IntakeRunArgs, type IntakeUnderTest } from '../lib/intake-comparison.js';
import type { Scenario } from '../lib/scenario.js';
import { readWorkloadSettings, WORKLOAD_OPTIONS } from '../lib/workload-options.js';

/**
 * The worker's real intake as it runs in production: IntakeService (parse,
 * validate, plan, one transaction per chunk, offsets after commit), built by
 * the same factory as src/app/worker/services.ts uses, from the run's Config
 * (its topic, group and partitions in flight the run's own); with `--relay on`
 * the outbox relay publishes the status events in the same process at the
 * same time.
 */
function workerIntakeUnderTest(withRelay: boolean, exportName: string): IntakeUnderTest {
  return {
    name: 'intake',
    location: { module: import.meta.url, exportName },
    async create({ kafka, config, logger, topic, groupId, partitionsConsumedConcurrently }: IntakeRunArgs) {
      // One connection per partition in flight, plus the relay's listener and its publisher.
      const pool = createPool({ url: config.database.url, max: partitionsConsumedConcurrently + 2, logger });
      const relay = createOutboxRelay(config, { kafka, pool, logger });
      const intake = createIntake(
        {
          kafka: { ...config.kafka, groupId },
          topics: { ...config.topics, orders: topic },
          intake: { ...config.intake, partitionsConcurrently: partitionsConsumedConcurrently },
          outbox: config.outbox,
        },
        { kafka, pool, logger },
      );
      return {
        consumer: intake.consumer.kafkaConsumer,
        start: async () => {
          if (withRelay) await relay.start();
          await intake.start();
        },
        stop: async () => {
          await intake.stop();
          if (withRelay) await relay.stop();
          await pool.end();
        },
      };
    },
  };
}

export const workerIntake = workerIntakeUnderTest(false, 'workerIntake');
export const workerIntakeWithRelay = workerIntakeUnderTest(true, 'workerIntakeWithRelay');

/** The figures the contract names, from the comparison's own. */
function contractFigures(f: Record<string, number | string>): Record<string, number | string> {
  return {
    scenario: 'intake',
    orders_per_s: f.intakeOrdersPerSec ?? Number.NaN,
    numbers_per_s: f.intakeBulkNumbersPerSec ?? Number.NaN,
    raw_pipe_msgs_per_s: f.rawPipeMsgsPerSec ?? Number.NaN,
    raw_upsert_rows_per_s: f.rawUpsertRowsPerSecConcurrent ?? Number.NaN,
    ratio_to_pipe: f.intakeVsRawPipe ?? Number.NaN,
    ratio_to_upsert: f.intakeBulkVsRawUpsert ?? Number.NaN,
    rss_mb_peak: f.intakeRssPeakMb ?? Number.NaN,
  };
}

export const intake: Scenario = {
  name: 'intake',
  description:
    'the worker intake, in its own process, per phase: single-number orders/s against a bare kafkajs consume→produce pipe over the same records, bulk numbers/s against a bare unnest upsert of the same rows; peak RSS of the intake process',
  options: [
    ...WORKLOAD_OPTIONS,
    {
      name: 'relay',
      description:
        'on: the outbox relay publishes status events in the intake process while it is timed (as the worker does); off: the intake alone',
      default: 'off',
    },
  ],
  run: async (context, options) => {
    const relay = options.choice('relay', ['on', 'off']);
    const figures = await runIntakeComparison(
      context,
      readWorkloadSettings(options),
      relay === 'on' ? workerIntakeWithRelay : workerIntake,
    );
    return { ...contractFigures(figures), relay, ...figures };
  },
};
