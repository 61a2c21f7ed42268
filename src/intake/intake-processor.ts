import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { planRecord, rejected, resendWhenAccepted, type DirtyKeys } from '../core/intake/plan-record.js';
import { emptyIntakeState } from '../core/intake/intake-state.js';
import type { RecordDecision, RecordSource } from '../core/intake/planned-order.js';
import { replayClaim, type ReplayClaim } from '../core/intake/replay-claim.js';
import {
  DEFAULT_PARSE_LIMITS,
  parseOrderRecord,
  type Order,
  type OrderValidator,
  type ParseLimits,
  type ParseResult,
} from '../core/order/index.js';
import { classify } from '../core/errors.js';
import type { BackendKind } from '../core/reconcile/backend-kind.js';
import type { ConsumedRecord } from '../platform/kafka/transactional-batch-consumer.js';
import { headersAsText, rawHeaders, storeHeaders } from '../platform/kafka/record-headers.js';
import type { Logger } from '../platform/logging/logger.js';
import { AUTHORISED_CLAIMS } from './intake-sql.js';
import { loadIntakeState } from './load-intake-state.js';
import { writeIntake, type DecidedRecord, type IntakeCounts, type IntakeWriteSettings } from './write-intake.js';

/** Where a record's own decision failed for a reason of ours (a bug): it is dead-lettered as internal_error. */
export type InternalErrorStage = 'parse' | 'process' | 'dead_letter';

export interface IntakeProcessorOptions {
  readonly validator: OrderValidator;
  readonly settings: IntakeWriteSettings;
  readonly logger: Logger;
  /** INTAKE_MAX_*: the defaults when absent. */
  readonly limits?: Omit<ParseLimits, 'now'>;
  readonly now?: () => Date;
  readonly onInternalError?: (stage: InternalErrorStage) => void;
  /** BACKEND: which changes become backend work (planRecord); 'operator-connect' when absent. */
  readonly backend?: BackendKind;
}

interface ParsedRecord {
  readonly record: ConsumedRecord;
  /** null: parsing itself threw; `failure` says why. */
  readonly parsed: ParseResult | null;
  readonly failure: string | null;
  readonly fingerprint: string | null;
  readonly source: RecordSource;
  readonly key: string | null;
  readonly claim: ReplayClaim | null;
  forceStaleAuthorised: boolean;
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

function sourceOf(r: ConsumedRecord): RecordSource {
  const ts = Number(r.message.timestamp);
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: Number.isFinite(ts) && ts > 0 && ts < 8.64e15 ? new Date(ts).toISOString() : new Date(0).toISOString(),
    key: r.message.key?.toString('utf8') ?? null,
  };
}

const messageOf = (error: unknown): string => classify(error).message.slice(0, 1_000);

/**
 * Turns a chunk of order records into PostgreSQL writes inside the caller's
 * transaction: parse and validate, load the state they touch, plan each in
 * order, write it all set-based. Nothing derived from one record can fail the
 * chunk for good: a record whose parsing throws is decided as internal_error
 * on the spot, and a chunk that fails for a non-transient reason (a bug, a
 * value PostgreSQL refuses) is applied record by record, so the one that
 * fails is dead-lettered as internal_error and its partition moves on.
 */
export class IntakeProcessor {
  private readonly options: IntakeProcessorOptions;

  constructor(options: IntakeProcessorOptions) {
    this.options = options;
  }

  async apply(client: PoolClient, records: readonly ConsumedRecord[]): Promise<IntakeCounts> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    const parsed = records.map((record) => this.parse(record, now));
    await this.authoriseForceStale(client, parsed);
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

  private parse(record: ConsumedRecord, now: number): ParsedRecord {
    const source = sourceOf(record);
    const base = { record, source, key: source.key, forceStaleAuthorised: false };
    try {
      const headers = headersAsText(record.message.headers);
      const parsed = parseOrderRecord({ headers, value: record.message.value }, this.options.validator, {
        ...(this.options.limits ?? DEFAULT_PARSE_LIMITS),
        now,
      });
      const fingerprint = parsed.ok ? orderFingerprint(parsed.order) : null;
      return { ...base, parsed, failure: null, fingerprint, claim: parsed.ok && parsed.forceStale ? replayClaim(headers) : null };
    } catch (error) {
      this.options.onInternalError?.('parse');
      this.options.logger.error(
        { err: error, topic: source.topic, partition: source.partition, offset: source.offset },
        'record dead-lettered as internal_error: parsing it failed (a bug: please report it with the dead letter)',
      );
      return { ...base, parsed: null, failure: `parsing failed: ${messageOf(error)}`, fingerprint: null, claim: null };
    }
  }

  /** A --force-stale header is believed only for a replay PostgreSQL recorded (intake-sql.ts AUTHORISED_CLAIMS). */
  private async authoriseForceStale(client: PoolClient, parsed: readonly ParsedRecord[]): Promise<void> {
    const claimed = parsed.filter((p) => p.claim !== null);
    if (claimed.length === 0) return;
    const { rows } = await client.query<{ position: number }>(AUTHORISED_CLAIMS, [
      claimed.map((p) => p.claim?.deadLetterId),
      claimed.map((p) => p.claim?.attempt),
      claimed.map((p) => p.record.message.value),
      claimed[0]?.source.topic,
    ]);
    for (const { position } of rows) {
      const p = claimed[position - 1];
      if (p) p.forceStaleAuthorised = true;
    }
  }

