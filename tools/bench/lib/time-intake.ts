import type { Consumer } from 'kafkajs';
import { describeOffsets, type EndOffsets } from './offsets.js';

/**
 * Times a consumer group through a topic that is already published, from
 * kafkajs' own instrumentation events, with no polling: the clock starts at
 * the consumer's first fetch (FETCH_START, after it joined the group) and
 * stops at the offset commit (COMMIT_OFFSETS) that brings the last partition
 * to its end offset. Attach it BEFORE `consumer.run()` so the first fetch is seen.
 */
export interface IntakeTiming {
  /** First fetch → the commit that reached the end of every partition. */
  readonly elapsedMs: number;
  /** First batch handed to the handler → that commit (leaves out the first fetch's wait). */
  readonly firstBatchToLastCommitMs: number;
  readonly commits: number;
  /** Batches of this topic handed to the handler. */
  readonly batches: number;
  /** Records in those batches (more than the topic holds if some were redelivered). */
  readonly batchRecords: number;
  /** Group rebalances seen while timing: a run with any is suspect. */
  readonly rebalances: number;
  /** Crashes kafkajs recovered from by restarting the consumer: a run with any is suspect. */
  readonly restarts: number;
}

export interface IntakeTimer {
  /** Resolves when the group's committed offsets reach every partition's end. */
  readonly done: Promise<IntakeTiming>;
  /** Stops timing: `done` rejects with `reason` (no-op once settled). */
  cancel(reason: Error): void;
}

export interface TimeIntakeOptions {
  readonly topic: string;
  /** From topicExtent() after publishing: partition → high watermark. */
  readonly endOffsets: EndOffsets;
  /** Upper bound; `done` rejects with where each partition stood. Default 10 minutes. */
  readonly timeoutMs?: number;
}

export function timeIntake(consumer: Consumer, options: TimeIntakeOptions): IntakeTimer {
  const { topic, endOffsets } = options;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const targets = new Map<number, bigint>();
  for (const [partition, offset] of endOffsets) if (BigInt(offset) > 0n) targets.set(partition, BigInt(offset));
  if (targets.size === 0)
    throw new Error(`timeIntake: topic ${topic} has no records to consume (end offsets ${describeOffsets(endOffsets)})`);

  const committed = new Map<number, bigint>();
  let firstFetchAt: number | undefined;
  let firstBatchAt: number | undefined;
  let commits = 0;
  let batches = 0;
  let batchRecords = 0;
  let rebalances = 0;
  let restarts = 0;
  let settled = false;
  let timer: NodeJS.Timeout | undefined;
  let resolveDone: (timing: IntakeTiming) => void = () => undefined;
  let rejectDone: (error: Error) => void = () => undefined;
  const done = new Promise<IntakeTiming>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  // A timer nobody awaits any more (its caller failed first) must not become an unhandled rejection.
  done.catch(() => undefined);

  const removers: Array<() => void> = [];
  const finish = (outcome: { timing: IntakeTiming } | { error: Error }): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    for (const remove of removers) remove();
    if ('timing' in outcome) resolveDone(outcome.timing);
    else rejectDone(outcome.error);
  };
  const progress = (): string =>
    [...targets.entries()].map(([p, end]) => `${p}:${committed.get(p)?.toString() ?? '-'}/${end.toString()}`).join(' ');

  const { FETCH_START, START_BATCH_PROCESS, COMMIT_OFFSETS, REBALANCING, CRASH } = consumer.events;
  removers.push(
    consumer.on(FETCH_START, () => {
      firstFetchAt ??= performance.now();
    }),
    consumer.on(START_BATCH_PROCESS, ({ payload }) => {
      if (payload.topic !== topic) return;
      firstBatchAt ??= performance.now();
      batches += 1;
      batchRecords += payload.batchSize;
    }),
    consumer.on(REBALANCING, () => {
      rebalances += 1;
    }),
    consumer.on(CRASH, ({ payload }) => {
      if (payload.restart) restarts += 1;
      else finish({ error: new Error(`the consumer crashed while being timed: ${payload.error.message}`, { cause: payload.error }) });
    }),
    consumer.on(COMMIT_OFFSETS, ({ payload }) => {
      const at = performance.now();
      commits += 1;
      for (const t of payload.topics) {
        if (t.topic !== topic) continue;
        for (const { partition, offset } of t.partitions) {
          const value = BigInt(offset);
          if (value > (committed.get(partition) ?? -1n)) committed.set(partition, value);
        }
      }
      for (const [partition, end] of targets) if ((committed.get(partition) ?? -1n) < end) return;
      const start = firstFetchAt ?? at;
      finish({
        timing: {
          elapsedMs: at - start,
          firstBatchToLastCommitMs: at - (firstBatchAt ?? start),
          commits,
          batches,
          batchRecords,
          rebalances,
          restarts,
        },
      });
    }),
  );
  timer = setTimeout(() => {
    finish({
      error: new Error(
        `timeIntake: the group did not commit to the end of ${topic} within ${timeoutMs} ms (committed/end per partition: ${progress()})`,
      ),
    });
  }, timeoutMs);

  return { done, cancel: (reason) => finish({ error: reason }) };
}
