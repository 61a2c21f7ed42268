import type { Consumer, Kafka } from 'kafkajs';
import type { Config } from '../../../src/platform/config/load-config.js';
import type { Logger } from '../../../src/platform/logging/logger.js';
import { measureCeilingRound, type CeilingRound } from './ceiling-round.js';
import type { BenchContext } from './context.js';
import { runIntakeProcess, type IntakeLocation, type IntakeProcessResult, type PhaseReport } from './intake-process.js';
import { phaseNumberCount, phaseNumberRows, workloadCounts, WORKLOAD_PHASES, type WorkloadPhase } from './order-generator.js';
import { publishPhases, type PhasePublication } from './producer.js';
import { prepareRawUpsertTable } from './raw-upsert.js';
import type { Figures } from './scenario.js';
import type { BenchDatabase } from './services.js';
import { BYTES_PER_MB, median, perSecond, ratio, relativeSpread, round, runsFigure } from './stats.js';
import { workerNodeOptions } from './worker-node-options.js';
import { assertWorkloadAccepted } from './workload-check.js';
import { describeSpec, type WorkloadSettings } from './workload-options.js';

/** Everything an intake under test needs to start on this run's services (in the intake's own process). */
export interface IntakeRunArgs {
  /** kafkajs client from the worker's createKafka(), on this run's broker. */
  readonly kafka: Kafka;
  /** The worker Config: DATABASE_URL (this run's database), ORDERS_TOPIC, DEAD_LETTER_TOPIC, STATUS_TOPIC, KAFKA_GROUP_ID set. */
  readonly config: Config;
  readonly logger: Logger;
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
  /** This object's module (import.meta.url) and export name: the intake's process imports it from there. */
  readonly location: IntakeLocation;
  /** Extra worker environment for this intake (e.g. the benchmark's --relay choice). */
  readonly env?: Readonly<Record<string, string>>;
  create(args: IntakeRunArgs): Promise<IntakeInstance>;
}

interface RepeatResult extends CeilingRound {
  readonly intake: IntakeProcessResult;
  readonly numbersStored: number;
  readonly deadLetters: number;
}

async function countRows(database: BenchDatabase, table: 'numbers' | 'dead_letters'): Promise<number> {
  const { rows } = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return rows[0]?.n ?? Number.NaN;
}

function phaseReport(result: IntakeProcessResult, phase: WorkloadPhase): PhaseReport {
  const report = result.phases.find((p) => p.phase === phase);
  if (!report) throw new Error(`the intake process reported no ${phase} phase`);
  return report;
}

/**
 * The intake benchmark. Each phase of the workload is published to its own
 * topic. Per repeat, on emptied tables, the intake runs in a process of its
 * own (with the production worker's Node options) through the accounts, the
 * single-number orders and the bulk orders, each timed from its first fetch
 * to the commit that reaches the end of its topic. Then, seconds later on the
 * same machine: the raw pipe and the raw consume over the single-number
 * topic, and the raw upsert of the bulk phase's rows. Ratios are taken per
 * repeat, then their median.
 */
