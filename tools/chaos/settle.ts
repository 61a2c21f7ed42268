import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { isTerminal, type OrderState } from '../../src/core/order-state/states.js';

/**
 * After the chaos: waits until the system has nothing left to do — the
 * intake applied (and committed) every record of the orders topic, every
 * accepted order is in a terminal state, the relay owes no outbox row and
 * no backend operation is open — or the deadline passes. It looks every
 * half second (PostgreSQL and the broker's offsets), never sleeps blindly,
 * and rides out a failing look (a restart still settling).
 */

export interface SettleSnapshot {
  readonly records: bigint;
  readonly applied: bigint;
  readonly committed: bigint;
  readonly openOrders: number;
  readonly ordersByState: Readonly<Record<string, number>>;
  readonly outboxUnpublished: number;
  readonly outboxParked: number;
  readonly openOperations: number;
}

export interface SettleOutcome {
  readonly settled: boolean;
  readonly seconds: number;
  readonly snapshot: SettleSnapshot | null;
}

const APPLIED = `SELECT partition, next_offset::text AS next_offset FROM consumer_offsets WHERE group_id = $1 AND topic = $2`;
const ORDERS = `SELECT state, count(*)::int AS n FROM orders GROUP BY state`;
const OUTBOX = `SELECT (count(*) FILTER (WHERE parked_at IS NULL))::int AS unpublished, (count(*) FILTER (WHERE parked_at IS NOT NULL))::int AS parked FROM outbox WHERE published_at IS NULL`;
const OPERATIONS = `SELECT count(*)::int AS n FROM backend_operations WHERE state IN ('planned', 'submitted')`;

export async function readSettleSnapshot(pool: pg.Pool, admin: Admin, groupId: string, topic: string): Promise<SettleSnapshot> {
  const end = await admin.fetchTopicOffsets(topic);
  const committedOffsets = (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
  const applied = new Map(
    (await pool.query<{ partition: number; next_offset: string }>(APPLIED, [groupId, topic])).rows.map((r) => [
      r.partition,
      BigInt(r.next_offset),
    ]),
  );
  const committed = new Map(committedOffsets.map((p) => [p.partition, BigInt(p.offset)]));
  let records = 0n;
  let appliedSum = 0n;
  let committedSum = 0n;
  for (const p of end) {
    const high = BigInt(p.high);
    records += high;
    const a = applied.get(p.partition) ?? 0n;
    const c = committed.get(p.partition) ?? 0n;
    appliedSum += a < 0n ? 0n : a > high ? high : a;
    committedSum += c < 0n ? 0n : c > high ? high : c;
  }
  const ordersByState: Record<string, number> = {};
  for (const r of (await pool.query<{ state: string; n: number }>(ORDERS)).rows) ordersByState[r.state] = r.n;
  const outbox = (await pool.query<{ unpublished: number; parked: number }>(OUTBOX)).rows[0] ?? { unpublished: 0, parked: 0 };
  const openOperations = (await pool.query<{ n: number }>(OPERATIONS)).rows[0]?.n ?? 0;
  const openOrders = Object.entries(ordersByState)
    .filter(([state]) => !isTerminal(state as OrderState))
    .reduce((n, [, c]) => n + c, 0);
  return {
    records,
    applied: appliedSum,
    committed: committedSum,
    openOrders,
    ordersByState,
    outboxUnpublished: outbox.unpublished,
    outboxParked: outbox.parked,
    openOperations,
  };
}

export function isSettled(s: SettleSnapshot): boolean {
  return s.applied >= s.records && s.committed >= s.records && s.openOrders === 0 && s.outboxUnpublished === 0 && s.openOperations === 0;
}

export function describeSnapshot(s: SettleSnapshot): string {
  const states = Object.entries(s.ordersByState)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([state, n]) => `${state} ${n}`)
    .join(', ');
  return `intake applied ${s.applied}/${s.records} (committed ${s.committed}) · orders: ${states || 'none'} · outbox owes ${s.outboxUnpublished}${s.outboxParked > 0 ? `, parked ${s.outboxParked}` : ''} · open backend operations ${s.openOperations}`;
}

export async function waitForSettle(options: {
  pool: pg.Pool;
  admin: Admin;
  groupId: string;
  topic: string;
  deadline: number;
  log: (line: string) => void;
}): Promise<SettleOutcome> {
  const started = performance.now();
  let last: SettleSnapshot | null = null;
  let lastLog = 0;
  let lastError = '';
  for (;;) {
    try {
      last = await readSettleSnapshot(options.pool, options.admin, options.groupId, options.topic);
      lastError = '';
      if (isSettled(last)) return { settled: true, seconds: (performance.now() - started) / 1_000, snapshot: last };
      if (performance.now() - lastLog >= 5_000) {
        lastLog = performance.now();
        options.log(`settling: ${describeSnapshot(last)}`);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) options.log(`settling: a look failed (${message}); looking again`);
      lastError = message;
    }
    if (Date.now() >= options.deadline) {
      if (last) options.log(`not settled by the deadline: ${describeSnapshot(last)}`);
      return { settled: false, seconds: (performance.now() - started) / 1_000, snapshot: last };
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
