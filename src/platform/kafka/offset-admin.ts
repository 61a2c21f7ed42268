/**
 * The operator's view of the intake's offsets (`flowthrough offsets show`)
 * and their reset (`flowthrough offsets reset`): PostgreSQL's stored offset
 * next to Kafka's committed offset, the log's start and end, and whatever
 * makes the stored offset unusable.
 */
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import { PermanentError } from '../../core/errors.js';
import { judgeRange, type StopReason } from './offset-integrity.js';
import { listPartitionStates, storeReset, type PartitionState } from './offset-store.js';

export interface OffsetProblem {
  readonly code: StopReason | 'topic_missing';
  readonly detail: string;
  /** The intake stopped the partition (stored); false: seen by this command, the intake stops it when it reads the partition. */
  readonly stopped: boolean;
  readonly since: string | null;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** PostgreSQL: the next offset the intake applies; null when it has applied nothing. */
  readonly stored: number | null;
  /** Kafka: the group's committed offset; null when none. */
  readonly committed: number | null;
  readonly logStart: number | null;
  readonly logEnd: number | null;
  /** Records the intake has yet to read: log end minus the stored offset (or where it would start). */
  readonly lag: number | null;
  readonly problem: OffsetProblem | null;
  readonly lastReset: { readonly at: string; readonly to: string | null; readonly by: string | null; readonly pending: boolean } | null;
}

export interface OffsetsReport {
  readonly group: string;
  readonly topic: string;
  readonly topicExists: boolean;
  /** Kafka's state of the group (Empty, Stable, PreparingRebalance, Dead: unknown to Kafka …) and its members. */
  readonly groupState: string;
  readonly members: number;
  readonly partitions: readonly PartitionOffsets[];
}

interface LogRange {
  readonly low: bigint;
  readonly high: bigint;
}

const toNumber = (value: bigint | null): number | null => (value === null ? null : Number(value));

async function logRanges(admin: Admin, topic: string): Promise<Map<number, LogRange> | null> {
  if (!(await admin.listTopics()).includes(topic)) return null;
  const offsets = await admin.fetchTopicOffsets(topic);
  return new Map(offsets.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]));
}

async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const out = new Map<number, bigint>();
  for (const p of entry?.partitions ?? []) if (BigInt(p.offset) >= 0n) out.set(p.partition, BigInt(p.offset));
  return out;
}

async function groupState(admin: Admin, groupId: string): Promise<{ state: string; members: number }> {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups.find((g) => g.groupId === groupId);
  return { state: group?.state ?? 'Unknown', members: group?.members.length ?? 0 };
}

function problemOf(
  stored: PartitionState | undefined,
  log: LogRange | undefined,
  committed: bigint | undefined,
  groupId: string,
): OffsetProblem | null {
  if (stored?.stoppedReason) {
    return {
      code: stored.stoppedReason,
      detail: stored.stoppedDetail ?? stored.stoppedReason,
      stopped: true,
      since: stored.stoppedAt?.toISOString() ?? null,
    };
  }
  if (!stored || stored.next < 0n || stored.resetPending) return null;
  if (!log)
    return {
      code: 'topic_missing',
      detail: 'the topic does not exist on the brokers (or lost this partition)',
      stopped: false,
      since: null,
    };
  const range = judgeRange(stored.next, log.low, log.high);
  if (range) return { code: range.reason, detail: range.detail, stopped: false, since: null };
  if (committed !== undefined && committed > stored.next) {
    return {
      code: 'kafka_offset_ahead',
      detail: `Kafka's committed offset ${committed} for group ${groupId} is ahead of the stored offset ${stored.next}: records ${stored.next}…${committed - 1n} would be skipped`,
      stopped: false,
      since: null,
    };
  }
  return null;
}

/**
 * Every partition of the topic (and any with a stored offset the topic no
 * longer has). A recreated topic whose log already grew past the stored
 * offset shows no problem here: only the intake, reading record offset-1,
 * can tell (and then it is "stopped").
 */
