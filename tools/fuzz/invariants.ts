import type pg from 'pg';
import type { DrainOutcome, PartitionProgress } from './drain-wait.js';
import { recordLabel, type SentRecord } from './fuzz-record.js';
import type { ProbeSummary } from './health-probe.js';
import { readOutcomes, type Outcome } from './record-outcomes.js';
import { parkedRows, relayStuckAt, sourceOfEvent, type RecordFinder } from './outbox-sources.js';
import type { StatusRecord } from './status-collector.js';
import type { WorkerExit } from './worker-process.js';

/**
 * The run's invariants, each a count that must be 0, with examples that
 * name the record (kind, variant, seed index, partition@offset) so it can
 * be rebuilt with the same --seed and --records.
 */

export const INVARIANTS = [
  'unaccounted',
  'internal_errors',
  'stalls',
  'status_events_unparseable',
  'duplicate_ce_ids',
  'ready_failures',
  'force_stale_honoured',
  'outbox_parked',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Example {
  readonly record?: string;
  readonly at?: string;
  readonly detail: string;
}

export interface Failure {
  readonly invariant: InvariantName | 'worker_exit';
  readonly count: number;
  /** How many of the offending records each generator kind produced. */
  readonly kinds: Record<string, number>;
  readonly examples: readonly Example[];
}

export interface Observations {
  readonly pool: pg.Pool;
  readonly ordersTopic: string;
  readonly sent: readonly SentRecord[];
  readonly drain: DrainOutcome;
  readonly status: readonly StatusRecord[];
  /** False when the collector did not read the status topic to its end: missing events may be unread, not unpublished. */
  readonly statusCaughtUp: boolean;
  readonly probe: ProbeSummary;
  readonly workerExit: WorkerExit | null;
  /** Whether the schema has outbox parking (migration 000006). */
  readonly outboxParks: boolean;
}

export interface InvariantResults {
  readonly counts: Record<InvariantName, number>;
  readonly failures: Failure[];
  readonly accepted: number;
  readonly deadLettered: number;
  readonly deadLetteredByCode: Record<string, number>;
  readonly duplicates: number;
  readonly stalledPartitions: number;
  readonly validNotCompleted: number;
  readonly statusEvents: number;
  readonly statusEventTypes: Record<string, number>;
  readonly forceStaleHonoured: number;
  readonly outboxUnpublished: number;
  readonly outboxParked: number;
  readonly parked: readonly Example[];
  readonly relayStuckAt: Example | null;
  readonly longestIntakePause: (Example & { seconds: number }) | null;
  readonly outcomesByKind: Record<string, Record<string, number>>;
}

const MAX_EXAMPLES = 5;

/** Up to MAX_EXAMPLES, one per kind/variant first so the list shows the variety. */
function pickExamples<T>(items: readonly T[], labelOf: (item: T) => string, toExample: (item: T) => Example): Example[] {
  const seen = new Set<string>();
  const first: T[] = [];
  const rest: T[] = [];
  for (const item of items) {
    const label = labelOf(item).replace(/ #\d+$/, '');
    (seen.has(label) ? rest : first).push(item);
    seen.add(label);
  }
  return [...first, ...rest].slice(0, MAX_EXAMPLES).map(toExample);
}

function kindCounts(records: ReadonlyArray<SentRecord | undefined>): Record<string, number> {
  return countBy(records, (r) => (r === undefined ? '(unknown record)' : r.kind));
}

const where = (r: SentRecord): string => `p${r.partition}@${r.offset}`;

/** Groups of different status events (by bytes) that share one ce_source + ce_id; an identical republish (at least once) is not one. */
function sharedCeIds(status: readonly StatusRecord[]): StatusRecord[][] {
  const byCeId = new Map<string, StatusRecord[]>();
  for (const s of status) {
    if (s.ceId === undefined) continue;
    const key = `${s.ceSource ?? ''}\u0000${s.ceId}`;
    const list = byCeId.get(key) ?? [];
    if (!list.some((x) => x.fingerprint === s.fingerprint)) list.push(s);
    byCeId.set(key, list);
  }
  return [...byCeId.values()].filter((list) => list.length > 1);
}

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

function longestPauseOf(
  drain: DrainOutcome,
  findAt: (partition: number, offset: string) => SentRecord | undefined,
): (Example & { seconds: number }) | null {
  const pause = drain.longestPause;
  if (pause === null) return null;
  const record = findAt(pause.partition, pause.offset.toString());
  return {
    seconds: Math.round(pause.ms / 100) / 10,
    ...(record ? { record: recordLabel(record) } : {}),
    at: `p${pause.partition}@${pause.offset}`,
    detail: `the intake held partition ${pause.partition} at offset ${pause.offset} for ${(pause.ms / 1_000).toFixed(1)} s (the chunk starting at this record)`,
  };
}

export async function checkInvariants(o: Observations): Promise<InvariantResults> {
  const outcomes = await readOutcomes(o.pool, o.ordersTopic, o.sent);
  const atOffset = new Map(o.sent.map((r) => [`${r.partition}@${r.offset}`, r]));
  const findAt = (partition: number, offset: string): SentRecord | undefined => atOffset.get(`${partition}@${offset}`);
  const byOrderId = new Map<string, SentRecord>();
  for (const r of o.sent) if (r.orderId !== undefined && !byOrderId.has(r.orderId)) byOrderId.set(r.orderId, r);
  const findOrder = (orderId: string): SentRecord | undefined => byOrderId.get(orderId);
  const find: RecordFinder = { at: findAt, order: findOrder };
  const outcomeOf = (r: SentRecord): Outcome => outcomes.byRecord.get(r) as Outcome;
  const failures: Failure[] = [];
  const fail = (
    invariant: Failure['invariant'],
    count: number,
    records: ReadonlyArray<SentRecord | undefined>,
    examples: Example[],
  ): void => {
    if (count > 0) failures.push({ invariant, count, kinds: kindCounts(records), examples });
  };

  // unaccounted
  const unaccounted = o.sent.filter((r) => outcomeOf(r).kind === 'unaccounted');
  fail(
    'unaccounted',
    unaccounted.length,
    unaccounted,
    pickExamples(unaccounted, recordLabel, (r) => ({
      record: recordLabel(r),
      at: where(r),
      detail: (outcomeOf(r) as { detail: string }).detail,
    })),
  );

  // internal_errors
  const internal = outcomes.deadLetters.filter((d) => d.error_code === 'internal_error');
  const internalRecords = internal.map((d) => findAt(d.source_partition, d.source_offset));
  fail(
    'internal_errors',
    internal.length,
    internalRecords,
    pickExamples(
      internal,
      (d) => (findAt(d.source_partition, d.source_offset)?.kind ?? '?') + (findAt(d.source_partition, d.source_offset)?.variant ?? ''),
      (d) => {
        const r = findAt(d.source_partition, d.source_offset);
        return { ...(r ? { record: recordLabel(r) } : {}), at: `p${d.source_partition}@${d.source_offset}`, detail: d.error_message };
      },
    ),
  );

  // stalls: partitions the intake did not finish, and valid orders that did not complete with their status event
  const stalled = o.drain.snapshot.partitions.filter((p) => p.applied < p.end || p.committed === null || p.committed < p.end);
  // Where it stopped: the first record not applied, else the first not committed to Kafka.
  const stopOffset = (p: PartitionProgress): bigint =>
    p.applied < p.end ? p.applied : p.committed === null || p.committed < 0n ? 0n : p.committed;
  const stalledAt = stalled.map((p) => findAt(p.partition, stopOffset(p).toString()));
  const completedEvents = new Set(
    o.status.filter((s) => s.problem === undefined && s.state === 'completed' && s.orderId !== undefined).map((s) => s.orderId as string),
  );
  const hostileSeen = new Set<number>();
  const behindBad: SentRecord[] = [];
  for (const r of o.sent) {
    if (!r.valid) hostileSeen.add(r.partition);
    else if (hostileSeen.has(r.partition)) behindBad.push(r);
  }
  const notCompleted = behindBad.filter((r) => {
    const outcome = outcomeOf(r);
    return !(outcome.kind === 'accepted' && outcome.order.state === 'completed' && completedEvents.has(outcome.order.order_id));
  });
  // The relay owes rows it neither published nor parked: it did not drain.
  const owed = o.drain.snapshot.outboxUnpublished;
  const relayStuck = owed > 0 || notCompleted.length > 0 ? await relayStuckAt(o.pool, o.outboxParks, find, owed) : null;
  const stallExamples: Example[] = stalled.map((p, i) => {
    const r = stalledAt[i];
    return {
      ...(r ? { record: recordLabel(r) } : {}),
      at: `p${p.partition}@${stopOffset(p)}`,
      detail: `partition ${p.partition}: the intake applied ${p.applied} and committed ${p.committed === null || p.committed < 0n ? 'nothing' : p.committed} of ${p.end} records; this is the first record not applied${o.drain.end === 'worker-exited' ? ' (the worker exited)' : ' (the chunk it starts holds the one that fails)'}`,
    };
  });
  if (relayStuck) stallExamples.push(relayStuck);
  stallExamples.push(
    ...pickExamples(notCompleted, recordLabel, (r) => {
      const outcome = outcomeOf(r);
      const state =
        outcome.kind === 'accepted'
          ? `accepted, state ${outcome.order.state}`
          : outcome.kind === 'dead-lettered'
            ? `dead-lettered (${outcome.deadLetter.error_code}: ${outcome.deadLetter.error_message.slice(0, 160)})`
            : outcome.kind;
      return {
        record: recordLabel(r),
        at: where(r),
        detail: `valid order ${r.orderId ?? ''}: ${state}; ${completedEvents.has(r.orderId ?? '') ? 'its completed event was published' : `no completed status event on the status topic${o.statusCaughtUp ? '' : ' (the collector did not read the topic to its end)'}`}`,
      };
    }).slice(0, 3),
  );
  const relayStalls = owed > 0 ? 1 : 0;
  const relayRecord = relayStuck?.record === undefined ? [] : [o.sent.find((r) => recordLabel(r) === relayStuck.record)];
  fail(
    'stalls',
    stalled.length + relayStalls + notCompleted.length,
    [...stalledAt, ...(relayStalls > 0 ? relayRecord : []), ...notCompleted],
    stallExamples,
  );

  // status_events_unparseable
  const unparseable = o.status.filter((s) => s.problem !== undefined);
  const unparseableRecords = unparseable.map((s) => sourceOfEvent(s, find));
  fail(
    'status_events_unparseable',
    unparseable.length,
    unparseableRecords,
    pickExamples(
      unparseable,
      (s) => {
        const r = sourceOfEvent(s, find);
        return r ? recordLabel(r) : '?';
      },
      (s) => {
        const r = sourceOfEvent(s, find);
        return {
          ...(r ? { record: recordLabel(r) } : {}),
          at: `status p${s.partition}@${s.offset}`,
          detail: `ce_id ${JSON.stringify(s.ceId?.slice(0, 120))}, ce_type ${JSON.stringify(s.ceType)}: ${s.problem?.slice(0, 300) ?? ''}`,
        };
      },
    ),
  );

  // duplicate_ce_ids
  const shared = sharedCeIds(o.status);
  const sharedRecords = shared.flatMap((list) => list.map((s) => sourceOfEvent(s, find)));
  fail(
    'duplicate_ce_ids',
    shared.reduce((n, list) => n + list.length - 1, 0),
    sharedRecords,
    shared.slice(0, MAX_EXAMPLES).map((list) => {
      const records = list.map((s) => sourceOfEvent(s, find));
      return {
        record: records.map((r) => (r ? recordLabel(r) : '?')).join(' and '),
        detail: `ce_id ${JSON.stringify(list[0]?.ceId)} is carried by ${list.length} different events: ${list.map((s) => `${s.orderId ?? '?'} ${s.state ?? '?'}`).join(', ')}`,
      };
    }),
  );

  // ready_failures
  const readyFailures = o.probe.failures.length + (o.workerExit === null ? 0 : 1);
  const readyExamples: Example[] = o.probe.failures
    .slice(0, MAX_EXAMPLES)
    .map((f) => ({ at: f.at, detail: `${f.path} answered ${f.status ?? 'nothing'}: ${f.detail}` }));
  if (o.workerExit !== null)
    readyExamples.unshift({ detail: `the worker process exited (code ${o.workerExit.code}, signal ${o.workerExit.signal})` });
  if (readyFailures > 0) failures.push({ invariant: 'ready_failures', count: readyFailures, kinds: {}, examples: readyExamples });

  const deadLetteredByCode = countBy(outcomes.deadLetters, (d) => d.error_code);
  const outcomesByKind: Record<string, Record<string, number>> = {};
  for (const r of o.sent) {
    const outcome = outcomeOf(r);
    const name = outcome.kind === 'dead-lettered' ? outcome.deadLetter.error_code : outcome.kind;
    const kind = outcomesByKind[r.kind] ?? {};
    outcomesByKind[r.kind] = kind;
    kind[name] = (kind[name] ?? 0) + 1;
  }
  // Only the replay tool may force a stale order; a plain producer's header must never be honoured.
  const honoured = o.sent.filter((r) => r.kind === 'force-stale' && outcomeOf(r).kind === 'accepted');
  const forceStaleHonoured = honoured.length;
  if (forceStaleHonoured > 0) {
    failures.push({
      invariant: 'force_stale_honoured',
      count: forceStaleHonoured,
      kinds: countBy(honoured, (r) => r.kind),
      examples: honoured
        .slice(0, MAX_EXAMPLES)
        .map((r) => ({ record: recordLabel(r), detail: 'a plain producer forced a stale order through with flowthrough-force-stale' })),
    });
  }
  // Every event this run produces fits a topic: a parked row is a status or dead letter never delivered.
  const parkedExamples = o.outboxParks && o.drain.snapshot.outboxParked > 0 ? await parkedRows(o.pool, find, MAX_EXAMPLES) : [];
  if (o.drain.snapshot.outboxParked > 0) {
    failures.push({ invariant: 'outbox_parked', count: o.drain.snapshot.outboxParked, kinds: {}, examples: parkedExamples });
  }
  return {
    counts: {
      unaccounted: unaccounted.length,
      internal_errors: internal.length,
      stalls: stalled.length + relayStalls + notCompleted.length,
      status_events_unparseable: unparseable.length,
      duplicate_ce_ids: shared.reduce((n, list) => n + list.length - 1, 0),
      ready_failures: readyFailures,
      force_stale_honoured: forceStaleHonoured,
      outbox_parked: o.drain.snapshot.outboxParked,
    },
    failures,
    accepted: outcomes.orders.length,
    deadLettered: outcomes.deadLetters.length,
    deadLetteredByCode,
    duplicates: o.sent.filter((r) => outcomeOf(r).kind === 'duplicate').length,
    stalledPartitions: stalled.length,
    validNotCompleted: notCompleted.length,
    statusEvents: o.status.length,
    statusEventTypes: countBy(o.status, (s) => s.ceType ?? '(none)'),
    forceStaleHonoured,
    outboxUnpublished: owed,
    outboxParked: o.drain.snapshot.outboxParked,
    parked: parkedExamples,
    relayStuckAt: relayStuck,
    longestIntakePause: longestPauseOf(o.drain, findAt),
    outcomesByKind,
  };
}
