import type { Pool } from 'pg';
import { pollDelayMs, retryDelayMs } from '../core/reconcile/backoff.js';
import type { WorkService } from '../core/reconcile/backend-kind.js';
import type { BackendOperationKind } from '../core/reconcile/plan-work.js';
import { withTransaction } from '../platform/db/pool.js';
import { classify, FlowthroughError } from '../core/errors.js';
import type { Logger } from '../platform/logging/logger.js';
import { BackendPermanentError } from '../operator-connect/index.js';
import { applyOperationOutcome, type OperationOutcome } from './apply-results.js';
import type { Backend, BackendAnswer } from './backend/backend.js';
import type { StatusSettings } from './roll-up-orders.js';
import * as sql from './sql.js';

/** Test seams: fault points of the operation lifecycle. */
export interface ExecutorHooks {
  /** After the backend accepted the order, before its id is recorded: throw here to play a crash. */
  readonly afterSubmit?: (op: { id: string; requestId: string; remoteOrderId: string }) => Promise<void> | void;
  readonly onSettled?: (op: { id: string; state: 'settled' | 'failed'; remoteOrderId: string | null }) => void;
}

export interface ClaimedOperation {
  readonly id: string;
  readonly request_id: string;
  /** The operation's scope: the Teams tenant (operator-connect) or the account (acg); column tenant_id. */
  readonly scope: string;
  readonly service: WorkService;
  readonly operation: BackendOperationKind;
  /** The request body; null for a submitted operation (a status read does not need it). */
  readonly body: Record<string, unknown> | null;
  readonly state: 'planned' | 'submitted';
  readonly remote_order_id: string | null;
  readonly attempts: number;
  readonly polls: number;
  readonly first_sent_ms: number | null;
  readonly submitted_ms: number | null;
  readonly last_error: { code: string; message: string } | null;
}

export interface ExecutorOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly backend: Pick<Backend, 'send' | 'read'>;
  readonly instanceId: string;
  readonly status: StatusSettings;
  readonly leaseMs: number;
  readonly expectedProcessingMs: number;
  readonly pollMaxMs: number;
  readonly retry: { readonly baseMs: number; readonly capMs: number; readonly maxAttempts: number };
  readonly random: () => number;
  readonly hooks: ExecutorHooks;
  /** An operation's success sent work rows back to planning (see applyOperationOutcome): plan again now. */
  readonly onWorkRequeued?: () => void;
}

function settled(answer: BackendAnswer): OperationOutcome {
  return { state: 'settled', remoteStatus: answer.remoteStatus, remoteOrderId: answer.remoteId, results: answer.results ?? [] };
}

function numbersOf(body: Record<string, unknown>): string[] {
  const list = Array.isArray(body.numbers) ? (body.numbers as { telephoneNumber: string }[]) : [];
  return list.map((n) => n.telephoneNumber);
}

/**
 * Runs claimed backend operations: a planned one is sent under its persisted
 * Repeatability-Request-ID (so a resend after a crash is replayed, not
 * applied again) and its remote order id recorded at once; a submitted one
 * is polled, and once terminal its per-number results are applied. Transient
 * failures reschedule with a persisted next_attempt_at; permanent ones fail
 * the operation's numbers with the backend's code and message.
 */
export class Executor {
  constructor(private readonly options: ExecutorOptions) {}

  async claim(limit: number): Promise<ClaimedOperation[]> {
    if (limit <= 0) return [];
    const { pool, instanceId, leaseMs } = this.options;
    return (await pool.query<ClaimedOperation>(sql.CLAIM_OPERATIONS, [instanceId, leaseMs, limit])).rows;
  }

  async run(op: ClaimedOperation, signal?: AbortSignal): Promise<void> {
    const log = this.options.logger.child({ operationId: op.id, scope: op.scope, operation: op.operation });
    try {
      if (op.state === 'planned') await this.submit(op, signal);
      else await this.poll(op, signal);
    } catch (error) {
      if (signal?.aborted) {
        await this.options.pool.query(sql.UNLOCK, [op.id, this.options.instanceId]).catch(() => undefined);
        return;
      }
      await this.failed(op, error, log);
    }
  }