  private async process(client: PoolClient, parsed: readonly ParsedRecord[]): Promise<IntakeCounts> {
    const occurredAt = (this.options.now?.() ?? new Date()).toISOString();
    const orders: Order[] = [];
    const rejectedIds: string[] = [];
    for (const { parsed: r } of parsed) {
      if (r?.ok) orders.push(r.order);
      else if (r?.orderId !== undefined) rejectedIds.push(r.orderId);
    }
    const state = await loadIntakeState(client, orders, rejectedIds);
    const dirty: DirtyKeys = { accounts: new Set(), numbers: new Set(), consents: new Set() };
    const decided: DecidedRecord[] = parsed.map((p) => {
      const decision =
        p.parsed === null
          ? rejected(undefined, undefined, [{ code: 'internal_error', path: '', message: p.failure ?? 'parsing failed' }], occurredAt)
          : planRecord(
              state,
              { parsed: p.parsed, fingerprint: p.fingerprint, key: p.key, occurredAt, forceStaleAuthorised: p.forceStaleAuthorised },
              dirty,
              { backend: this.options.backend ?? 'operator-connect' },
            );
      this.logDecision(decision, p.source);
      return this.decided(p, decision);
    });
    return writeIntake(client, { state, dirty, records: decided, settings: this.options.settings, now: occurredAt });
  }

  private async processOneByOne(client: PoolClient, parsed: readonly ParsedRecord[]): Promise<IntakeCounts> {
    const total: IntakeCounts = { accepted: 0, duplicates: 0, rejected: 0, numbers: 0 };
    for (const p of parsed) {
      await client.query('SAVEPOINT intake_record');
      let counts: IntakeCounts;
      try {
        counts = await this.process(client, [p]);
      } catch (error) {
        if (classify(error).retryable) throw error;
        await client.query('ROLLBACK TO SAVEPOINT intake_record');
        this.options.onInternalError?.('process');
        this.options.logger.error(
          { err: error, ...p.source },
          'record dead-lettered as internal_error: processing it failed (a bug: please report it with the dead letter)',
        );
        counts = await this.deadLetterInternalError(client, p, `processing failed: ${messageOf(error)}`);
      }
      await client.query('RELEASE SAVEPOINT intake_record');
      total.accepted += counts.accepted;
      total.duplicates += counts.duplicates;
      total.rejected += counts.rejected;
      total.numbers += counts.numbers;
    }
    return total;
  }

  /**
   * Dead-letters a record whose processing failed, with its rejected status
   * event where the orderId is readable; if even that fails, the bare dead
   * letter (its bytes, no event), which depends on nothing the record holds.
   */
  private async deadLetterInternalError(client: PoolClient, p: ParsedRecord, message: string): Promise<IntakeCounts> {
    const now = new Date().toISOString();
    const orderId = p.parsed?.ok ? p.parsed.order.orderId : p.parsed?.orderId;
    const account = p.parsed?.ok ? p.parsed.order.account : p.parsed?.account;
    const problem = [{ code: 'internal_error', path: '', message }];
    await client.query('SAVEPOINT intake_dead_letter');
    try {
      const state = await loadIntakeState(client, [], orderId === undefined ? [] : [orderId]);
      const decision = resendWhenAccepted(state, rejected(orderId, account, problem, now));
      return await this.writeAlone(client, p, decision, now);
    } catch (error) {
      if (classify(error).retryable) throw error;
      await client.query('ROLLBACK TO SAVEPOINT intake_dead_letter');
      this.options.onInternalError?.('dead_letter');
      this.options.logger.error(
        { err: error, ...p.source },
        "dead letter written without its status event: writing it with the record's ids failed",
      );
      return this.writeAlone(client, p, rejected(undefined, undefined, problem, now), now);
    }
  }

  private writeAlone(client: PoolClient, p: ParsedRecord, decision: RecordDecision, now: string): Promise<IntakeCounts> {
    return writeIntake(client, {
      state: emptyIntakeState(),
      dirty: { accounts: new Set(), numbers: new Set(), consents: new Set() },
      records: [this.decided(p, decision)],
      settings: this.options.settings,
      now,
    });
  }

  private decided(p: ParsedRecord, decision: RecordDecision): DecidedRecord {
    return {
      decision,
      source: p.source,
      key: p.record.message.key ?? null,
      value: p.record.message.value ?? null,
      headers: () => storeHeaders(rawHeaders(p.record.message.headers)),
    };
  }

  private logDecision(decision: RecordDecision, source: RecordSource): void {
    const { logger } = this.options;
    if (decision.kind === 'rejected') {
      logger.warn(
        {
          orderId: decision.orderId,
          account: decision.account,
          topic: source.topic,
          partition: source.partition,
          offset: source.offset,
          code: decision.errorCode,
          violations: decision.violations.length,
        },
        'order rejected: dead-lettered',
      );
    } else if (decision.kind === 'duplicate') {
      logger.info({ orderId: decision.orderId, partition: source.partition, offset: source.offset }, 'duplicate order ignored');
    } else if (logger.isLevelEnabled('debug')) {
      logger.debug({ orderId: decision.order.orderId, account: decision.order.account, state: decision.state }, 'order accepted');
    }
  }
}