export async function offsetsReport(admin: Admin, pool: Pool, groupId: string, topic: string): Promise<OffsetsReport> {
  const [ranges, committed, group, states] = await Promise.all([
    logRanges(admin, topic),
    committedOffsets(admin, groupId, topic),
    groupState(admin, groupId),
    listPartitionStates(pool, groupId, topic),
  ]);
  const byPartition = new Map(states.map((s) => [s.partition, s]));
  const partitions = [...new Set([...(ranges?.keys() ?? []), ...byPartition.keys()])].sort((a, b) => a - b);
  return {
    group: groupId,
    topic,
    topicExists: ranges !== null,
    groupState: group.state,
    members: group.members,
    partitions: partitions.map((partition) => {
      const state = byPartition.get(partition);
      const log = ranges?.get(partition);
      const stored = state && state.next >= 0n ? state.next : null;
      const kafka = committed.get(partition);
      const from = stored ?? kafka ?? log?.low ?? null;
      return {
        partition,
        stored: toNumber(stored),
        committed: toNumber(kafka ?? null),
        logStart: toNumber(log?.low ?? null),
        logEnd: toNumber(log?.high ?? null),
        lag: log && from !== null ? Math.max(0, Number(log.high - from)) : null,
        problem: problemOf(state, log, kafka, groupId),
        lastReset: state?.resetAt
          ? { at: state.resetAt.toISOString(), to: state.resetTo, by: state.resetBy, pending: state.resetPending }
          : null,
      };
    }),
  };
}

export type ResetTarget =
  | { readonly kind: 'earliest' }
  | { readonly kind: 'latest' }
  | { readonly kind: 'offset'; readonly offset: bigint }
  | { readonly kind: 'time'; readonly at: Date };

/** earliest | latest | an offset | an ISO 8601 time; null when it is none of them. */
export function parseResetTarget(text: string): ResetTarget | null {
  if (text === 'earliest' || text === 'latest') return { kind: text };
  if (/^\d{1,18}$/.test(text)) return { kind: 'offset', offset: BigInt(text) };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const at = new Date(text);
    if (!Number.isNaN(at.getTime())) return { kind: 'time', at };
  }
  return null;
}

export function describeTarget(target: ResetTarget): string {
  switch (target.kind) {
    case 'earliest':
    case 'latest':
      return target.kind;
    case 'offset':
      return `offset ${target.offset}`;
    case 'time':
      return `time ${target.at.toISOString()}`;
  }
}

export interface ResetStep {
  readonly partition: number;
  readonly from: bigint | null;
  readonly committed: bigint | null;
  readonly to: bigint;
  readonly logStart: bigint;
  readonly logEnd: bigint;
  readonly problem: OffsetProblem | null;
}

export interface ResetPlan {
  readonly group: string;
  readonly topic: string;
  readonly target: ResetTarget;
  readonly groupState: string;
  readonly members: number;
  readonly steps: readonly ResetStep[];
}

/** Where each partition would be set; refuses partitions the topic lacks and offsets outside a log. */
export async function planReset(
  admin: Admin,
  pool: Pool,
  groupId: string,
  topic: string,
  target: ResetTarget,
  only: readonly number[],
): Promise<ResetPlan> {
  const ranges = await logRanges(admin, topic);
  if (!ranges)
    throw new PermanentError(
      'topic_missing',
      `topic ${topic} does not exist on the brokers: create it (or set ORDERS_TOPIC) before resetting its offsets`,
    );
  const missing = only.filter((p) => !ranges.has(p));
  if (missing.length > 0)
    throw new PermanentError(
      'partition_missing',
      `topic ${topic} has no partition ${missing.join(', ')} (it has ${[...ranges.keys()].sort((a, b) => a - b).join(', ')})`,
    );
  const partitions = (only.length > 0 ? [...new Set(only)] : [...ranges.keys()]).sort((a, b) => a - b);
  const [committed, group, states, byTime] = await Promise.all([
    committedOffsets(admin, groupId, topic),
    groupState(admin, groupId),
    listPartitionStates(pool, groupId, topic, partitions),
    target.kind === 'time' ? admin.fetchTopicOffsetsByTimestamp(topic, target.at.getTime()) : Promise.resolve([]),
  ]);
  const byPartition = new Map(states.map((s) => [s.partition, s]));
  const steps = partitions.map((partition): ResetStep => {
    const log = ranges.get(partition) as LogRange;
    let to: bigint;
    switch (target.kind) {
      case 'earliest':
        to = log.low;
        break;
      case 'latest':
        to = log.high;
        break;
      case 'offset':
        if (target.offset < log.low || target.offset > log.high) {
          throw new PermanentError(
            'offset_outside_log',
            `offset ${target.offset} is outside partition ${partition}'s log [${log.low}, ${log.high}]: choose an offset in it, earliest or latest`,
          );
        }
        to = target.offset;
        break;
      case 'time': {
        const found = byTime.find((o) => o.partition === partition);
        // kafkajs answers the log end when no record is at or after the time.
        to = found ? BigInt(found.offset) : log.high;
        break;
      }
    }
    const state = byPartition.get(partition);
    return {
      partition,
      from: state && state.next >= 0n ? state.next : null,
      committed: committed.get(partition) ?? null,
      to,
      logStart: log.low,
      logEnd: log.high,
      problem: problemOf(state, log, committed.get(partition), groupId),
    };
  });
  return { group: groupId, topic, target, groupState: group.state, members: group.members, steps };
}

