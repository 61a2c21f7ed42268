import type { PoolClient } from 'pg';
import type { StatusEventData } from '../core/status/status-data.js';
import { statusData, statusEventKey } from '../core/status/status-event.js';
import { named } from '../db/named-query.js';
import { INSERT_STATUS_EVENTS } from './outbox-sql.js';
import { EVENT_SEPARATOR } from './status-row-events.js';

/** Status events gathered for one set-based insert into the outbox. */
export class StatusEventRows {
  private readonly key: string[] = [];
  private readonly value: string[] = [];
  private readonly eventId: string[] = [];
  private readonly orderId: string[] = [];
  private readonly time: string[] = [];
  private readonly statusTopic: string;
  private events = 0;

  constructor(statusTopic: string) {
    this.statusTopic = statusTopic;
  }

  /** Events added (a row may hold several). */
  get size(): number {
    return this.events;
  }

  /** `id` is the event's ce_id (orderId:sequence, or a rejection's own id). */
  add(id: string, data: StatusEventData): void {
    this.addSequence([{ id, data }]);
  }

  /**
   * Consecutive events of one order: those that share its key and instant go
   * in one row (see status-row-events.ts); the relay publishes them one by one.
   */
  addSequence(events: ReadonlyArray<{ readonly id: string; readonly data: StatusEventData }>): void {
    let first = 0;
    while (first < events.length) {
      const head = events[first] as { id: string; data: StatusEventData };
      let end = first + 1;
      while (end < events.length && sameRow(head.data, (events[end] as { data: StatusEventData }).data)) end += 1;
      const run = events.slice(first, end);
      this.addRow(run.map((e) => e.id).join(EVENT_SEPARATOR), run.map((e) => JSON.stringify(statusData(e.data))).join(EVENT_SEPARATOR), head.data);
      this.events += run.length;
      first = end;
    }
  }

  private addRow(ids: string, value: string, data: StatusEventData): void {
    this.key.push(statusEventKey(data));
    this.value.push(value);
    this.eventId.push(ids);
    this.orderId.push(data.orderId);
    this.time.push(data.occurredAt);
  }

  async insert(client: PoolClient): Promise<void> {
    if (this.eventId.length === 0) return;
    await client.query(named('outbox-insert-status-events', INSERT_STATUS_EVENTS), [this.statusTopic, this.key, this.value, this.eventId, this.orderId, this.time]);
  }
}

function sameRow(a: StatusEventData, b: StatusEventData): boolean {
  return a.orderId === b.orderId && a.occurredAt === b.occurredAt && statusEventKey(a) === statusEventKey(b);
}
