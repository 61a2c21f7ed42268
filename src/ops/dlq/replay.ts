import type { IHeaders } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import { DEFAULT_PARSE_LIMITS, parseOrderRecord, type OrderValidator, type ParseLimits } from '../../core/order/index.js';
import { classify, PermanentError } from '../../core/errors.js';
import type { DeadLetterFilter } from './dead-letter-filter.js';
import { assertReplayTable, listDeadLetters, loadDeadLetters, type DeadLetterRecord, type DeadLetterSummary } from './dead-letter-store.js';
import { MARK_FAILED, MARK_REPLAYED, MARK_REPLAYING, REPLAY_LOCK_KEY, REPLAY_UNLOCK, TRY_REPLAY_LOCK } from './dlq-sql.js';
import { replayKafkaHeaders, replayTextHeaders, type ReplayMarkers } from './replay-headers.js';
import { realSleep, systemClock, type Clock, type Sleep } from '../../platform/time/clock.js';
import { RateLimiter } from '../../platform/time/rate-limiter.js';

/** One re-published record: the original key and value bytes, the original headers plus the replay markers. */
export interface ReplayMessage {
  readonly deadLetterId: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  /** Record timestamp (ms): the moment the rate limiter released it. */
  readonly timestamp: number;
}

export interface ProducedAt {
  readonly partition: number | null;
  readonly offset: string | null;
}

/** Where replayed records go: the orders topic, through the idempotent producer (KafkaReplaySink). */
export interface ReplaySink {
  /** Resolves once the broker acknowledged every message (acks=all), in the order given. */
  publish(messages: readonly ReplayMessage[]): Promise<ProducedAt[]>;
}

export type ReplayAction = 'replayed' | 'would-replay' | 'already-replayed' | 'still-invalid' | 'failed';

export interface ReplayOutcome {
  readonly id: string;
  readonly orderId: string | null;
  readonly errorCode: string;
  readonly action: ReplayAction;
  readonly detail: string;
  readonly attempt?: number;
  /** The record was left "replaying" by an interrupted run and is produced again (at least once). */
  readonly resumed?: boolean;
  readonly partition?: number | null;
  readonly offset?: string | null;
}

export interface ReplayReport {
  readonly dryRun: boolean;
  readonly total: number;
  readonly outcomes: readonly ReplayOutcome[];
  readonly counts: Readonly<Record<ReplayAction, number>>;
  /** Why the run stopped early (the broker refused a record); the rest stays for the next run. */
  readonly aborted: string | null;
}

export interface ReplayOptions {
  readonly pool: Pool;
  readonly validator: OrderValidator;
  /** The intake's record limits (INTAKE_MAX_*), so "still invalid" means what the intake would say; the defaults when absent. */
  readonly limits?: Omit<ParseLimits, 'now'>;
  readonly filter: DeadLetterFilter;
  readonly targetTopic: string;
  readonly replayedBy: string;
  /** Without a sink only a dry run is possible. */
  readonly sink?: ReplaySink;
  readonly dryRun?: boolean;
  /** Replay records whose last attempt is "replayed" once more. */
  readonly again?: boolean;
  /** Add `flowthrough-force-stale: true`: the intake applies the order even if its version is older than the state. */
  readonly forceStale?: boolean;
  /** Records per second; unlimited when absent. */
  readonly rate?: number;
  /** Records per Kafka send when no rate is set. */
  readonly batchSize?: number;
  readonly clock?: Clock;
  /** How the rate limiter waits; real timers by default. */
  readonly sleep?: Sleep;
  readonly onOutcome?: (outcome: ReplayOutcome, done: number, total: number) => void;
  /**
   * Fault injection for tests: runs after the broker acknowledged a batch and
   * before the batch is marked "replayed". Throwing here is a crash in that window.
   */
  readonly afterPublish?: (ids: readonly string[]) => Promise<void> | void;
}

const PAGE = 500;
const LOAD_CHUNK = 100;

