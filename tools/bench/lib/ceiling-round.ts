import type { BenchContext } from './context.js';
import type { EndOffsets } from './offsets.js';
import type { NumberRow } from './order-generator.js';
import { measureRawPipe, type RawPipeResult } from './raw-pipe.js';
import { measureRawUpsert, type RawUpsertResult } from './raw-upsert.js';
import { round } from './stats.js';
import type { WorkloadSettings } from './workload-options.js';

function describe(result: RawPipeResult): string {
  const t = result.timing;
  const suspect = t.rebalances + t.restarts > 0 ? `, ${t.rebalances} REBALANCES, ${t.restarts} RESTARTS` : '';
  return `${round(result.recordsPerSec, 0)} msg/s (${round(t.elapsedMs, 0)} ms, ${t.batches} batches, ${t.commits} commits${suspect})`;
}

export interface CeilingInput {
  /** The published order topic (the intake's topic): the raw pipe reads it under its own group. */
  readonly topic: string;
  readonly endOffsets: EndOffsets;
  readonly sourceBytes: number;
  /** The `numbers` rows the intake writes for this workload. */
  readonly rows: readonly NumberRow[];
  /** The run's database; its scratch table must exist (prepareRawUpsertTable). */
  readonly databaseUrl: string;
  readonly settings: WorkloadSettings;
}

export interface CeilingRound {
  readonly pipe: RawPipeResult;
  /** The same group settings without the produce: consume → commit. */
  readonly consume: RawPipeResult;
  readonly upsertSingle: RawUpsertResult;
  readonly upsertConcurrent: RawUpsertResult;
}

/** One measurement of each raw ceiling: the pipe over the topic, the bare consume, then the upsert on 1 and on `concurrency` connections. */
export async function measureCeilingRound(context: BenchContext, input: CeilingInput, label: string): Promise<CeilingRound> {
  const { settings } = input;
  const [target] = await context.createTopics(['pipe-out'], settings.partitions);
  if (target === undefined) throw new Error('no pipe target topic');
  const common = {
    sourceTopic: input.topic,
    endOffsets: input.endOffsets,
    partitionsConsumedConcurrently: settings.concurrency,
    sourceBytes: input.sourceBytes,
    timeoutMs: settings.stepTimeoutMs,
  };
  const pipe = await measureRawPipe(context.kafka, { ...common, targetTopic: target, groupId: context.groupId('raw-pipe') });
  await context.deleteTopics([target]);
  context.log(`${label} raw pipe: ${describe(pipe)}`);
  const consume = await measureRawPipe(context.kafka, { ...common, groupId: context.groupId('raw-consume') });
  context.log(`${label} raw consume: ${describe(consume)}`);
  const upsert = (connections: number): Promise<RawUpsertResult> =>
    measureRawUpsert({ databaseUrl: input.databaseUrl, rows: input.rows, connections, batchSize: settings.upsertBatch });
  const upsertSingle = await upsert(1);
  context.log(
    `${label} raw upsert, 1 connection: ${round(upsertSingle.rowsPerSec, 0)} rows/s (${round(upsertSingle.elapsedMs, 0)} ms, ${upsertSingle.batches} statements)`,
  );
  const upsertConcurrent = await upsert(settings.concurrency);
  context.log(
    `${label} raw upsert, ${settings.concurrency} connections: ${round(upsertConcurrent.rowsPerSec, 0)} rows/s (${round(upsertConcurrent.elapsedMs, 0)} ms)`,
  );
  return { pipe, consume, upsertSingle, upsertConcurrent };
}
