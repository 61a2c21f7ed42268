import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { OUTBOX_CHANNEL } from '../../src/outbox/index.js';

/**
 * Waits until the intake has applied and committed every partition to its
 * end and the relay has published every outbox row. Wakes on the outbox's
 * NOTIFY (each intake chunk that writes rows sends one) and otherwise looks
 * every 250 ms. Gives up when nothing moved for `stallMs`, when the worker
 * exits, or at the deadline: a stall is a finding, not a reason to hang.
 */

export interface PartitionProgress {
  readonly partition: number;
  /** The intake's next offset in PostgreSQL (consumer_offsets): records before it are applied. */
  readonly applied: bigint;
  /** The consumer group's committed offset in Kafka (null until read, -1 when none). */
  readonly committed: bigint | null;
  readonly end: bigint;
}

export interface DrainSnapshot {
  readonly partitions: readonly PartitionProgress[];
  readonly outboxRows: number;
  /** Neither published nor parked: what the relay still owes. */
  readonly outboxUnpublished: number;
  /** Rows the relay gave up on after its bounded retries (where the schema has parking). */
  readonly outboxParked: number;
  /** Refused publish attempts so far (where the schema counts them): a relay retrying a row is not idle. */
  readonly outboxAttempts: number;
}

export type DrainEnd = 'drained' | 'stalled' | 'deadline' | 'worker-exited';

/** The longest the intake sat on one partition's offset before moving on (the chunk starting there took that long). */
export interface IntakePause {
  readonly partition: number;
  readonly offset: bigint;
  readonly ms: number;
}

export interface DrainOutcome {
  readonly end: DrainEnd;
  readonly snapshot: DrainSnapshot;
  readonly waitedMs: number;
  readonly longestPause: IntakePause | null;
}

export interface DrainOptions {
  readonly pool: pg.Pool;
  readonly admin: Admin;
  readonly groupId: string;
  readonly topic: string;
  readonly endOffsets: ReadonlyMap<number, bigint>;
  readonly workerExited: () => boolean;
  readonly stallMs: number;
  /** Epoch ms. */
  readonly deadline: number;
  readonly log: (line: string) => void;
}

const APPLIED = `SELECT partition, next_offset::text AS next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2`;
const OUTBOX_PLAIN = `SELECT count(*)::int AS rows, (count(*) FILTER (WHERE published_at IS NULL))::int AS unpublished, 0 AS parked, 0 AS attempts FROM outbox`;
const OUTBOX_PARKING = `
  SELECT count(*)::int AS rows,
         (count(*) FILTER (WHERE published_at IS NULL AND parked_at IS NULL))::int AS unpublished,
         (count(*) FILTER (WHERE published_at IS NULL AND parked_at IS NOT NULL))::int AS parked,
         coalesce(sum(attempts), 0)::int AS attempts
    FROM outbox`;
const HAS_PARKING = `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'outbox' AND column_name IN ('parked_at', 'attempts')`;

/** Whether this database's outbox parks rows (migration 000006); the run works against schemas before it too. */
export async function outboxParks(pool: pg.Pool): Promise<boolean> {
  return ((await pool.query<{ n: number }>(HAS_PARKING)).rows[0]?.n ?? 0) === 2;
}