interface Planned {
  readonly record: DeadLetterRecord;
  readonly attempt: number;
  readonly resumed: boolean;
}

function emptyCounts(): Record<ReplayAction, number> {
  return { replayed: 0, 'would-replay': 0, 'already-replayed': 0, 'still-invalid': 0, failed: 0 };
}

async function selectAll(db: PoolClient, filter: DeadLetterFilter): Promise<DeadLetterSummary[]> {
  const all: DeadLetterSummary[] = [];
  let afterId: string | undefined;
  for (;;) {
    const page = await listDeadLetters(db, filter, { limit: PAGE, ...(afterId === undefined ? {} : { afterId }) });
    all.push(...page);
    if (page.length < PAGE) return all;
    afterId = page.at(-1)?.id;
  }
}

/**
 * Re-publishes dead letters to the orders topic, or (dry run) says what would
 * happen. Each record is validated against today's schemas and rules first;
 * a record that would be rejected again is not produced. State-dependent
 * rules (account exists, version, ownership) are the intake's to check.
 *
 * Delivery is at least once: an attempt is recorded as "replaying" before the
 * record is produced and as "replayed" after the broker acknowledged it; a
 * crash in between leaves "replaying", and the next run produces the record
 * again. The intake de-duplicates on orderId, so a second copy of an accepted
 * order has no effect.
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayReport> {
  const dryRun = options.dryRun === true || options.sink === undefined;
  const clock = options.clock ?? systemClock;
  const bucket =
    options.rate === undefined ? null : new RateLimiter({ ratePerSecond: options.rate, clock, sleep: options.sleep ?? realSleep });
  const batchSize = bucket === null ? Math.max(1, options.batchSize ?? 100) : 1;
  const outcomes: ReplayOutcome[] = [];
  const counts = emptyCounts();
  const client = await options.pool.connect();
  let locked = false;
  let total = 0;
  let aborted: string | null = null;

  const report = (outcome: ReplayOutcome): void => {
    outcomes.push(outcome);
    counts[outcome.action] += 1;
    options.onOutcome?.(outcome, outcomes.length, total);
  };

  try {
    await assertReplayTable(client);
    if (!dryRun) {
      const { rows } = await client.query<{ ok: boolean }>(TRY_REPLAY_LOCK, [REPLAY_LOCK_KEY]);
      if (!rows[0]?.ok)
        throw new PermanentError(
          'replay_in_progress',
          'another dlq replay is running against this database; wait for it to finish (or for its process to end)',
        );
      locked = true;
    }
    const selected = await selectAll(client, options.filter);
    total = selected.length;

    for (let i = 0; i < selected.length && aborted === null; i += LOAD_CHUNK) {
      const records = await loadDeadLetters(
        client,
        selected.slice(i, i + LOAD_CHUNK).map((s) => s.id),
      );
      const queue: Planned[] = [];
      for (const record of records) {
        const planned = await plan(client, record, options, dryRun, report);
        if (planned) queue.push(planned);
      }
      for (let j = 0; j < queue.length && aborted === null; j += batchSize) {
        aborted = await publishBatch(client, queue.slice(j, j + batchSize), options, bucket, clock, report);
      }
    }
    return { dryRun, total, outcomes, counts, aborted };
  } finally {
    if (locked) await client.query(REPLAY_UNLOCK, [REPLAY_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Decides one record: skip, report as a dry run, or queue for publishing. */
