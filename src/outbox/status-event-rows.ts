import type { PoolClient } from 'pg';
import { STATUS_EVENT_TYPE, type StatusEventData } from '../core/status/status-data.js';
import { statusEventKey } from '../core/status/status-event.js';
import { statusEventValue } from '../core/status/status-size.js';
import { named } from '../platform/db/named-query.js';
import { storableText } from '../platform/db/storable-text.js';
import { INSERT_STATUS_EVENTS } from './outbox-sql.js';
import { packValues, textArrayLiteral } from './status-row-events.js';

/** CloudEvents attributes of a status row that differ from a lifecycle status event's. */
export interface StatusRowOptions {
  /** ce_type; absent: STATUS_EVENT_TYPE. */
  readonly type?: string;
  /** ce_subject; absent: the orderId. */
  readonly subject?: string;
}

export interface StatusRowEvent extends StatusRowOptions {
  /** ce_id: orderId:sequence, or a rejection's own id. PostgreSQL text: no NUL. */
  readonly id: string;
  readonly data: StatusEventData;
}

/** Status events gathered for one set-based insert into the outbox. */
export class StatusEventRows {
  private readonly key: string[] = [];
  private readonly value: string[] = [];
  private readonly eventIds: string[] = [];
  private readonly orderId: string[] = [];
  private readonly time: string[] = [];
  private readonly type: (string | null)[] = [];
  private readonly subject: (string | null)[] = [];
  private readonly statusTopic: string;
  private readonly maxEventBytes: number;
  private events = 0;

  /**
   * `maxEventBytes` (STATUS_EVENT_MAX_BYTES): an event whose JSON value would
   * be larger carries counts per state instead of its per-number results
   * (src/core/status/status-size.ts); absent, no event is summarised.
   */
  constructor(statusTopic: string, maxEventBytes = Number.POSITIVE_INFINITY) {
    this.statusTopic = statusTopic;
    this.maxEventBytes = maxEventBytes;
  }

  /** Events added (a row may hold several). */
  get size(): number {
    return this.events;
  }

  /** `id` is the event's ce_id (orderId:sequence, or a rejection's own id). */
  add(id: string, data: StatusEventData, options?: StatusRowOptions): void {
    this.addSequence([{ id, data, ...options }]);
  }

  /**
   * Consecutive events of one order: those that share its key, instant, type
   * and subject go in one row (see status-row-events.ts); the relay publishes
   * them one by one.
   */
  addSequence(events: readonly StatusRowEvent[]): void {
    let first = 0;
    while (first < events.length) {
      const head = rowOf(events[first] as StatusRowEvent);
      let end = first + 1;
      while (end < events.length && sameRow(head, rowOf(events[end] as StatusRowEvent))) end += 1;
      const run = events.slice(first, end);
      this.key.push(head.key);
      this.value.push(packValues(run.map((e) => this.valueOf(e.data))));
      this.eventIds.push(textArrayLiteral(run.map((e) => e.id)));
      this.orderId.push(head.orderId);
      this.time.push(head.time);
      this.type.push(head.type);
      this.subject.push(head.subject);
      this.events += run.length;
      first = end;
    }
  }

  /** An event that exceeds maxEventBytes even summarised is written all the same: the relay parks it, saying why. */
  private valueOf(data: StatusEventData): string {
    return statusEventValue(data, this.maxEventBytes).value;
  }

  async insert(client: PoolClient): Promise<void> {
    if (this.eventIds.length === 0) return;
    await client.query(named('outbox-insert-status-events', INSERT_STATUS_EVENTS), [
      this.statusTopic,
      this.key,
      this.value,
      this.eventIds,
      this.orderId,
      this.time,
      this.type,
      this.subject,
    ]);
  }
}

interface RowAttributes {
  readonly key: string;
  readonly orderId: string;
  readonly time: string;
  /** NULL when it is the default (the status type; the orderId as stored). */
  readonly type: string | null;
  readonly subject: string | null;
}

/**
 * A rejected record's orderId may hold anything: order_id is stored the way
 * dead_letters.order_id is (src/platform/db/storable-text.ts), so `orders show` finds
 * both by the same text; the subject stays the exact orderId where
 * PostgreSQL text can hold it (anything but NUL).
 */
function rowOf(e: StatusRowEvent): RowAttributes {
  const orderId = storableText(e.data.orderId);
  const subject = e.subject ?? (orderId !== e.data.orderId && !e.data.orderId.includes('\u0000') ? e.data.orderId : undefined);
  return {
    key: statusEventKey(e.data),
    orderId,
    time: e.data.occurredAt,
    type: e.type === undefined || e.type === STATUS_EVENT_TYPE ? null : e.type,
    subject: subject === undefined || subject === orderId ? null : subject,
  };
}

function sameRow(a: RowAttributes, b: RowAttributes): boolean {
  return a.orderId === b.orderId && a.time === b.time && a.key === b.key && a.type === b.type && a.subject === b.subject;
}
