import type { PoolClient } from 'pg';
import type { IntakeState } from '../core/intake/intake-state.js';
import type { AcceptedOrder, RecordDecision, RecordSource } from '../core/intake/planned-order.js';
import type { DirtyKeys } from '../core/intake/plan-record.js';
import { statusEventId } from '../core/status/status-event.js';
import { RESEND_REJECTED_EVENT_TYPE, type StatusProblem } from '../core/status/status-data.js';
import { storableOrNull, storableText } from '../platform/db/storable-text.js';
import { StatusEventRows } from '../outbox/index.js';
import { TransientError } from '../core/errors.js';
import { textHeadersToStored, type StoredHeaders } from '../platform/kafka/record-headers.js';
import { deadLetterCopy, deadLetterHeaders } from './dead-letter-headers.js';
import { named } from '../platform/db/named-query.js';
import * as sql from './intake-sql.js';
import { DistinctValues } from './distinct-values.js';
import { lookupNotices } from '../contracts/lookup-channel.js';

export interface DecidedRecord {
  readonly decision: RecordDecision;
  readonly source: RecordSource;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Only a dead letter keeps the original headers: encoded on demand, off the hot path. */
  readonly headers: () => StoredHeaders;
}

export interface IntakeWriteSettings {
  readonly statusTopic: string;
  /** Largest status event value (STATUS_EVENT_MAX_BYTES); a larger one summarises its per-number results. Absent: no limit. */
  readonly statusEventMaxBytes?: number;
  readonly deadLetterTopic: string;
  readonly consumerGroup: string;
  readonly statusSource: string;
  /** Largest dead-letter copy published whole (DEAD_LETTER_MAX_RECORD_BYTES); a larger original is referenced. */
  readonly deadLetterMaxRecordBytes?: number;
}

export interface IntakeCounts {
  accepted: number;
  duplicates: number;
  rejected: number;
  numbers: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

class OutboxRows {
  readonly topic: string[] = [];
  readonly key: (Buffer | null)[] = [];
  readonly value: (Buffer | null)[] = [];
  readonly headers: string[] = [];
  readonly eventId: (string | null)[] = [];
  readonly orderId: (string | null)[] = [];

