/**
 * What a benchmark scenario needs, in one import:
 *
 *   import { runIntakeComparison, readWorkloadSettings, WORKLOAD_OPTIONS, type IntakeUnderTest, type Scenario } from './index.js';
 *
 * The intake scenario is a Scenario whose run() calls runIntakeComparison()
 * with an IntakeUnderTest that builds the real intake consumer (see
 * bare-intake.ts for a working one). The pieces are exported for scenarios
 * that compose their own measurements.
 */

// Scenario plumbing
export type { Figures, OptionSpec, Scenario } from './scenario.js';
export type { BenchContext } from './context.js';
export { BenchOptions } from './options.js';
export { WORKLOAD_OPTIONS, readWorkloadSettings, describeSpec, type WorkloadSettings } from './workload-options.js';

// Services and run-scoped resources
export {
  startBenchServices,
  createBenchDatabase,
  createTopics,
  deleteTopics,
  randomName,
  randomTopicName,
  databaseUrlFor,
} from './services.js';
export type { BenchServices, BenchDatabase, Log } from './services.js';

// Workload: orders exactly as the BSS publishes them
export {
  DEFAULT_WORKLOAD,
  WORKLOAD_PHASES,
  scaledWorkload,
  workloadCounts,
  workloadRecords,
  phaseRecords,
  workloadNumberRows,
  orderRecord,
  recordBytes,
} from './order-generator.js';
export type { BenchRecord, NumberRow, WireOrder, WorkloadCounts, WorkloadPhase, WorkloadSpec } from './order-generator.js';
export { assertWorkloadAccepted } from './workload-check.js';
export { numberPlan, US_425, UK_207, type NumberRange } from './number-plan.js';

// Publishing
export { publishWorkload, publishRecords, benchProducer, chunkByBytes, DEFAULT_PUBLISH, MAX_SEND_BYTES } from './producer.js';
export type { ProduceResult, PublishOptions, WorkloadPublication } from './producer.js';
export { topicExtent, describeOffsets, type EndOffsets, type TopicExtent } from './offsets.js';

// Raw ceilings
export { measureRawPipe, type RawPipeOptions, type RawPipeResult } from './raw-pipe.js';
export { measureRawUpsert, prepareRawUpsertTable, planUpsertBatches, upsertStatement, RAW_UPSERT_TABLE } from './raw-upsert.js';
export type { RawUpsertOptions, RawUpsertResult, UpsertColumns } from './raw-upsert.js';
export { measureCeilingRound, type CeilingInput, type CeilingRound } from './ceiling-round.js';

// Timing the intake, memory, statistics
export { timeIntake, type IntakeTimer, type IntakeTiming, type TimeIntakeOptions } from './time-intake.js';
export { runIntakeComparison, type IntakeInstance, type IntakeRunArgs, type IntakeUnderTest } from './intake-comparison.js';
export { bareIntakeUnderTest, numberRowsOf } from './bare-intake.js';
export { startRssSampler, type RssSampler, type RssSummary } from './rss-sampler.js';
export { median, mean, min, max, relativeSpread, perSecond, ratio, round, runsFigure, BYTES_PER_MB } from './stats.js';
