import type pg from 'pg';
import type { FlowThroughService } from '../../src/core/order-state/initial-item-state.js';
import { isTerminal, type OrderState } from '../../src/core/order-state/states.js';
import { configurationKey, desiredAssociation, type Association, type BackendConfiguration } from '../../src/core/reconcile/association.js';
import { compareTenant, type BackendNumber } from '../../src/core/reconcile/drift.js';
import { STATUS_EVENT_TYPE } from '../../src/core/status/index.js';
import type { LedgerEntry } from '../../src/simulator/index.js';
import type { NumberRecord } from '../../src/simulator/state.js';
import type { StatusRecord } from './status-records.js';
import type { UnexpectedExit } from './worker-fleet.js';

/**
 * The chaos run's invariants (docs/CHAOS.md), each a count that must be 0,
 * with up to five examples that name the order, number, record or process.
 */

export const INVARIANTS = [
  'orders_not_terminal',
  'terminal_state_disagreements',
  'terminal_events_missing',
  'status_events_missing',
  'duplicate_ce_ids',
  'status_events_unparseable',
  'changes_applied_twice',
  'unknown_backend_changes',
  'drift',
  'unexpected_exits',
  'records_skipped',
  'outbox_parked',
  'replay_incomplete',
  'chaos_incomplete',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface Failure {
  readonly invariant: InvariantName;
  readonly count: number;
  readonly examples: readonly string[];
}

/** One record of the orders topic (read back at the end). */
export interface OrdersTopicRecord {
  readonly partition: number;
  readonly offset: string;
  readonly orderId: string | undefined;
  readonly value: Buffer | null;
}

export interface ChaosDone {
  readonly killsPlanned: number;
  readonly killsDone: number;
  readonly brokerRestarted: boolean;
  readonly postgresRestarted: boolean;
  readonly consentActivated: boolean;
  readonly replayKilled: boolean;
  readonly heldOrders: number;
}

export interface Observations {
  readonly pool: pg.Pool;
  readonly ordersTopic: string;
  readonly ordersRecords: readonly OrdersTopicRecord[];
  readonly status: readonly StatusRecord[];
  readonly ledger: readonly LedgerEntry[];
  readonly backendNumbers: readonly NumberRecord[];
  readonly unexpectedExits: readonly UnexpectedExit[];
  readonly lateOrderIds: readonly string[];
  readonly replayCompleted: boolean;
  readonly chaos: ChaosDone;
  readonly outboxParked: number;
}

export interface InvariantResults {
  readonly counts: Record<InvariantName, number>;
  readonly failures: Failure[];
  readonly accepted: number;
  readonly deadLettered: number;
  readonly deadLetteredByCode: Record<string, number>;
  readonly duplicates: number;
  readonly records: number;
  readonly terminalStates: Record<string, number>;
  readonly statusEvents: number;
  readonly ledgerEntries: number;
  readonly numbersBySyncState: Record<string, number>;
  readonly replayedAccepted: number;
  /** A few orders that ended failed or partial, with their items: what the backend refused. */
  readonly unsuccessful: readonly string[];
}

const MAX_EXAMPLES = 5;

interface OrderRow {
  readonly order_id: string;
  readonly account_name: string;
  readonly state: string;
  readonly status_sequence: number;
  readonly source_partition: number;
  readonly source_offset: string;
  readonly items: string | null;
}

interface DeadLetterRow {
  readonly source_partition: number;
  readonly source_offset: string;
  readonly error_code: string;
  readonly order_id: string | null;
}

interface OperationRow {
  readonly request_id: string;
  readonly tenant_id: string;
  readonly operation: string;
  readonly service: string;
  readonly body: { numbers?: Array<Record<string, unknown> & { telephoneNumber: string }> };
}

interface NumberRow {
  readonly telephone_number: string;
  readonly account_name: string;
  readonly service_details: Record<string, unknown>;
  readonly deleted: boolean;
  readonly observed: Partial<Record<FlowThroughService, Association>>;
  readonly sync_state: string;
  readonly teams_tenant_id: string | null;
  readonly account_details: Record<string, unknown> | null;
  readonly account_deleted: boolean | null;
}

const ORDERS = `
  SELECT o.order_id, o.account_name, o.state, o.status_sequence, o.source_partition, o.source_offset::text AS source_offset,
         (SELECT string_agg(i.item_id || ' ' || i.state || coalesce(' (' || (i.reason ->> 'code') || ')', ''), ', ' ORDER BY i.position)
            FROM order_items i WHERE i.order_id = o.order_id) AS items
    FROM orders o WHERE o.source_topic = $1`;
const DEAD_LETTERS = `SELECT source_partition, source_offset::text AS source_offset, error_code, order_id FROM dead_letters WHERE source_topic = $1`;
const OPERATIONS = `SELECT request_id, tenant_id, operation, service, body FROM backend_operations`;
const NUMBERS = `
  SELECT n.telephone_number, n.account_name, n.service_details, n.deleted_at IS NOT NULL AS deleted, n.observed, n.sync_state,
         a.teams_tenant_id, a.service_details AS account_details, a.deleted_at IS NOT NULL AS account_deleted
    FROM numbers n LEFT JOIN accounts a ON a.name = n.account_name`;

const SERVICES: readonly FlowThroughService[] = ['teamsOperatorConnect', 'teamsPhoneMobile'];

function countBy<T>(items: readonly T[], keyOf: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

function configurationOf(entry: Record<string, unknown>): BackendConfiguration {
  const { telephoneNumber: _n, ...configuration } = entry;
  return configuration as unknown as BackendConfiguration;
}

function serviceOfBackend(tpm: boolean): FlowThroughService {
  return tpm ? 'teamsPhoneMobile' : 'teamsOperatorConnect';
}

export async function checkInvariants(o: Observations): Promise<InvariantResults> {
  const failures: Failure[] = [];
  const counts = Object.fromEntries(INVARIANTS.map((name) => [name, 0])) as Record<InvariantName, number>;
  const fail = (invariant: InvariantName, count: number, examples: readonly string[]): void => {
    counts[invariant] = count;
    if (count > 0) failures.push({ invariant, count, examples: examples.slice(0, MAX_EXAMPLES) });
  };

  const orders = (await o.pool.query<OrderRow>(ORDERS, [o.ordersTopic])).rows;
  const deadLetters = (await o.pool.query<DeadLetterRow>(DEAD_LETTERS, [o.ordersTopic])).rows;
  const byOrderId = new Map(orders.map((r) => [r.order_id, r]));

  // orders_not_terminal: every accepted order reached a terminal state.
  const open = orders.filter((r) => !isTerminal(r.state as OrderState));
  fail(
    'orders_not_terminal',
    open.length,
    open.map((r) => `${r.order_id} (${r.account_name}) is ${r.state}; items: ${r.items ?? 'none'}`),
  );

  // The status topic, per order: its lifecycle events (ce_type status.v1, ce_id orderId:n). A dead-lettered
  // record's rejection (ce_id rejected/topic/partition/offset) is about that record, not about the order
  // a later replay of it made: it is not part of the accepted order's lifecycle.
  const lifecycle = o.status.filter(
    (s) => s.problem === undefined && s.ceType === STATUS_EVENT_TYPE && s.orderId !== undefined && s.sequence !== undefined,
  );
  const eventsOf = new Map<string, StatusRecord[]>();
  for (const s of lifecycle) eventsOf.set(s.orderId as string, [...(eventsOf.get(s.orderId as string) ?? []), s]);

  // terminal_state_disagreements / terminal_events_missing / status_events_missing
  const disagreements: string[] = [];
  const terminalMissing: string[] = [];
  const sequenceGaps: string[] = [];
  let gapCount = 0;
  for (const order of orders) {
    const events = eventsOf.get(order.order_id) ?? [];
    const terminalIds = new Map<string, StatusRecord>();
    for (const e of events)
      if (e.state !== undefined && isTerminal(e.state as OrderState)) terminalIds.set(`${e.ceSource ?? ''} ${e.ceId ?? ''}`, e);
    const terminal = [...terminalIds.values()];
    if (terminal.length > 1)
      disagreements.push(
        `${order.order_id}: ${terminal.length} different terminal events (${terminal.map((e) => `${e.ceId} ${e.state}`).join(', ')})`,
      );
    else if (terminal.length === 1 && isTerminal(order.state as OrderState) && terminal[0]?.state !== order.state) {
      disagreements.push(
        `${order.order_id}: PostgreSQL says ${order.state}, its terminal status event ${terminal[0]?.ceId} says ${terminal[0]?.state}`,
      );
    }
    const last = events.reduce<StatusRecord | undefined>(
      (max, e) => (max === undefined || (e.sequence ?? 0) > (max.sequence ?? 0) ? e : max),
      undefined,
    );
    if (last !== undefined && last.state !== order.state && isTerminal(order.state as OrderState)) {
      disagreements.push(`${order.order_id}: PostgreSQL says ${order.state}, its last status event ${last.ceId} says ${last.state}`);
    }
    if (isTerminal(order.state as OrderState) && terminal.length === 0)
      terminalMissing.push(`${order.order_id} is ${order.state} in PostgreSQL; no terminal status event for it on the status topic`);
    const seen = new Set(events.map((e) => e.sequence).filter((n): n is number => n !== undefined));
    const missing: number[] = [];
    for (let n = 1; n <= order.status_sequence; n += 1) if (!seen.has(n)) missing.push(n);
    if (missing.length > 0) {
      gapCount += missing.length;
      sequenceGaps.push(
        `${order.order_id} (${order.state}, status_sequence ${order.status_sequence}): no event for ${missing.map((n) => `${order.order_id}:${n}`).join(', ')}`,
      );
    }
  }
  fail('terminal_state_disagreements', disagreements.length, disagreements);
  fail('terminal_events_missing', terminalMissing.length, terminalMissing);
  fail('status_events_missing', gapCount, sequenceGaps);

  // duplicate_ce_ids: two different events (by bytes) under one ce_source + ce_id; an identical republish is allowed.
  const byCeId = new Map<string, StatusRecord[]>();
  for (const s of o.status) {
    if (s.ceId === undefined) continue;
    const key = `${s.ceSource ?? ''} ${s.ceId}`;
    const list = byCeId.get(key) ?? [];
    if (!list.some((x) => x.fingerprint === s.fingerprint)) list.push(s);
    byCeId.set(key, list);
  }
  const shared = [...byCeId.values()].filter((list) => list.length > 1);
  fail(
    'duplicate_ce_ids',
    shared.reduce((n, list) => n + list.length - 1, 0),
    shared.map(
      (list) =>
        `ce_id ${list[0]?.ceId} is carried by ${list.length} different events: ${list.map((s) => `${s.state ?? '?'} at p${s.partition}@${s.offset}`).join(', ')}`,
    ),
  );
  const unparseable = o.status.filter((s) => s.problem !== undefined);
  fail(
    'status_events_unparseable',
    unparseable.length,
    unparseable.map((s) => `p${s.partition}@${s.offset} ce_id ${s.ceId}: ${s.problem?.slice(0, 200)}`),
  );

  // changes_applied_twice / unknown_backend_changes: the ledger against our backend operations.
  const operations = new Map((await o.pool.query<OperationRow>(OPERATIONS)).rows.map((r) => [r.request_id, r]));
  const unknown: string[] = [];
  const twice: string[] = [];
  const seenRequestNumber = new Set<string>();
  const byNumber = new Map<string, LedgerEntry[]>();
  for (const entry of o.ledger) {
    const key = `${entry.requestId} ${entry.telephoneNumber}`;
    if (seenRequestNumber.has(key))
      twice.push(`${entry.telephoneNumber}: request ${entry.requestId} (${entry.operation}) applied more than once`);
    seenRequestNumber.add(key);
    if (!operations.has(entry.requestId))
      unknown.push(
        `${entry.telephoneNumber} ${entry.operation} under request ${entry.requestId}: no backend operation of ours carries that id`,
      );
    const k = `${entry.tenantId} ${entry.telephoneNumber}`;
    byNumber.set(k, [...(byNumber.get(k) ?? []), entry]);
  }
  const targetOf = (entry: LedgerEntry): string => {
    if (entry.operation === 'release') return 'release';
    const op = operations.get(entry.requestId);
    const n = op?.body.numbers?.find((x) => x.telephoneNumber === entry.telephoneNumber);
    if (!op || !n) return `${entry.operation} ?`;
    const service = (op.service as FlowThroughService) ?? 'teamsOperatorConnect';
    return `held ${configurationKey(configurationOf(n), service)}`;
  };
  for (const [key, entries] of byNumber) {
    for (let i = 1; i < entries.length; i += 1) {
      const [before, after] = [entries[i - 1] as LedgerEntry, entries[i] as LedgerEntry];
      const [a, b] = [targetOf(before), targetOf(after)];
      if (a === b && !a.endsWith('?')) {
        twice.push(
          `${key.split(' ')[1]} (tenant ${before.tenantId}): ${after.operation} under request ${after.requestId} (backend order ${after.orderId}) repeats ${before.operation} under ${before.requestId} (order ${before.orderId}): same result, applied again`,
        );
      }
    }
  }
  fail('changes_applied_twice', twice.length, twice);
  fail('unknown_backend_changes', unknown.length, unknown);

  // drift: observed state against what the backend holds (the audit's comparison), and desired against the backend for numbers in sync.
  const numbers = (await o.pool.query<NumberRow>(NUMBERS)).rows;
  const backendByNumber = new Map(o.backendNumbers.map((b) => [b.telephoneNumber, b]));
  const tenants = new Set<string>();
  for (const n of numbers) {
    if (n.teams_tenant_id) tenants.add(n.teams_tenant_id);
    for (const a of Object.values(n.observed)) if (a?.tenantId) tenants.add(a.tenantId);
  }
  // Our tenants only: another operator's customers hold numbers of their own (the audit does the same).
  const drift: string[] = [];
  for (const tenantId of [...tenants].sort()) {
    const theirs: BackendNumber[] = o.backendNumbers
      .filter((b) => b.tenantId === tenantId)
      .map((b) => ({
        telephoneNumber: b.telephoneNumber,
        tenantId,
        status: 'assigned',
        teamsPhoneMobile: b.teamsPhoneMobile,
        configuration: b.configuration as unknown as BackendConfiguration,
      }));
    const mine = numbers
      .filter((n) => n.teams_tenant_id === tenantId || Object.values(n.observed).some((a) => a?.tenantId === tenantId))
      .map((n) => ({ telephoneNumber: n.telephone_number, observed: n.observed }));
    for (const d of compareTenant(tenantId, mine, theirs))
      drift.push(`${d.telephoneNumber} (tenant ${tenantId}, ${d.service}): ${d.kind.replaceAll('_', ' ')}`);
  }
  for (const n of numbers) {
    if (n.sync_state !== 'inSync') continue;
    const facts = {
      number: { serviceDetails: n.service_details, deleted: n.deleted },
      account:
        n.account_details === null
          ? null
          : { teamsTenantId: n.teams_tenant_id, serviceDetails: n.account_details, deleted: n.account_deleted === true },
    } as Parameters<typeof desiredAssociation>[0];
    const held = backendByNumber.get(n.telephone_number);
    for (const service of SERVICES) {
      const desired = desiredAssociation(facts, service);
      if (!desired.managed) continue;
      const holds =
        held !== undefined &&
        serviceOfBackend(held.teamsPhoneMobile) === service &&
        (desired.association === null || held.tenantId === desired.association.tenantId);
      if (desired.association === null) {
        if (holds && n.teams_tenant_id !== null && held.tenantId === n.teams_tenant_id)
          drift.push(`${n.telephone_number} (${service}): in sync in PostgreSQL, which wants it released, but the backend still holds it`);
      } else if (!holds) {
        drift.push(
          `${n.telephone_number} (${service}): in sync in PostgreSQL, which wants it held by ${desired.association.tenantId}; the backend ${held ? `holds it for ${held.tenantId}` : 'does not hold it'}`,
        );
      } else if (
        configurationKey(held.configuration as unknown as BackendConfiguration, service) !==
        configurationKey(desired.association.configuration, service)
      ) {
        drift.push(
          `${n.telephone_number} (${service}): in sync in PostgreSQL with configuration ${JSON.stringify(desired.association.configuration)}; the backend holds ${JSON.stringify(held.configuration)}`,
        );
      }
    }
  }
  fail('drift', drift.length, drift);

  // unexpected_exits
  fail(
    'unexpected_exits',
    o.unexpectedExits.length,
    o.unexpectedExits.map(
      (e) =>
        `worker ${e.worker} (pid ${e.pid}) exited by itself at ${e.at} s: code ${e.code}, signal ${e.signal}${e.lastErrors.length > 0 ? `; last errors: ${e.lastErrors.join(' | ')}` : ''}`,
    ),
  );

  // records_skipped: every record of the orders topic is an order, a dead letter, or a byte-identical copy of an accepted order.
  const at = (partition: number, offset: string): string => `${partition}@${offset}`;
  const ordersAt = new Map(orders.map((r) => [at(r.source_partition, r.source_offset), r]));
  const deadAt = new Map(deadLetters.map((d) => [at(d.source_partition, d.source_offset), d]));
  const valueAt = new Map(o.ordersRecords.map((r) => [at(r.partition, r.offset), r.value]));
  const skipped: string[] = [];
  let duplicates = 0;
  for (const r of o.ordersRecords) {
    const key = at(r.partition, r.offset);
    const order = ordersAt.get(key);
    const dead = deadAt.get(key);
    if (order && dead) skipped.push(`p${key}: both accepted (${order.order_id}) and dead-lettered (${dead.error_code})`);
    if (order || dead) continue;
    const accepted = r.orderId === undefined ? undefined : byOrderId.get(r.orderId);
    const original = accepted === undefined ? undefined : valueAt.get(at(accepted.source_partition, accepted.source_offset));
    if (accepted && original && r.value && original.equals(r.value)) duplicates += 1;
    else
      skipped.push(
        `p${key} (order ${r.orderId ?? '?'}): neither accepted nor dead-lettered${accepted ? ', and not a copy of the accepted one' : ''}`,
      );
  }
  fail('records_skipped', skipped.length, skipped);
  fail(
    'outbox_parked',
    o.outboxParked,
    o.outboxParked > 0 ? [`${o.outboxParked} outbox row(s) parked: events never delivered (flowthrough outbox list --parked)`] : [],
  );

  // replay_incomplete: every dead-lettered order of the late account ends accepted, from a replayed record.
  const notReplayed = o.lateOrderIds.filter((id) => !byOrderId.has(id));
  const replayProblems = notReplayed.map((id) => `${id} of the late account was never accepted`);
  if (!o.replayCompleted) replayProblems.unshift('the dead-letter replay did not complete');
  fail('replay_incomplete', notReplayed.length + (o.replayCompleted ? 0 : 1), replayProblems);

  // chaos_incomplete: the run did what it promised, or its invariants prove less than they say.
  const c = o.chaos;
  const missed: string[] = [];
  if (c.killsDone < c.killsPlanned) missed.push(`${c.killsPlanned - c.killsDone} of ${c.killsPlanned} worker kills were not done`);
  if (!c.brokerRestarted) missed.push('the broker was not restarted');
  if (!c.postgresRestarted) missed.push('PostgreSQL was not restarted');
  if (!c.consentActivated) missed.push('the suspended consents were not activated');
  if (!c.replayKilled) missed.push('the dead-letter replay was not killed half-way');
  if (c.heldOrders === 0) missed.push('no order was held for its consent');
  fail('chaos_incomplete', missed.length, missed);

  const replayedAccepted = o.lateOrderIds.filter((id) => byOrderId.has(id)).length;
  return {
    counts,
    failures,
    accepted: orders.length,
    deadLettered: deadLetters.length,
    deadLetteredByCode: countBy(deadLetters, (d) => d.error_code),
    duplicates,
    records: o.ordersRecords.length,
    terminalStates: countBy(orders, (r) => r.state),
    statusEvents: o.status.length,
    ledgerEntries: o.ledger.length,
    numbersBySyncState: countBy(numbers, (n) => `${n.sync_state}${n.deleted ? ' (deleted)' : ''}`),
    replayedAccepted,
    unsuccessful: [...orders.filter((r) => r.state === 'failed'), ...orders.filter((r) => r.state === 'partial')]
      .slice(0, 6)
      .map((r) => `${r.order_id} ${r.state}: ${r.items ?? ''}`),
  };
}