async function plan(
  client: PoolClient,
  record: DeadLetterRecord,
  options: ReplayOptions,
  dryRun: boolean,
  report: (o: ReplayOutcome) => void,
): Promise<Planned | null> {
  const base = { id: record.id, orderId: record.orderId, errorCode: record.errorCode };
  const resumed = record.status === 'replaying';
  if (record.status === 'replayed' && options.again !== true) {
    report({
      ...base,
      action: 'already-replayed',
      detail: `already replayed (attempt ${record.lastAttempt} by ${record.lastReplayedBy} at ${record.lastFinishedAt?.toISOString()}); --again replays it once more`,
    });
    return null;
  }
  const attempt = resumed ? (record.lastAttempt ?? 1) : (record.lastAttempt ?? 0) + 1;
  const markers: ReplayMarkers = {
    deadLetterId: record.id,
    attempt,
    replayedAt: new Date(0),
    replayedBy: options.replayedBy,
    forceStale: options.forceStale === true,
  };
  const parsed = parseOrderRecord({ headers: replayTextHeaders(record.headers, markers), value: record.value }, options.validator, {
    ...(options.limits ?? DEFAULT_PARSE_LIMITS),
    now: Date.now(),
  });
  if (!parsed.ok) {
    const codes = [...new Set(parsed.violations.map((v) => v.code))].join(', ');
    if (resumed && !dryRun)
      await client.query(MARK_FAILED, [[record.id], [attempt], `interrupted earlier; not produced again: invalid today (${codes})`]);
    report({ ...base, action: 'still-invalid', detail: `would be rejected again: ${codes}: ${parsed.violations[0]?.message ?? ''}` });
    return null;
  }
  if (dryRun) {
    const note = resumed ? ' (an earlier run was interrupted while replaying it: it may already be on the topic)' : '';
    report({
      ...base,
      action: 'would-replay',
      attempt,
      detail: `would be re-published${options.forceStale ? ' with flowthrough-force-stale: true' : ''}; state rules are checked by the intake${note}`,
    });
    return null;
  }
  return { record, attempt, resumed };
}

/** Marks, publishes and confirms one batch; returns why the run must stop, or null. */
async function publishBatch(
  client: PoolClient,
  batch: readonly Planned[],
  options: ReplayOptions,
  bucket: RateLimiter | null,
  clock: Clock,
  report: (o: ReplayOutcome) => void,
): Promise<string | null> {
  const sink = options.sink as ReplaySink;
  const at = bucket === null ? clock.now() : await bucket.acquire();
  const ids = batch.map((p) => p.record.id);
  const attempts = batch.map((p) => p.attempt);
  await client.query(MARK_REPLAYING, [ids, attempts, options.replayedBy, options.targetTopic, options.forceStale === true]);
  const messages: ReplayMessage[] = batch.map(({ record, attempt }) => ({
    deadLetterId: record.id,
    key: record.key,
    value: record.value,
    headers: replayKafkaHeaders(record.headers, {
      deadLetterId: record.id,
      attempt,
      replayedAt: new Date(at),
      replayedBy: options.replayedBy,
      forceStale: options.forceStale === true,
    }),
    timestamp: at,
  }));
  let produced: ProducedAt[];
  try {
    produced = await sink.publish(messages);
  } catch (error) {
    const { message } = classify(error);
    await client.query(MARK_FAILED, [ids, attempts, message.slice(0, 2_000)]);
    for (const p of batch)
      report({
        id: p.record.id,
        orderId: p.record.orderId,
        errorCode: p.record.errorCode,
        action: 'failed',
        attempt: p.attempt,
        detail: `not acknowledged by the broker: ${message}`,
      });
    return `the broker did not acknowledge a replayed record: ${message}`;
  }
  await options.afterPublish?.(ids);
  await client.query(MARK_REPLAYED, [ids, attempts, produced.map((p) => p.partition), produced.map((p) => p.offset)]);
  batch.forEach((p, index) => {
    const where = produced[index];
    report({
      id: p.record.id,
      orderId: p.record.orderId,
      errorCode: p.record.errorCode,
      action: 'replayed',
      attempt: p.attempt,
      resumed: p.resumed,
      partition: where?.partition ?? null,
      offset: where?.offset ?? null,
      detail: `re-published to ${options.targetTopic}${where?.partition == null ? '' : ` partition ${where.partition} offset ${where.offset}`}${p.resumed ? ' (again: an earlier run was interrupted after marking it)' : ''}`,
    });
  });
  return null;
}
