import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { planRecord, rejected, type DirtyKeys } from '../core/intake/plan-record.js';
import type { RecordDecision, RecordSource } from '../core/intake/planned-order.js';
import { parseOrderRecord, type Order, type OrderValidator, type ParseResult } from '../core/order/index.js';
import { classify } from '../errors.js';
import type { ConsumedRecord } from '../kafka/transactional-batch-consumer.js';
import { headersAsText, storeHeaders } from '../kafka/record-headers.js';
import type { Logger } from '../logging/logger.js';
import { loadIntakeState } from './load-intake-state.js';
import { writeIntake, type DecidedRecord, type IntakeCounts, type IntakeWriteSettings } from './write-intake.js';

export interface IntakeProcessorOptions {
  readonly validator: OrderValidator;
  readonly settings: IntakeWriteSettings;
  readonly logger: Logger;
  readonly now?: () => Date;
}

interface ParsedRecord {
  readonly record: ConsumedRecord;
  readonly parsed: ParseResult;
  readonly fingerprint: string | null;
  readonly source: RecordSource;
  readonly key: string | null;
}

/**
 * sha256 of the normalised order. Normalisation builds every object field by
 * field in a fixed order, so JSON.stringify is already canonical: two sends
 * of the same content in another key order give the same fingerprint (a test
 * holds this), at a fraction of a key-sorting serialiser's cost on the hot path.
 */
export function orderFingerprint(order: Order): string {
  return createHash('sha256').update(JSON.stringify(order)).digest('hex');
}

function fingerprintOf(parsed: ParseResult): string | null {
  return parsed.ok ? orderFingerprint(parsed.order) : null;
}

function sourceOf(r: ConsumedRecord): RecordSource {
  const ts = Number(r.message.timestamp);
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: Number.isFinite(ts) && ts > 0 ? new Date(ts).toISOString() : new Date(0).toISOString(),
    key: r.message.key?.toString('utf8') ?? null,
  };
}

/**
 * Turns a chunk of order records into PostgreSQL writes inside the caller's
 * transaction: parse and validate, load the state they touch, plan each in
 * order, write it all set-based. A record that makes the chunk fail for a
 * non-transient reason (a bug, a value PostgreSQL refuses) is isolated and
 * dead-lettered as internal_error, so it cannot stall its partition.
 */
export class IntakeProcessor {
  private readonly options: IntakeProcessorOptions;

  constructor(options: IntakeProcessorOptions) {
    this.options = options;
  }

  async apply(client: PoolClient, records: readonly ConsumedRecord[]): Promise<IntakeCounts> {
    const parsed = records.map((record) => this.parse(record));
    await client.query('SAVEPOINT intake_chunk');
    try {
      return await this.process(client, parsed);
    } catch (error) {
      if (classify(error).retryable || records.length === 0) throw error;
      await client.query('ROLLBACK TO SAVEPOINT intake_chunk');
      this.options.logger.error({ err: error, records: records.length }, 'chunk failed permanently: isolating the record that fails');
      return this.processOneByOne(client, parsed);
    }
  }

  private parse(record: ConsumedRecord): ParsedRecord {
    const parsed = parseOrderRecord({ headers: headersAsText(record.message.headers), value: record.message.value }, this.options.validator);
    const source = sourceOf(record);
    return { record, parsed, fingerprint: fingerprintOf(parsed), source, key: source.key };
  }

  private async process(client: PoolClient, parsed: readonly ParsedRecord[]): Promise<IntakeCounts> {
    const now = (this.options.now?.() ?? new Date()).toISOString();
    const state = await loadIntakeState(client, parsed.flatMap((p) => (p.parsed.ok ? [p.parsed.order] : [])));
    const dirty: DirtyKeys = { accounts: new Set(), numbers: new Set(), consents: new Set() };
    const decided: DecidedRecord[] = parsed.map((p) => {
      const decision = planRecord(state, { parsed: p.parsed, fingerprint: p.fingerprint, key: p.key, occurredAt: now }, dirty);
      this.logDecision(decision, p.source);
      return this.decided(p, decision);
    });
    return writeIntake(client, { state, dirty, records: decided, settings: this.options.settings, now });
  }

  private async processOneByOne(client: PoolClient, parsed: readonly ParsedRecord[]): Promise<IntakeCounts> {
    const total: IntakeCounts = { accepted: 0, duplicates: 0, rejected: 0, numbers: 0 };
    for (const p of parsed) {
      await client.query('SAVEPOINT intake_record');
      let counts: IntakeCounts;
      try {
        counts = await this.process(client, [p]);
      } catch (error) {
        const c = classify(error);
        if (c.retryable) throw error;
        await client.query('ROLLBACK TO SAVEPOINT intake_record');
        this.options.logger.error({ err: error, ...p.source }, 'record dead-lettered: processing failed');
        const orderId = p.parsed.ok ? p.parsed.order.orderId : p.parsed.orderId;
        const account = p.parsed.ok ? p.parsed.order.account : p.parsed.account;
        const decision: RecordDecision = rejected(orderId, account, [{ code: 'internal_error', path: '', message: `processing failed: ${c.message}` }], new Date().toISOString());
        counts = await writeIntake(client, {
          state: (await loadIntakeState(client, [])),
          dirty: { accounts: new Set(), numbers: new Set(), consents: new Set() },
          records: [this.decided(p, decision)],
          settings: this.options.settings,
          now: new Date().toISOString(),
        });
      }
      await client.query('RELEASE SAVEPOINT intake_record');
      total.accepted += counts.accepted;
      total.duplicates += counts.duplicates;
      total.rejected += counts.rejected;
      total.numbers += counts.numbers;
    }
    return total;
  }

  private decided(p: ParsedRecord, decision: RecordDecision): DecidedRecord {
    return { decision, source: p.source, key: p.record.message.key ?? null, value: p.record.message.value ?? null, headers: () => storeHeaders(p.record.message.headers) };
  }

  private logDecision(decision: RecordDecision, source: RecordSource): void {
    const { logger } = this.options;
    if (decision.kind === 'rejected') {
      logger.warn({ orderId: decision.orderId, account: decision.account, topic: source.topic, partition: source.partition, offset: source.offset, code: decision.errorCode, violations: decision.violations.length }, 'order rejected: dead-lettered');
    } else if (decision.kind === 'duplicate') {
      logger.info({ orderId: decision.orderId, partition: source.partition, offset: source.offset }, 'duplicate order ignored');
    } else if (logger.isLevelEnabled('debug')) {
      logger.debug({ orderId: decision.order.orderId, account: decision.order.account, state: decision.state }, 'order accepted');
    }
  }
}
