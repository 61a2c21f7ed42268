import { setTimeout as delay } from 'node:timers/promises';
import type { Kafka, Message, Producer } from 'kafkajs';
import type pg from 'pg';
import type { Pool } from 'pg';
import { withTransaction } from '../db/pool.js';
import { OUTBOX_CHANNEL } from './outbox-sql.js';
import { unpackStatusRow } from './status-row-events.js';
import { statusEventHeaders } from '../core/status/status-event.js';
import { restoreHeaders, type StoredHeaders } from '../kafka/record-headers.js';
import type { Logger } from '../logging/logger.js';
import type { WorkerService } from '../worker/worker.js';

export interface OutboxRelayOptions {
  readonly kafka: Kafka;
  readonly pool: Pool;
  readonly logger: Logger;
  readonly batchSize: number;
  /** Longest wait between looks when no notification arrives. */
  readonly pollIntervalMs: number;
  readonly retentionHours: number;
  /** ce_source of status events whose headers the relay derives. */
  readonly statusSource: string;
  /** Fault injection for crash tests: runs after Kafka acknowledged, before the rows are marked. */
  readonly afterPublish?: (ids: readonly string[]) => Promise<void> | void;
  /** Records published (a status row may hold several). */
  readonly onPublished?: (count: number) => void;
}

interface OutboxRow {
  id: string;
  topic: string;
  message_key: Buffer | null;
  value: Buffer | null;
  headers: string | null;
  event_id: string | null;
  order_id: string | null;
  event_time: Date | null;
}

/** Every relay serialises on this lock: one publisher at a time keeps per-key order. */
const RELAY_LOCK_KEY = 7_311_004_013;

// ORDER BY the table's bigint id, not the text alias ("10" < "9").
const CLAIM = `SELECT o.id::text AS id, topic, message_key, value, headers, event_id, order_id, event_time
                 FROM outbox o WHERE published_at IS NULL ORDER BY o.id LIMIT $1`;
const MARK = `UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`;
const PRUNE = `DELETE FROM outbox WHERE published_at < now() - make_interval(hours => $1)`;

/**
 * Publishes outbox rows to Kafka with the idempotent producer, oldest first,
 * and marks them published in the transaction that claimed them. Several
 * relays may run: a transaction-scoped advisory lock lets one publish at a
 * time, so no row goes out twice concurrently and per-key order holds. A
 * crash between publishing and marking republishes those rows (same ce_id):
 * at least once, never lost.
 */
export class OutboxRelay implements WorkerService {
  readonly name = 'outbox-relay';
  private readonly options: OutboxRelayOptions;
  private readonly producer: Producer;
  private listener: pg.PoolClient | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private lastPrune = 0;
  private notified = false;

  constructor(options: OutboxRelayOptions) {
    this.options = options;
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.listener = await this.options.pool.connect();
    this.listener.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    await this.listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    if (this.listener) {
      await this.listener.query(`UNLISTEN ${OUTBOX_CHANNEL}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
    await this.producer.disconnect();
  }

  /** Publishes until the outbox is empty (or another relay holds the lock); returns the rows published. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      if (published === null) return total;
      total += published;
      if (published < this.options.batchSize) return total;
    }
  }

  private async run(): Promise<void> {
    const { logger, pollIntervalMs } = this.options;
    while (this.running) {
      this.notified = false;
      try {
        await this.drain();
        await this.pruneNowAndThen();
      } catch (error) {
        logger.error({ err: error }, 'outbox relay cycle failed; retrying');
      }
      if (!this.running) break;
      if (this.notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** One claim-publish-mark cycle: the rows published, or null when another relay holds the lock. */
  private async publishBatch(): Promise<number | null> {
    const published = await withTransaction(this.options.pool, async (client) => {
      const { rows: lock } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK_KEY]);
      if (!lock[0]?.locked) return null;
      const { rows } = await client.query<OutboxRow>(CLAIM, [this.options.batchSize]);
      if (rows.length === 0) return { rows: 0, records: 0 };
      const topicMessages = groupByTopic(rows, this.options.statusSource);
      await this.producer.sendBatch({ acks: -1, topicMessages });
      const ids = rows.map((r) => r.id);
      await this.options.afterPublish?.(ids);
      await client.query(MARK, [ids]);
      return { rows: rows.length, records: topicMessages.reduce((n, t) => n + t.messages.length, 0) };
    });
    if (published === null) await delay(50);
    else if (published.records > 0) this.options.onPublished?.(published.records);
    return published === null ? null : published.rows;
  }

  private async pruneNowAndThen(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const result = await this.options.pool.query(PRUNE, [this.options.retentionHours]);
    if (result.rowCount) this.options.logger.info({ pruned: result.rowCount }, 'pruned published outbox rows');
  }
}

/** Consecutive rows of one topic stay together, in id order; a status row may hold several events. */
function groupByTopic(rows: readonly OutboxRow[], statusSource: string): Array<{ topic: string; messages: Message[] }> {
  const out: Array<{ topic: string; messages: Message[] }> = [];
  for (const r of rows) {
    const messages: Message[] =
      r.headers !== null || r.event_id === null || r.value === null
        ? [{ key: r.message_key, value: r.value, headers: r.headers !== null ? restoreHeaders(JSON.parse(r.headers) as StoredHeaders) : {} }]
        : unpackStatusRow(r.event_id, r.value).map((event) => ({
            key: r.message_key,
            value: event.value,
            headers: statusEventHeaders({ id: event.id, source: statusSource, orderId: r.order_id ?? '', time: (r.event_time ?? new Date()).toISOString() }),
          }));
    const last = out.at(-1);
    if (last && last.topic === r.topic) last.messages.push(...messages);
    else out.push({ topic: r.topic, messages });
  }
  return out;
}
