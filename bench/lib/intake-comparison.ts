import type { Consumer, Kafka } from 'kafkajs';
import type { Config } from '../../src/config/load-config.js';
import type { Logger } from '../../src/logging/logger.js';
import { measureCeilingRound, type CeilingRound } from './ceiling-round.js';
import type { BenchContext } from './context.js';
import { workloadNumberRows } from './order-generator.js';
import { publishWorkload } from './producer.js';
import { prepareRawUpsertTable } from './raw-upsert.js';
import { startRssSampler, type RssSummary } from './rss-sampler.js';
import type { Figures } from './scenario.js';
import type { BenchDatabase } from './services.js';
import { BYTES_PER_MB, median, perSecond, ratio, relativeSpread, round, runsFigure } from './stats.js';
import { timeIntake, type IntakeTiming } from './time-intake.js';
import { assertWorkloadAccepted } from './workload-check.js';
import { describeSpec, type WorkloadSettings } from './workload-options.js';

/** Everything an intake under test needs to start on this run's services. */
export interface IntakeRunArgs {
  /** kafkajs client from the worker's createKafka(), on this run's broker. */
  readonly kafka: Kafka;
  /** The worker Config: DATABASE_URL (this run's database), ORDERS_TOPIC, DEAD_LETTER_TOPIC, STATUS_TOPIC, KAFKA_GROUP_ID set. */
  readonly config: Config;
  readonly logger: Logger;
  readonly database: BenchDatabase;
  readonly topic: string;
  readonly groupId: string;
  /** Use it for kafkajs partitionsConsumedConcurrently (and size the pool to it): the ceilings use the same. */
  readonly partitionsConsumedConcurrently: number;
}

export interface IntakeInstance {
  /** The kafkajs consumer, BEFORE run(): the timer attaches to its instrumentation events. */
  readonly consumer: Consumer;
  /** Connects, subscribes (from the beginning) and runs; resolves once the consumer runs. */
  start(): Promise<void>;
  /** Stops consuming and closes everything the instance opened (pools included). */
  stop(): Promise<void>;
}

export interface IntakeUnderTest {
  /** camelCase prefix of its figures: "intake" gives intakeOrdersPerSec, intakeVsRawPipe, … */
  readonly name: string;
  create(args: IntakeRunArgs): Promise<IntakeInstance>;
}

interface IntakeMeasurement {
  readonly timing: IntakeTiming;
  readonly memory: RssSummary;
  readonly numbersStored: number;
  readonly deadLetters: number;
}

/** Rows of one of the intake's tables; NaN when the schema has no such table (yet). */
async function countRows(database: BenchDatabase, table: 'numbers' | 'dead_letters'): Promise<number> {
  const { rows: found } = await database.pool.query<{ name: string | null }>('SELECT to_regclass($1)::text AS name', [table]);
  if (!found[0]?.name) return Number.NaN;
  const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? Number.NaN;
}

async function measureIntakeOnce(context: BenchContext, intake: IntakeUnderTest, run: Omit<IntakeRunArgs, 'config' | 'groupId'> & { endOffsets: ReadonlyMap<number, string>; timeoutMs: number; topics: { deadLetter: string; status: string } }): Promise<IntakeMeasurement> {
  const groupId = context.groupId(intake.name);
  const config = context.config({
    DATABASE_URL: run.database.url,
    ORDERS_TOPIC: run.topic,
    DEAD_LETTER_TOPIC: run.topics.deadLetter,
    STATUS_TOPIC: run.topics.status,
    KAFKA_GROUP_ID: groupId,
  });
  const instance = await intake.create({ ...run, config, groupId });
  const timer = timeIntake(instance.consumer, { topic: run.topic, endOffsets: run.endOffsets, timeoutMs: run.timeoutMs });
  const rss = startRssSampler();
  try {
    await instance.start();
    const timing = await timer.done;
    const memory = rss.stop();
    return { timing, memory, numbersStored: await countRows(run.database, 'numbers'), deadLetters: await countRows(run.database, 'dead_letters') };
  } finally {
    rss.stop();
    timer.cancel(new Error(`${intake.name} stopped before the end of the topic`));
    await instance.stop();
  }
}

/**
 * The intake benchmark: publishes the workload once, then per repeat measures
 * the intake under test (fresh tables, fresh group), the raw pipe and raw
 * consume over the same topic and the raw upsert of the same rows, so every
 * ratio compares figures taken seconds apart on the same machine. Returns
 * medians and per-repeat ratios' medians.
 */
