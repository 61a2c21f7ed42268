import type { ChoosableCapability, NumberUsage } from '../../../src/core/order/order.js';
import { numberPlan, seededGuid, seededRandom, UK_207, US_425 } from './number-plan.js';

/**
 * The benchmark workload, as the BSS publishes it: CloudEvents binary mode
 * (ce_* headers, value = the order data as JSON), key = account name,
 * following schemas/order.v1.json. Generated lazily and deterministically
 * from a seed, so publishing 50,000 orders never holds them all in memory.
 */

/** A Kafka record ready for kafkajs `producer.send`. */
export interface BenchRecord {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface WorkloadSpec {
  readonly seed: number;
  readonly accounts: number;
  /** Orders that each upsert ONE number (round-robin over the accounts). */
  readonly singleNumberOrders: number;
  /** Orders that each upsert `numbersPerBulkOrder` numbers. */
  readonly bulkOrders: number;
  readonly numbersPerBulkOrder: number;
  /** ce_source of every record. */
  readonly source: string;
  /** requestedAt / ce_time of the first order; each next order is 1 ms later. */
  readonly epochMs: number;
}

/** The default intake workload: 1,000 accounts, 50,000 single-number orders, 500 orders × 100 numbers. */
export const DEFAULT_WORKLOAD: WorkloadSpec = Object.freeze({
  seed: 20_261_129,
  accounts: 1_000,
  singleNumberOrders: 50_000,
  bulkOrders: 500,
  numbersPerBulkOrder: 100,
  source: '/bss/bench',
  epochMs: Date.parse('2026-01-01T00:00:00.000Z'),
});

/** The default workload with every count multiplied by `scale` (at least one of each). */
export function scaledWorkload(scale: number, overrides: Partial<WorkloadSpec> = {}): WorkloadSpec {
  if (!(scale > 0 && scale <= 100)) throw new RangeError(`workload scale ${scale}: must be > 0 and ≤ 100`);
  const n = (count: number): number => Math.max(1, Math.round(count * scale));
  return Object.freeze({
    ...DEFAULT_WORKLOAD,
    accounts: n(DEFAULT_WORKLOAD.accounts),
    singleNumberOrders: n(DEFAULT_WORKLOAD.singleNumberOrders),
    bulkOrders: n(DEFAULT_WORKLOAD.bulkOrders),
    ...overrides,
  });
}

export type WorkloadPhase = 'accounts' | 'single-number' | 'bulk';
/** Publishing order: an account's upsert must reach the topic before any of its number orders. */
export const WORKLOAD_PHASES: readonly WorkloadPhase[] = ['accounts', 'single-number', 'bulk'];

export interface WorkloadCounts {
  readonly orders: number;
  readonly accountOrders: number;
  readonly singleNumberOrders: number;
  readonly bulkOrders: number;
  /** Distinct numbers upserted: rows the intake writes to `numbers`. */
  readonly numbers: number;
  readonly accounts: number;
}

export function workloadCounts(spec: WorkloadSpec): WorkloadCounts {
  const numbers = spec.singleNumberOrders + spec.bulkOrders * spec.numbersPerBulkOrder;
  return {
    orders: spec.accounts + spec.singleNumberOrders + spec.bulkOrders,
    accountOrders: spec.accounts,
    singleNumberOrders: spec.singleNumberOrders,
    bulkOrders: spec.bulkOrders,
    numbers,
    accounts: spec.accounts,
  };
}

interface WireNumber {
  readonly telephoneNumber: string;
  readonly serviceDetails: {
    readonly teamsOperatorConnect: {
      readonly enabled: true;
      readonly configuration: { readonly usage: NumberUsage; readonly choosableCapabilities: readonly ChoosableCapability[] };
    };
  };
}

interface WireAccountItem {
  readonly id: string;
  readonly action: 'upsert';
  readonly resource: 'account';
  readonly account: {
    readonly name: string;
    readonly correlationId: string;
    readonly serviceDetails: {
      readonly teamsTenantId: string;
      readonly teamsOperatorConnect: { readonly enabled: true; readonly syncEnabled: true };
    };
  };
}

interface WireNumbersItem {
  readonly id: string;
  readonly action: 'upsert';
  readonly resource: 'numbers';
  readonly numbers: readonly WireNumber[];
}

/** The order data (the CloudEvent's `data`) as schemas/order.v1.json defines it. */
export interface WireOrder {
  readonly orderId: string;
  readonly account: string;
  readonly requestedAt: string;
  readonly items: readonly (WireAccountItem | WireNumbersItem)[];
}

/** One row of the `numbers` table as the intake writes it for a workload number. */
export interface NumberRow {
  readonly telephoneNumber: string;
  readonly accountName: string;
  /** The number's serviceDetails as JSON text. */
  readonly serviceDetails: string;
  readonly customSipHeader: string | null;
  readonly lastOrderId: string;
  readonly lastRequestedAt: string;
}

const NUMBER_CONFIGURATION = Object.freeze({
  usage: 'CallingUserAssignment' as const,
  choosableCapabilities: Object.freeze(['InboundCalling', 'OutboundCalling'] as const),
});

function accountName(spec: WorkloadSpec, index: number): string {
  return `bench-acct-${String(index + 1).padStart(Math.max(4, String(spec.accounts).length), '0')}`;
}

function wireNumber(telephoneNumber: string): WireNumber {
  return { telephoneNumber, serviceDetails: { teamsOperatorConnect: { enabled: true, configuration: NUMBER_CONFIGURATION } } };
}

interface GeneratedOrder {
  readonly sequence: number;
  readonly order: WireOrder;
}

/** The orders of one phase, in publishing order. */
function* phaseOrders(spec: WorkloadSpec, phase: WorkloadPhase): Generator<GeneratedOrder> {
  const counts = workloadCounts(spec);
  const orderId = (sequence: number): string => `BENCH-${spec.seed}-${String(sequence + 1).padStart(7, '0')}`;
  const at = (sequence: number): string => new Date(spec.epochMs + sequence).toISOString();
  if (phase === 'accounts') {
    const random = seededRandom(spec.seed ^ 0x5eed_acc7);
    for (let i = 0; i < spec.accounts; i += 1) {
      const name = accountName(spec, i);
      const account: WireAccountItem = {
        id: 'account',
        action: 'upsert',
        resource: 'account',
        account: {
          name,
          correlationId: `CRM-BENCH-${String(i + 1).padStart(6, '0')}`,
          serviceDetails: { teamsTenantId: seededGuid(random), teamsOperatorConnect: { enabled: true, syncEnabled: true } },
        },
      };
      yield { sequence: i, order: { orderId: orderId(i), account: name, requestedAt: at(i), items: [account] } };
    }
  } else if (phase === 'single-number') {
    const plan = numberPlan(US_425, spec.seed);
    for (let i = 0; i < spec.singleNumberOrders; i += 1) {
      const sequence = counts.accountOrders + i;
      const name = accountName(spec, i % spec.accounts);
      const item: WireNumbersItem = { id: 'numbers', action: 'upsert', resource: 'numbers', numbers: [wireNumber(plan(i))] };
      yield { sequence, order: { orderId: orderId(sequence), account: name, requestedAt: at(sequence), items: [item] } };
    }
  } else {
    const plan = numberPlan(UK_207, spec.seed);
    for (let i = 0; i < spec.bulkOrders; i += 1) {
      const sequence = counts.accountOrders + counts.singleNumberOrders + i;
      const name = accountName(spec, i % spec.accounts);
      const numbers = Array.from({ length: spec.numbersPerBulkOrder }, (_, j) => wireNumber(plan(i * spec.numbersPerBulkOrder + j)));
      const item: WireNumbersItem = { id: 'numbers', action: 'upsert', resource: 'numbers', numbers };
      yield { sequence, order: { orderId: orderId(sequence), account: name, requestedAt: at(sequence), items: [item] } };
    }
  }
}

/** A deterministic UUID-shaped CloudEvents id: the seed, then the order's sequence. */
function eventId(spec: WorkloadSpec, sequence: number): string {
  const seed = (spec.seed >>> 0).toString(16).padStart(8, '0');
  return `${seed}-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

/** The Kafka record of one order: binary-mode CloudEvent, keyed by account. */
export function orderRecord(spec: WorkloadSpec, sequence: number, order: WireOrder): BenchRecord {
  return {
    key: order.account,
    value: Buffer.from(JSON.stringify(order)),
    headers: {
      ce_specversion: '1.0',
      ce_id: eventId(spec, sequence),
      ce_source: spec.source,
      ce_type: 'io.flowthrough.order.v1',
      ce_time: order.requestedAt,
      ce_subject: order.account,
      'content-type': 'application/json',
    },
  };
}

export function* phaseRecords(spec: WorkloadSpec, phase: WorkloadPhase): Generator<BenchRecord> {
  for (const { sequence, order } of phaseOrders(spec, phase)) yield orderRecord(spec, sequence, order);
}

/** Every record of the workload, phases in publishing order. */
export function* workloadRecords(spec: WorkloadSpec): Generator<BenchRecord> {
  for (const phase of WORKLOAD_PHASES) yield* phaseRecords(spec, phase);
}

/** The `numbers` rows one phase asks for (one per number, in publishing order). */
export function* phaseNumberRows(spec: WorkloadSpec, phase: WorkloadPhase): Generator<NumberRow> {
  for (const { order } of phaseOrders(spec, phase)) {
    for (const item of order.items) {
      if (item.resource !== 'numbers') continue;
      for (const number of item.numbers) {
        yield {
          telephoneNumber: number.telephoneNumber,
          accountName: order.account,
          serviceDetails: JSON.stringify(number.serviceDetails),
          customSipHeader: null,
          lastOrderId: order.orderId,
          lastRequestedAt: order.requestedAt,
        };
      }
    }
  }
}

/** The `numbers` rows the workload asks for (one per number, in publishing order). */
export function* workloadNumberRows(spec: WorkloadSpec): Generator<NumberRow> {
  for (const phase of WORKLOAD_PHASES) yield* phaseNumberRows(spec, phase);
}

/** Numbers one phase upserts. */
export function phaseNumberCount(spec: WorkloadSpec, phase: WorkloadPhase): number {
  return phase === 'accounts' ? 0 : phase === 'single-number' ? spec.singleNumberOrders : spec.bulkOrders * spec.numbersPerBulkOrder;
}

/** Records of one phase of the workload. */
export function phaseCount(spec: WorkloadSpec, phase: WorkloadPhase): number {
  return phase === 'accounts' ? spec.accounts : phase === 'single-number' ? spec.singleNumberOrders : spec.bulkOrders;
}

/** Bytes a record puts on the wire (key, value, header names and values), for MB/s figures. */
export function recordBytes(record: {
  key?: string | Buffer | null;
  value: Buffer | null;
  headers?: Readonly<Record<string, unknown>>;
}): number {
  let bytes = (record.value?.byteLength ?? 0) + (record.key ? Buffer.byteLength(record.key) : 0);
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    bytes += Buffer.byteLength(name);
    if (typeof value === 'string' || Buffer.isBuffer(value)) bytes += Buffer.byteLength(value);
  }
  return bytes;
}