  private async submit(op: ClaimedOperation, signal?: AbortSignal): Promise<void> {
    const { backend, retry } = this.options;
    if (op.attempts > retry.maxAttempts) {
      const last = op.last_error ?? { code: 'attempts_exhausted', message: 'no attempt succeeded' };
      await this.finish(op, {
        state: 'failed',
        remoteStatus: null,
        remoteOrderId: null,
        lastError: last,
        results: await this.allFailed(op, last.code, `gave up after ${retry.maxAttempts} attempts: ${last.message}`),
      });
      return;
    }
    const answer = await backend.send({
      operation: op.operation,
      scope: op.scope,
      service: op.service,
      body: op.body as Record<string, unknown>,
      requestId: op.request_id,
      ...(op.first_sent_ms !== null ? { firstSentAt: op.first_sent_ms } : {}),
      ...(signal ? { signal } : {}),
    });
    await this.options.hooks.afterSubmit?.({ id: op.id, requestId: op.request_id, remoteOrderId: answer.remoteId ?? '' });
    if (answer.results !== null) {
      await this.finish({ ...op, remote_order_id: answer.remoteId }, settled(answer));
      return;
    }
    await this.options.pool.query(sql.RECORD_SUBMITTED, [
      op.id,
      this.options.instanceId,
      answer.remoteId,
      answer.remoteStatus,
      this.options.expectedProcessingMs,
    ]);
  }

  private async poll(op: ClaimedOperation, signal?: AbortSignal): Promise<void> {
    const answer = await this.options.backend.read({
      operation: op.operation,
      requestId: op.request_id,
      scope: op.scope,
      remoteId: op.remote_order_id,
      submittedAtMs: op.submitted_ms,
      numbers: () => this.numbersOf(op),
      ...(signal ? { signal } : {}),
    });
    if (answer.results !== null) {
      await this.finish(op, settled(answer));
      return;
    }
    const delay = pollDelayMs(this.options.expectedProcessingMs, op.polls + 1, this.options.pollMaxMs);
    await this.options.pool.query(sql.RECORD_POLL, [op.id, this.options.instanceId, answer.remoteStatus, delay]);
  }

  private async numbersOf(op: ClaimedOperation): Promise<string[]> {
    if (op.body) return numbersOf(op.body);
    return (await this.options.pool.query<{ telephone_number: string }>(sql.OPERATION_NUMBERS, [op.id])).rows.map(
      (r) => r.telephone_number,
    );
  }

  private async allFailed(op: ClaimedOperation, code: string, message: string): Promise<OperationOutcome['results']> {
    const numbers = await this.numbersOf(op);
    return numbers.map((telephoneNumber) => ({ telephoneNumber, succeeded: false, errorCode: code, message }));
  }

  private async finish(op: ClaimedOperation, outcome: OperationOutcome): Promise<void> {
    const { pool, instanceId, status } = this.options;
    const { applied, requeued } = await withTransaction(pool, (client) =>
      applyOperationOutcome(client, { operationId: op.id, instanceId, outcome, status }),
    );
    if (requeued > 0) this.options.onWorkRequeued?.();
    if (!applied) {
      this.options.logger.warn({ operationId: op.id }, 'operation lease lost before its results were applied; the new holder applies them');
      return;
    }
    this.options.hooks.onSettled?.({ id: op.id, state: outcome.state, remoteOrderId: outcome.remoteOrderId });
  }

  private async failed(op: ClaimedOperation, error: unknown, log: Logger): Promise<void> {
    const { pool, instanceId, retry, random } = this.options;
    const classified =
      error instanceof FlowthroughError ? { retryable: error.retryable, code: error.code, message: error.message } : classify(error);
    if (error instanceof BackendPermanentError) {
      const last = { code: error.code, message: error.message };
      log.warn({ code: error.code, status: error.status }, 'backend refused the operation: its numbers fail');
      const results = await this.allFailed(op, error.code, error.message);
      await this.finish(op, { state: 'failed', remoteStatus: null, remoteOrderId: op.remote_order_id, lastError: last, results });
      return;
    }
    if (classified.retryable) {
      const attempt = op.state === 'planned' ? op.attempts : op.polls + 1;
      const retryAfter =
        error && typeof error === 'object' && 'retryAfterMs' in error && typeof error.retryAfterMs === 'number'
          ? error.retryAfterMs
          : undefined;
      const retryIn =
        error && typeof error === 'object' && 'retryInMs' in error && typeof error.retryInMs === 'number' ? error.retryInMs : undefined;
      const delay = retryDelayMs(retry, attempt, random, retryAfter ?? retryIn);
      log.info({ code: classified.code, attempt, delayMs: delay }, 'transient failure: operation rescheduled');
      await pool.query(sql.RESCHEDULE, [
        op.id,
        instanceId,
        delay,
        JSON.stringify({ code: classified.code, message: classified.message }),
        op.state === 'submitted',
      ]);
      return;
    }
    // Anything else is a bug or a crash in the making: leave the lease to run out, so another
    // attempt (here or on another instance) resends under the same Repeatability-Request-ID.
    log.error({ err: error }, 'operation failed unexpectedly; it is retried once its lease runs out');
  }
}
