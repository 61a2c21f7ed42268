import type { BenchOptions } from './options.js';
import { DEFAULT_WORKLOAD, scaledWorkload, workloadCounts, type WorkloadSpec } from './order-generator.js';
import type { OptionSpec } from './scenario.js';

/** Options shared by every scenario that publishes the order workload and measures ceilings. */
export const WORKLOAD_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'scale',
    description: 'multiplies the default workload (1,000 accounts, 50,000 one-number orders, 500 × 100-number orders)',
    default: '1',
  },
  { name: 'seed', description: 'seed of the generated numbers, ids and tenants', default: String(DEFAULT_WORKLOAD.seed) },
  { name: 'partitions', description: 'partitions of the order topic', default: '3' },
  { name: 'repeats', description: 'measurements of each figure in this run; figures are their medians', default: '3' },
  {
    name: 'concurrency',
    description: 'partitions consumed concurrently (raw pipe) = connections of the concurrent raw upsert; use the intake’s value',
    default: '3',
  },
  { name: 'upsert-batch', description: 'rows per raw upsert statement (de-duplicated)', default: '1000' },
  { name: 'produce-batch', description: 'messages per producer send', default: '1000' },
  { name: 'produce-in-flight', description: 'producer sends in flight', default: '4' },
  { name: 'step-timeout-s', description: 'bound of each single measurement', default: '600' },
];

export interface WorkloadSettings {
  readonly spec: WorkloadSpec;
  readonly partitions: number;
  readonly repeats: number;
  readonly concurrency: number;
  readonly upsertBatch: number;
  readonly produceBatch: number;
  readonly produceInFlight: number;
  readonly stepTimeoutMs: number;
}

export function readWorkloadSettings(options: BenchOptions): WorkloadSettings {
  return {
    spec: scaledWorkload(options.number('scale', { min: 0.001, max: 100 }), {
      seed: options.integer('seed', { min: 0, max: 2 ** 32 - 1 }),
    }),
    partitions: options.integer('partitions', { min: 1, max: 64 }),
    repeats: options.integer('repeats', { min: 1, max: 15 }),
    concurrency: options.integer('concurrency', { min: 1, max: 64 }),
    upsertBatch: options.integer('upsert-batch', { min: 1, max: 100_000 }),
    produceBatch: options.integer('produce-batch', { min: 1, max: 100_000 }),
    produceInFlight: options.integer('produce-in-flight', { min: 1, max: 64 }),
    stepTimeoutMs: options.number('step-timeout-s', { min: 1, max: 86_400 }) * 1000,
  };
}

export function describeSpec(spec: WorkloadSpec): string {
  const c = workloadCounts(spec);
  return `${c.orders.toLocaleString('en-US')} orders (${c.accountOrders} account upserts, ${c.singleNumberOrders} one-number, ${c.bulkOrders} × ${spec.numbersPerBulkOrder}-number), ${c.numbers.toLocaleString('en-US')} numbers, seed ${spec.seed}`;
}