  add(
    topic: string,
    key: Buffer | null,
    value: Buffer | null,
    headers: StoredHeaders,
    eventId: string | null,
    orderId: string | null,
  ): void {
    this.topic.push(topic);
    this.key.push(key);
    this.value.push(value);
    this.headers.push(JSON.stringify(headers));
    this.eventId.push(eventId);
    this.orderId.push(orderId);
  }
}

async function writeState(
  client: PoolClient,
  state: IntakeState,
  dirty: DirtyKeys,
  withWork: ReadonlySet<string>,
  now: string,
): Promise<void> {
  if (dirty.accounts.size > 0) {
    const rows = [...dirty.accounts].map((k) => state.accounts.get(k)).filter((a) => a !== undefined);
    await client.query(named('intake-upsert_accounts', sql.UPSERT_ACCOUNTS), [
      rows.map((a) => a.name),
      rows.map((a) => a.correlationId),
      rows.map((a) => a.teamsTenantId),
      rows.map((a) => JSON.stringify(a.serviceDetails)),
      rows.map((a) => a.lastOrderId),
      rows.map((a) => iso(a.lastRequestedAt)),
      rows.map((a) => (a.deleted ? now : null)),
    ]);
  }
  if (dirty.numbers.size > 0) {
    const rows = [...dirty.numbers].map((k) => state.numbers.get(k)).filter((n) => n !== undefined);
    const existing = rows.filter((n) => state.loadedNumbers.has(n.telephoneNumber));
    const created = rows.filter((n) => !state.loadedNumbers.has(n.telephoneNumber));
    const params = (list: typeof rows): unknown[] => {
      const details = new DistinctValues<string>();
      return [
        list.map((n) => n.telephoneNumber),
        list.map((n) => n.accountName),
        details.values,
        list.map((n) => details.indexOf(JSON.stringify(n.serviceDetails))),
        list.map((n) => n.customSipHeader),
        list.map((n) => n.lastOrderId),
        list.map((n) => iso(n.lastRequestedAt)),
        list.map((n) => (n.deleted ? now : null)),
        list.map((n) => withWork.has(n.telephoneNumber)),
      ];
    };
    if (existing.length > 0) await client.query(named('intake-update_numbers', sql.UPDATE_NUMBERS), params(existing));
    if (created.length > 0) {
      const inserted = await client.query(named('intake-insert_numbers', sql.INSERT_NUMBERS), params(created));
      if (inserted.rowCount !== created.length) {
        throw new TransientError(
          'concurrent_number_insert',
          `${created.length - (inserted.rowCount ?? 0)} number(s) were created by another chunk meanwhile; retrying against fresh state`,
        );
      }
    }
  }
  if (dirty.consents.size > 0) {
    const rows = [...dirty.consents].map((k) => state.consents.get(k)).filter((c) => c !== undefined);
    await client.query(sql.UPSERT_CONSENTS, [
      rows.map((c) => c.tenantId),
      rows.map((c) => JSON.stringify(c.customerRelationship)),
      rows.map((c) => c.lastOrderId),
    ]);
  }
}

/**
 * The chunk's flow-through work rows, one per number, with what numbers share
 * (order, item, service, operation) sent once per group: INSERT_ORDER_ITEM_NUMBERS.
 */
interface WorkRows {
  readonly numbers: string[];
  /** Each number's 1-based group. */
  readonly groupOf: number[];
  readonly orderId: string[];
  readonly itemId: string[];
  readonly service: string[];
  readonly operation: string[];
}

function workRowsOf(accepted: ReadonlyArray<{ order: AcceptedOrder }>): WorkRows {
  const work: WorkRows = { numbers: [], groupOf: [], orderId: [], itemId: [], service: [], operation: [] };
  const groups = new DistinctValues<string>();
  for (const { order } of accepted) {
    for (const p of order.items) {
      for (const f of p.flowNumbers) {
        const g = groups.indexOf(`${f.service}\u0000${f.operation}\u0000${order.order.orderId}\u0000${p.item.id}`);
        if (g > work.orderId.length) {
          work.orderId.push(order.order.orderId);
          work.itemId.push(p.item.id);
          work.service.push(f.service);
          work.operation.push(f.operation);
        }
        work.numbers.push(f.telephoneNumber);
        work.groupOf.push(g);
      }
    }
  }
  return work;
}

async function writeOrders(
  client: PoolClient,
  accepted: ReadonlyArray<{ order: AcceptedOrder; source: RecordSource }>,
  work: WorkRows,
): Promise<number> {
  if (accepted.length === 0) return 0;
  await client.query(named('intake-insert_orders', sql.INSERT_ORDERS), [
    accepted.map((a) => a.order.order.orderId),
    accepted.map((a) => a.order.order.account),
    accepted.map((a) => a.order.fingerprint),
    // As an instant in UTC: RFC 3339 allows offsets (+23:59) that PostgreSQL's timestamptz input refuses.
    accepted.map((a) => iso(Date.parse(a.order.order.requestedAt))),
    accepted.map((a) => a.order.state),
    accepted.map((a) => JSON.stringify(a.order.envelope)),
    accepted.map((a) => JSON.stringify(a.order.warnings)),
    accepted.map((a) => a.source.topic),
    accepted.map((a) => a.source.partition),
    accepted.map((a) => a.source.offset),
    accepted.map((a) => a.order.events.length),
  ]);
  const items = accepted.flatMap((a) => a.order.items.map((p) => ({ orderId: a.order.order.orderId, p })));
  await client.query(named('intake-insert_order_items', sql.INSERT_ORDER_ITEMS), [
    items.map((i) => i.orderId),
    items.map((i) => i.p.item.id),
    items.map((i) => i.p.position),
    items.map((i) => i.p.item.action),
    items.map((i) => i.p.item.resource),
    items.map((i) => i.p.state),
    items.map((i) => (i.p.item.resource === 'numbers' ? null : JSON.stringify(i.p.item))),
    items.map((i) => i.p.numberCount),
  ]);
  if (work.numbers.length > 0) {
    await client.query(named('intake-insert_order_item_numbers', sql.INSERT_ORDER_ITEM_NUMBERS), [
      work.numbers,
      work.groupOf,
      work.orderId,
      work.itemId,
      work.service,
      work.operation,
    ]);
  }
  return items.reduce((n, i) => n + i.p.numberCount, 0);
}

/** ce_id of a rejection: its record's position, which no accepted order's `orderId:sequence` can spell (orderIds have no "/"). */
export function rejectionEventId(source: Pick<RecordSource, 'topic' | 'partition' | 'offset'>): string {
  return `rejected/${source.topic}/${source.partition}/${source.offset}`;
}

async function writeDeadLetters(
  client: PoolClient,
  rejected: readonly DecidedRecord[],
  settings: IntakeWriteSettings,
  now: string,
  outbox: OutboxRows,
  status: StatusEventRows,
): Promise<void> {
  if (rejected.length === 0) return;
  const rows = rejected.map((r) => ({ r, d: r.decision as Extract<RecordDecision, { kind: 'rejected' }>, headers: r.headers() }));
  await client.query(sql.INSERT_DEAD_LETTERS, [
    rows.map(({ r }) => r.source.topic),
    rows.map(({ r }) => r.source.partition),
    rows.map(({ r }) => r.source.offset),
    rows.map(({ r }) => r.source.timestamp),
    rows.map(() => settings.consumerGroup),
    rows.map(({ r }) => r.key),
    rows.map(({ r }) => r.value),
    rows.map(({ headers }) => JSON.stringify(headers)),
    rows.map(({ d }) => storableText(d.errorCode)),
    rows.map(({ d }) => storableText(d.errorMessage)),
    rows.map(({ d }) => JSON.stringify(d.violations.map(storableProblem))),
    rows.map(({ d }) => storableOrNull(d.orderId)),
    rows.map(({ d }) => storableOrNull(d.account)),
  ]);
  for (const { r, d, headers } of rows) {
    const dlt = deadLetterHeaders({
      source: r.source,
      consumerGroup: settings.consumerGroup,
      errorCode: d.errorCode,
      errorMessage: d.errorMessage,
      violations: d.violations,
      failedAt: now,
      ...(d.orderId === undefined ? {} : { orderId: d.orderId }),
    });
    const copy = deadLetterCopy({ key: r.key, value: r.value, headers }, textHeadersToStored(dlt), settings.deadLetterMaxRecordBytes);
    outbox.add(settings.deadLetterTopic, copy.key, copy.value, copy.headers, null, storableOrNull(d.orderId));
    if (d.event)
      status.add(rejectionEventId(r.source), d.event, d.resendOfAcceptedOrder === true ? { type: RESEND_REJECTED_EVENT_TYPE } : undefined);
  }
}

function storableProblem(p: StatusProblem): StatusProblem {
  return { code: storableText(p.code), path: storableText(p.path), message: storableText(p.message) };
}

/** Writes a planned chunk: state, orders, dead letters and the outbox rows that announce them. */
export async function writeIntake(
  client: PoolClient,
  input: { state: IntakeState; dirty: DirtyKeys; records: readonly DecidedRecord[]; settings: IntakeWriteSettings; now: string },
): Promise<IntakeCounts> {
  const { state, dirty, records, settings, now } = input;
  const accepted: Array<{ order: AcceptedOrder; source: RecordSource }> = [];
  const rejected: DecidedRecord[] = [];
  let duplicates = 0;
  for (const r of records) {
    if (r.decision.kind === 'accepted') accepted.push({ order: r.decision, source: r.source });
    else if (r.decision.kind === 'rejected') rejected.push(r);
    else duplicates++;
  }
  const work = workRowsOf(accepted);
  await writeState(client, state, dirty, new Set(work.numbers), now);
  // At commit: the call-time lookup indexes re-read the numbers and accounts this chunk wrote (or reload, for very many).
  const lookup = lookupNotices(dirty.numbers, dirty.accounts);
  if (lookup.length > 0) await client.query(sql.NOTIFY_LOOKUP, [lookup]);
  const numbers = await writeOrders(client, accepted, work);
  const outbox = new OutboxRows();
  const status = new StatusEventRows(settings.statusTopic, settings.statusEventMaxBytes);
  for (const { order } of accepted)
    status.addSequence(order.events.map((data, index) => ({ id: statusEventId(order.order.orderId, index + 1), data })));
  await writeDeadLetters(client, rejected, settings, now, outbox, status);
  if (outbox.topic.length > 0) {
    await client.query(sql.INSERT_OUTBOX, [outbox.topic, outbox.key, outbox.value, outbox.headers, outbox.eventId, outbox.orderId]);
  }
  await status.insert(client);
  // At commit: the relays publish what was written; the reconcilers plan what accepted orders brought (work rows, consents).
  if (outbox.topic.length + status.size > 0) await client.query(sql.NOTIFY_OUTBOX);
  if (accepted.length > 0) await client.query(sql.NOTIFY_RECONCILER);
  return { accepted: accepted.length, duplicates, rejected: rejected.length, numbers };
}
