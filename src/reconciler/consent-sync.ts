import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { retryDelayMs, type RetrySchedule } from '../core/reconcile/backoff.js';
import { classify } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { CustomerRelationshipChange, MutationOptions } from '../operator-connect/operator-connect-client.js';
import type { Consent } from '../simulator/api-contract.js';

export interface RelationshipWriter {
  updateCustomerRelationship(tenantId: string, change: CustomerRelationshipChange, requestId: string, options?: MutationOptions): Promise<Consent>;
}

/** $1 lease ms, $2 limit: consents whose desired customer relationship has not reached the backend, leased. */
const CLAIM = `
  UPDATE consents c SET next_sync_at = now() + make_interval(secs => $1::float8 / 1000)
   WHERE c.tenant_id IN (SELECT tenant_id FROM consents
                          WHERE synced_order_id IS DISTINCT FROM last_order_id AND (next_sync_at IS NULL OR next_sync_at <= now())
                          ORDER BY tenant_id LIMIT $2 FOR UPDATE SKIP LOCKED)
  RETURNING c.tenant_id, c.customer_relationship, c.last_order_id`;

/** $1 tenant, $2 the version written, $3 error (null on success) */
const DONE = `UPDATE consents SET synced_order_id = $2, sync_error = $3::jsonb, next_sync_at = NULL WHERE tenant_id = $1`;

/** $1 tenant, $2 retry after ms, $3 error */
const RETRY = `UPDATE consents SET next_sync_at = now() + make_interval(secs => $2::float8 / 1000), sync_error = $3::jsonb WHERE tenant_id = $1`;

/**
 * Writes consent items' customer relationship (ConsentAcknowledged,
 * CustomerContacted…) back to Operator Connect. Level-triggered on
 * consents.last_order_id ≠ synced_order_id; the Repeatability-Request-ID is
 * derived from (tenant, order), so a resend after a crash is replayed.
 * Consent items are already final at intake (the core records them only),
 * so the outcome is kept on the consent row, not in an order.
 */
export class ConsentSync {
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly options: { pool: Pool; logger: Logger; client: RelationshipWriter; leaseMs: number; retry: RetrySchedule; random: () => number },
  ) {}

  async run(signal?: AbortSignal): Promise<number> {
    const { pool, client, logger } = this.options;
    const due = (await pool.query<{ tenant_id: string; customer_relationship: CustomerRelationshipChange; last_order_id: string }>(CLAIM, [this.options.leaseMs, 20])).rows;
    await Promise.all(
      due.map(async (row) => {
        const requestId = createHash('sha256').update(`consent\u0000${row.tenant_id}\u0000${row.last_order_id}`).digest('hex');
        const change: CustomerRelationshipChange = {
          status: row.customer_relationship.status,
          ...(row.customer_relationship.comment ? { comment: row.customer_relationship.comment } : {}),
        };
        try {
          await client.updateCustomerRelationship(row.tenant_id, change, requestId, signal ? { signal } : {});
          this.attempts.delete(row.tenant_id);
          await pool.query(DONE, [row.tenant_id, row.last_order_id, null]);
        } catch (error) {
          const c = classify(error);
          const problem = JSON.stringify({ code: c.code, message: c.message, orderId: row.last_order_id });
          if (c.retryable || signal?.aborted) {
            const attempt = (this.attempts.get(row.tenant_id) ?? 0) + 1;
            this.attempts.set(row.tenant_id, attempt);
            await pool.query(RETRY, [row.tenant_id, retryDelayMs(this.options.retry, attempt, this.options.random), problem]);
          } else {
            logger.warn({ tenantId: row.tenant_id, code: c.code }, 'the backend refused the customer relationship');
            await pool.query(DONE, [row.tenant_id, row.last_order_id, problem]);
          }
        }
      }),
    );
    return due.length;
  }
}
