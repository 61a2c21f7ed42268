import type { PoolClient } from 'pg';
import type { StatusEventData } from '../core/status/status-data.js';
import { statusData, statusEventKey } from '../core/status/status-event.js';
import { named } from '../db/named-query.js';
import { INSERT_STATUS_EVENTS } from './outbox-sql.js';

/** Status events gathered for one set-based insert into the outbox. */
export class StatusEventRows {
  private readonly topic: string[] = [];
  private readonly key: string[] = [];
  private readonly value: string[] = [];
  private readonly eventId: string[] = [];
  private readonly orderId: string[] = [];
  private readonly time: string[] = [];
  private readonly statusTopic: string;

  constructor(statusTopic: string) {
    this.statusTopic = statusTopic;
  }

  get size(): number {
    return this.topic.length;
  }

  /** `id` is the event's ce_id (orderId:sequence, or a rejection's own id). */
  add(id: string, data: StatusEventData): void {
    this.topic.push(this.statusTopic);
    this.key.push(statusEventKey(data));
    this.value.push(JSON.stringify(statusData(data)));
    this.eventId.push(id);
    this.orderId.push(data.orderId);
    this.time.push(data.occurredAt);
  }

  async insert(client: PoolClient): Promise<void> {
    if (this.size === 0) return;
    await client.query(named('outbox-insert-status-events', INSERT_STATUS_EVENTS), [this.topic, this.key, this.value, this.eventId, this.orderId, this.time]);
  }
}