export async function runIntakeComparison(context: BenchContext, settings: WorkloadSettings, intake: IntakeUnderTest): Promise<Figures> {
  const { spec, repeats } = settings;
  assertWorkloadAccepted(spec);
  const nodeOptions = workerNodeOptions();
  context.log(
    `workload: ${describeSpec(spec)}; ${settings.partitions} partitions, ${repeats} repeats, intake under test: ${intake.name} in its own process (node ${nodeOptions.join(' ')})`,
  );
  const database = await context.createDatabase();
  await prepareRawUpsertTable(database.pool);
  const [accountsTopic, singleTopic, bulkTopic, deadLetter, status] = await context.createTopics(
    ['orders-accounts', 'orders-single', 'orders-bulk', 'orders-dlt', 'status'],
    settings.partitions,
  );
  if (!accountsTopic || !singleTopic || !bulkTopic || !deadLetter || !status) throw new Error('topics were not created');
  const topics: Record<WorkloadPhase, string> = { accounts: accountsTopic, 'single-number': singleTopic, bulk: bulkTopic };
  const published = await publishPhases(context.kafka, topics, spec, {
    batchSize: settings.produceBatch,
    inFlight: settings.produceInFlight,
  });
  const publication = (phase: WorkloadPhase): PhasePublication => published.find((p) => p.phase === phase) as PhasePublication;
  for (const p of published)
    context.log(`published ${p.records} ${p.phase} records to ${p.topic}: ${round(p.recordsPerSec, 0)} msg/s including generation`);
  const single = publication('single-number');
  const bulkRows = [...phaseNumberRows(spec, 'bulk')];

  const results: RepeatResult[] = [];
  for (let i = 0; i < repeats; i += 1) {
    const label = `[${i + 1}/${repeats}]`;
    await database.reset();
    const result = await runIntakeProcess({
      intake: intake.location,
      env: context.configEnv({ DATABASE_URL: database.url, DEAD_LETTER_TOPIC: deadLetter, STATUS_TOPIC: status, ...intake.env }),
      phases: WORKLOAD_PHASES.map((phase) => ({
        name: phase,
        topic: topics[phase],
        groupId: context.groupId(`${intake.name}-${phase}`),
        endOffsets: publication(phase).endOffsets,
      })),
      concurrency: settings.concurrency,
      timeoutMs: settings.stepTimeoutMs,
      nodeOptions,
    });
    for (const r of result.phases) {
      const p = publication(r.phase as WorkloadPhase);
      const numbers = phaseNumberCount(spec, r.phase as WorkloadPhase);
      const t = r.timing;
      context.log(
        `${label} ${intake.name} ${r.phase}: ${round(perSecond(p.records, t.elapsedMs), 0)} orders/s, ${round(perSecond(numbers, t.elapsedMs), 0)} numbers/s (${round(t.elapsedMs, 0)} ms, ${t.batches} batches, ${t.commits} commits, process CPU ${round(r.cpuMs, 0)} ms, peak RSS ${round(r.vmHwmMb, 0)} MB${t.rebalances + t.restarts > 0 ? `, ${t.rebalances} REBALANCES ${t.restarts} RESTARTS` : ''})`,
      );
    }
    const numbersStored = await countRows(database, 'numbers');
    const deadLetters = await countRows(database, 'dead_letters');
    if (numbersStored !== workloadCounts(spec).numbers || deadLetters !== 0) {
      context.log(`${label} WARNING: ${intake.name} stored ${numbersStored} numbers and ${deadLetters} dead letters`);
    }
    // Seconds later, same machine: the pipe and the consume over the same single-number records, the upsert of the bulk rows.
    const ceilings = await measureCeilingRound(
      context,
      { topic: singleTopic, endOffsets: single.endOffsets, sourceBytes: single.bytes, rows: bulkRows, databaseUrl: database.url, settings },
      label,
    );
    results.push({ ...ceilings, intake: result, numbersStored, deadLetters });
  }

  const p = intake.name;
  const elapsed = (r: RepeatResult, phase: WorkloadPhase): number => phaseReport(r.intake, phase).timing.elapsedMs;
  const singleRates = results.map((r) => perSecond(spec.singleNumberOrders, elapsed(r, 'single-number')));
  const bulkNumberRates = results.map((r) => perSecond(phaseNumberCount(spec, 'bulk'), elapsed(r, 'bulk')));
  const bulkOrderRates = results.map((r) => perSecond(spec.bulkOrders, elapsed(r, 'bulk')));
  const totalOrders = published.reduce((n, x) => n + x.records, 0);
  const wholeRates = results.map((r) =>
    perSecond(
      totalOrders,
      WORKLOAD_PHASES.reduce((ms, phase) => ms + elapsed(r, phase), 0),
    ),
  );
  const pipeRates = results.map((r) => r.pipe.recordsPerSec);
  const consumeRates = results.map((r) => r.consume.recordsPerSec);
  const upsertConcurrent = results.map((r) => r.upsertConcurrent.rowsPerSec);
  const rss = results.map((r) => r.intake.vmHwmMb);
  const last = results.at(-1);
  return {
    workloadOrders: totalOrders,
    workloadNumbers: workloadCounts(spec).numbers,
    workloadMB: round(published.reduce((n, x) => n + x.bytes, 0) / BYTES_PER_MB, 1),
    partitions: settings.partitions,
    concurrency: settings.concurrency,
    repeats,
    intakeNodeOptions: nodeOptions.join(' '),
    publishMsgsPerSec: round(
      perSecond(
        totalOrders,
        published.reduce((ms, x) => ms + x.elapsedMs, 0),
      ),
      0,
    ),
    rawPipeMsgsPerSec: round(median(pipeRates), 0),
    rawPipeMsgsPerSecRuns: runsFigure(pipeRates),
    rawConsumeMsgsPerSec: round(median(consumeRates), 0),
    rawUpsertRowsPerSec1Conn: round(median(results.map((r) => r.upsertSingle.rowsPerSec)), 0),
    rawUpsertRowsPerSecConcurrent: round(median(upsertConcurrent), 0),
    rawUpsertRowsPerSecConcurrentRuns: runsFigure(upsertConcurrent),
    [`${p}OrdersPerSec`]: round(median(singleRates), 0),
    [`${p}OrdersPerSecRuns`]: runsFigure(singleRates),
    [`${p}Spread`]: round(relativeSpread(singleRates), 3),
    [`${p}BulkNumbersPerSec`]: round(median(bulkNumberRates), 0),
    [`${p}BulkNumbersPerSecRuns`]: runsFigure(bulkNumberRates),
    [`${p}BulkOrdersPerSec`]: round(median(bulkOrderRates), 0),
    [`${p}WholeWorkloadOrdersPerSec`]: round(median(wholeRates), 0),
    [`${p}AccountsMs`]: round(median(results.map((r) => elapsed(r, 'accounts'))), 0),
    // Per-repeat ratios, then their median: each pair was measured seconds apart.
    [`${p}VsRawPipe`]: round(median(results.map((_, i) => ratio(singleRates[i] ?? Number.NaN, pipeRates[i] ?? Number.NaN))), 3),
    [`${p}VsRawPipeRuns`]: runsFigure(
      results.map((_, i) => ratio(singleRates[i] ?? Number.NaN, pipeRates[i] ?? Number.NaN)),
      3,
    ),
    [`${p}VsRawConsume`]: round(median(results.map((_, i) => ratio(singleRates[i] ?? Number.NaN, consumeRates[i] ?? Number.NaN))), 3),
    [`${p}BulkVsRawUpsert`]: round(
      median(results.map((_, i) => ratio(bulkNumberRates[i] ?? Number.NaN, upsertConcurrent[i] ?? Number.NaN))),
      3,
    ),
    [`${p}BulkVsRawUpsertRuns`]: runsFigure(
      results.map((_, i) => ratio(bulkNumberRates[i] ?? Number.NaN, upsertConcurrent[i] ?? Number.NaN)),
      3,
    ),
    [`${p}RssPeakMb`]: round(median(rss), 0),
    [`${p}RssPeakMbRuns`]: runsFigure(rss),
    [`${p}SingleCpuMsPerOrder`]: round(
      median(results.map((r) => phaseReport(r.intake, 'single-number').cpuMs / spec.singleNumberOrders)),
      4,
    ),
    [`${p}Rebalances`]: results.reduce(
      (sum, r) => sum + r.intake.phases.reduce((n, x) => n + x.timing.rebalances + x.timing.restarts, 0),
      0,
    ),
    [`${p}NumbersStored`]: last?.numbersStored ?? Number.NaN,
    [`${p}DeadLetters`]: last?.deadLetters ?? Number.NaN,
  };
}