export interface ResetResult {
  /** Kafka's committed offsets were set too (the group had no active member). */
  readonly kafkaCommitted: boolean;
  readonly groupState: string;
  readonly members: number;
}

const COMMIT_DEADLINE_MS = 30_000;

/**
 * Commits offsets for a group without members, the way Kafka allows: a
 * member of our own joins, pauses everything, seeks (kafkajs commits a seek
 * at once when auto-commit is on) and leaves once the broker holds them.
 * (kafkajs' admin.setOffsets does the same but idles a full fetch wait, 5 s,
 * and returns after the first broker's fetch.) False when the offsets did not
 * all land in time (members joined meanwhile: their intake seeks on its own).
 */
export async function commitAsEmptyGroup(
  kafka: Kafka,
  admin: Admin,
  groupId: string,
  topic: string,
  targets: ReadonlyMap<number, bigint>,
): Promise<boolean> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, allowAutoTopicCreation: false, retry: { retries: 2 } });
  const landed = async (): Promise<boolean> => {
    const now = await committedOffsets(admin, groupId, topic);
    return [...targets].every(([p, offset]) => now.get(p) === offset);
  };
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), COMMIT_DEADLINE_MS);
      let checking = false;
      consumer.on(consumer.events.FETCH, () => {
        if (checking) return;
        checking = true;
        landed().then(
          (ok) => {
            checking = false;
            if (!ok) return;
            clearTimeout(timer);
            resolve(true);
          },
          () => (checking = false),
        );
      });
    });
    await consumer.run({ autoCommit: true, eachBatchAutoResolve: false, eachBatch: async () => undefined });
    consumer.pause([{ topic }]);
    for (const [partition, offset] of targets) consumer.seek({ topic, partition, offset: offset.toString() });
    return await done;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
}

/**
 * Stores the plan in PostgreSQL (the intake's truth: a running intake polls
 * for it, seeks there and resumes a stopped partition), then commits the same
 * offsets to Kafka when the group has no active member (with members, Kafka
 * refuses an outside commit; the intake's seek then moves it).
 */
export async function applyReset(kafka: Kafka, admin: Admin, pool: Pool, plan: ResetPlan, resetBy: string): Promise<ResetResult> {
  const targets = new Map(plan.steps.map((s) => [s.partition, s.to]));
  await storeReset(pool, plan.group, plan.topic, targets, describeTarget(plan.target), resetBy);
  const group = await groupState(admin, plan.group);
  // Kafka takes an outside commit only for a group without members (Empty, or Dead: unknown to it).
  if (group.state !== 'Empty' && group.state !== 'Dead') return { kafkaCommitted: false, groupState: group.state, members: group.members };
  const committed = await commitAsEmptyGroup(kafka, admin, plan.group, plan.topic, targets);
  const after = committed ? group : await groupState(admin, plan.group);
  return { kafkaCommitted: committed, groupState: after.state, members: after.members };
}