export async function runIntakeComparison(context: BenchContext, settings: WorkloadSettings, intake: IntakeUnderTest): Promise<Figures> {
  const { spec, repeats } = settings;
  assertWorkloadAccepted(spec);
  context.log(`workload: ${describeSpec(spec)}; ${settings.partitions} partitions, ${repeats} repeats, intake under test: ${intake.name}`);
  const database = await context.createDatabase();
  await prepareRawUpsertTable(database.pool);
  const [topic, deadLetter, status] = await context.createTopics(['orders', 'orders-dlt', 'status'], settings.partitions);
  if (topic === undefined || deadLetter === undefined || status === undefined) throw new Error('topics were not created');
  const publication = await publishWorkload(context.kafka, topic, spec, { batchSize: settings.produceBatch, inFlight: settings.produceInFlight });
  context.log(`published ${publication.records} records to ${topic}: ${round(publication.recordsPerSec, 0)} msg/s including generation`);

  const rounds: CeilingRound[] = [];
  const intakes: IntakeMeasurement[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const label = `[${i + 1}/${repeats}]`;
    // The intake first: in the first repeat it then starts from the harness' smallest footprint
    // (the workload was published lazily), which makes that repeat's RSS the cleanest figure.
    await database.reset();
    const measured = await measureIntakeOnce(context, intake, {
      kafka: context.kafka,
      logger: context.logger,
      database,
      topic,
      topics: { deadLetter, status },
      endOffsets: publication.endOffsets,
      partitionsConsumedConcurrently: settings.concurrency,
      timeoutMs: settings.stepTimeoutMs,
    });
    intakes.push(measured);
    const t = measured.timing;
    context.log(
      `${label} ${intake.name}: ${round(perSecond(publication.counts.orders, t.elapsedMs), 0)} orders/s, ${round(perSecond(publication.counts.numbers, t.elapsedMs), 0)} numbers/s (${round(t.elapsedMs, 0)} ms, ${t.batches} batches, ${t.commits} commits, rss peak ${round(measured.memory.peakMb, 0)} MB from ${round(measured.memory.startMb, 0)} MB${t.rebalances + t.restarts > 0 ? `, ${t.rebalances} REBALANCES ${t.restarts} RESTARTS` : ''})`,
    );
    if (measured.numbersStored !== publication.counts.numbers) {
      context.log(`${label} WARNING: ${intake.name} stored ${measured.numbersStored} numbers, the workload has ${publication.counts.numbers}`);
    }
    rounds.push(
      await measureCeilingRound(
        context,
        { topic, endOffsets: publication.endOffsets, sourceBytes: publication.bytes, rows: [...workloadNumberRows(spec)], databaseUrl: database.url, settings },
        label,
      ),
    );
  }

  const p = intake.name;
  const orderRates = intakes.map((m) => perSecond(publication.counts.orders, m.timing.elapsedMs));
  const numberRates = intakes.map((m) => perSecond(publication.counts.numbers, m.timing.elapsedMs));
  const pipeRates = rounds.map((r) => r.pipe.recordsPerSec);
  const consumeRates = rounds.map((r) => r.consume.recordsPerSec);
  const upsertSingle = rounds.map((r) => r.upsertSingle.rowsPerSec);
  const upsertConcurrent = rounds.map((r) => r.upsertConcurrent.rowsPerSec);
  const first = intakes[0];
  const last = intakes.at(-1);
  return {
    workloadOrders: publication.counts.orders,
    workloadNumbers: publication.counts.numbers,
    workloadMB: round(publication.bytes / BYTES_PER_MB, 1),
    partitions: settings.partitions,
    concurrency: settings.concurrency,
    repeats,
    publishMsgsPerSec: round(publication.recordsPerSec, 0),
    rawPipeMsgsPerSec: round(median(pipeRates), 0),
    rawPipeMsgsPerSecRuns: runsFigure(pipeRates),
    rawConsumeMsgsPerSec: round(median(consumeRates), 0),
    rawUpsertRowsPerSec1Conn: round(median(upsertSingle), 0),
    rawUpsertRowsPerSecConcurrent: round(median(upsertConcurrent), 0),
    rawUpsertRowsPerSecConcurrentRuns: runsFigure(upsertConcurrent),
    [`${p}OrdersPerSec`]: round(median(orderRates), 0),
    [`${p}OrdersPerSecRuns`]: runsFigure(orderRates),
    [`${p}NumbersPerSec`]: round(median(numberRates), 0),
    [`${p}Spread`]: round(relativeSpread(orderRates), 3),
    // Per-repeat ratios, then their median: each pair was measured back to back.
    [`${p}VsRawPipe`]: round(median(intakes.map((_, i) => ratio(orderRates[i] ?? Number.NaN, pipeRates[i] ?? Number.NaN))), 3),
    [`${p}VsRawConsume`]: round(median(intakes.map((_, i) => ratio(orderRates[i] ?? Number.NaN, consumeRates[i] ?? Number.NaN))), 3),
    [`${p}NumbersVsRawUpsert`]: round(median(intakes.map((_, i) => ratio(numberRates[i] ?? Number.NaN, upsertConcurrent[i] ?? Number.NaN))), 3),
    [`${p}RssPeakMb`]: round(first?.memory.peakMb ?? Number.NaN, 0),
    [`${p}RssStartMb`]: round(first?.memory.startMb ?? Number.NaN, 0),
    [`${p}RssGrowthMb`]: round(median(intakes.map((m) => m.memory.peakMb - m.memory.startMb)), 0),
    [`${p}Rebalances`]: intakes.reduce((sum, m) => sum + m.timing.rebalances + m.timing.restarts, 0),
    [`${p}NumbersStored`]: last?.numbersStored ?? Number.NaN,
    [`${p}DeadLetters`]: last?.deadLetters ?? Number.NaN,
  };
}