export async function committedOffsets(admin: Admin, groupId: string, topic: string): Promise<Map<number, bigint>> {
  const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((offsets?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

export async function readSnapshot(
  options: Pick<DrainOptions, 'pool' | 'groupId' | 'topic' | 'endOffsets'> & { parking: boolean },
  committed?: ReadonlyMap<number, bigint>,
): Promise<DrainSnapshot> {
  const { pool, groupId, topic, endOffsets } = options;
  const applied = new Map(
    (await pool.query<{ partition: number; next_offset: string }>(APPLIED, [groupId, topic])).rows.map((r) => [
      r.partition,
      BigInt(r.next_offset),
    ]),
  );
  const outbox = (
    await pool.query<{ rows: number; unpublished: number; parked: number; attempts: number }>(
      options.parking ? OUTBOX_PARKING : OUTBOX_PLAIN,
    )
  ).rows[0] ?? { rows: 0, unpublished: 0, parked: 0, attempts: 0 };
  const partitions = [...endOffsets]
    .sort(([a], [b]) => a - b)
    .map(([partition, end]) => {
      const next = applied.get(partition) ?? 0n;
      return { partition, applied: next < 0n ? 0n : next, committed: committed?.get(partition) ?? null, end };
    });
  return {
    partitions,
    outboxRows: outbox.rows,
    outboxUnpublished: outbox.unpublished,
    outboxParked: outbox.parked,
    outboxAttempts: outbox.attempts,
  };
}

function describe(snapshot: DrainSnapshot): string {
  const applied = snapshot.partitions.reduce((n, p) => n + p.applied, 0n);
  const end = snapshot.partitions.reduce((n, p) => n + p.end, 0n);
  const parts = snapshot.partitions.map((p) => `p${p.partition} ${p.applied}/${p.end}`).join(' ');
  const published = snapshot.outboxRows - snapshot.outboxUnpublished - snapshot.outboxParked;
  const parked =
    snapshot.outboxParked + snapshot.outboxAttempts > 0
      ? `, ${snapshot.outboxParked} parked, ${snapshot.outboxAttempts} refused attempts`
      : '';
  return `intake ${applied}/${end} (${parts}) · outbox ${published}/${snapshot.outboxRows} published${parked}`;
}

export async function waitForDrain(options: DrainOptions): Promise<DrainOutcome> {
  const started = Date.now();
  const read = { ...options, parking: await outboxParks(options.pool) };
  const listener = await options.pool.connect();
  let wake: (() => void) | undefined;
  listener.on('notification', () => wake?.());
  await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
  try {
    let signature = '';
    let lastChange = Date.now();
    let lastLog = 0;
    const since = new Map<number, { offset: bigint; at: number; moved: boolean }>();
    let longestPause: IntakePause | null = null;
    const notePauses = (snapshot: DrainSnapshot, now: number): void => {
      for (const p of snapshot.partitions) {
        const held = since.get(p.partition);
        if (held !== undefined && held.offset === p.applied) continue;
        // The first stretch (the consumer joining its group) is not a pause of the intake's.
        if (held?.moved && held.offset < p.end && now - held.at > (longestPause?.ms ?? 0))
          longestPause = { partition: p.partition, offset: held.offset, ms: now - held.at };
        since.set(p.partition, { offset: p.applied, at: now, moved: held !== undefined });
      }
    };
    for (;;) {
      let snapshot = await readSnapshot(read);
      const now = Date.now();
      notePauses(snapshot, now);
      const seen = `${snapshot.partitions.map((p) => p.applied).join(',')}|${snapshot.outboxRows}|${snapshot.outboxUnpublished}|${snapshot.outboxParked}|${snapshot.outboxAttempts}`;
      if (seen !== signature) {
        signature = seen;
        lastChange = now;
      }
      if (snapshot.partitions.every((p) => p.applied >= p.end)) {
        snapshot = await readSnapshot(read, await committedOffsets(options.admin, options.groupId, options.topic));
        const committed = snapshot.partitions.every((p) => p.committed !== null && p.committed >= p.end);
        if (committed && snapshot.outboxUnpublished === 0) return { end: 'drained', snapshot, waitedMs: now - started, longestPause };
      }
      let end: DrainEnd | undefined;
      if (options.workerExited()) end = 'worker-exited';
      else if (now - lastChange > options.stallMs) end = 'stalled';
      else if (now > options.deadline) end = 'deadline';
      if (end !== undefined) {
        snapshot = await readSnapshot(read, await committedOffsets(options.admin, options.groupId, options.topic));
        options.log(`${end}: ${describe(snapshot)}`);
        return { end, snapshot, waitedMs: now - started, longestPause };
      }
      if (now - lastLog >= 2_000) {
        lastLog = now;
        options.log(describe(snapshot));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  } finally {
    await listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
    listener.release();
  }
}
