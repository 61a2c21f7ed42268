import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AccountServiceDetailsSpec } from '../core/order/order.js';
import { writesConsent } from '../core/order-state/initial-item-state.js';
import { SUPERSEDED_BY_LATER_ORDER } from '../core/order-state/states.js';
import { retryDelayMs, type RetrySchedule } from '../core/reconcile/backoff.js';
import type { StatusReason } from '../core/status/status-data.js';
import { withTransaction } from '../platform/db/pool.js';
import { classify } from '../core/errors.js';
import type { Logger } from '../platform/logging/logger.js';
import type { CustomerRelationshipChange, MutationOptions } from '../operator-connect/index.js';
import { rollUpOrders, type StatusSettings } from './roll-up-orders.js';
import * as sql from './sql.js';

export interface RelationshipWriter {
  updateCustomerRelationship(
    tenantId: string,
    change: CustomerRelationshipChange,
    requestId: string,
    options?: MutationOptions,
  ): Promise<unknown>;
}

interface Claimed {
  tenant_id: string;
  customer_relationship: CustomerRelationshipChange;
  last_order_id: string;
}

/** What became of the relationship an order set: written, refused for good, or not to be written. */
type Result =
  | { readonly kind: 'written' }
  | { readonly kind: 'refused'; readonly reason: StatusReason }
  | { readonly kind: 'notSynchronised'; readonly account: string; readonly accountOrderId: string | null };

export interface ConsentSyncOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly client: RelationshipWriter;
  readonly leaseMs: number;
  readonly retry: RetrySchedule;
  readonly random: () => number;
  /** STATUS_TOPIC and STATUS_EVENT_SOURCE: consent items roll their orders up. */
  readonly status: StatusSettings;
}

/**
 * Writes consent items' customer relationship (ConsentAcknowledged,
 * CustomerContacted…) back to Operator Connect. Level-triggered on
 * consents.last_order_id ≠ synced_order_id (the last order the sync is done
 * with); the Repeatability-Request-ID is derived from (tenant, order), so a
 * resend after a crash is replayed.
 *
 * A consent item stays inProgress until its relationship is written: the
 * backend's success completes it; a permanent refusal (ConsentNotFound, a
 * 400…) fails it with the backend's code and message; a transient failure is
 * retried with backoff and leaves it inProgress. Its order rolls up with a
 * status event in the same transaction. The relationship is written only
 * when the order's account synchronises Operator Connect or Teams Phone
 * Mobile (writesConsent); otherwise it is recorded only, and an item still
 * waiting (the account stopped synchronising after the order) completes as
 * superseded. Older items of the same tenant whose relationship was replaced
 * before it was written complete as superseded by the order written.
 */
export class ConsentSync {
  private readonly attempts = new Map<string, number>();

  constructor(private readonly options: ConsentSyncOptions) {}

  async run(signal?: AbortSignal): Promise<number> {
    const { pool } = this.options;
    const due = (await pool.query<Claimed>(sql.CLAIM_CONSENTS, [this.options.leaseMs, 20])).rows;
    await Promise.all(due.map((row) => this.sync(row, signal)));
    return due.length;
  }

  private async sync(row: Claimed, signal: AbortSignal | undefined): Promise<void> {
    const { pool, client, logger } = this.options;
    const account = (
      await pool.query<{ account_name: string; service_details: AccountServiceDetailsSpec | null; account_order_id: string | null }>(
        sql.CONSENT_ORDER_ACCOUNT,
        [row.last_order_id],
      )
    ).rows[0];
    const details = account?.service_details;
    // An order whose account is gone keeps the former behaviour: the relationship is written.
    const writes =
      !details ||
      writesConsent({
        syncEnabled: {
          teamsOperatorConnect: details.teamsOperatorConnect?.syncEnabled === true,
          teamsPhoneMobile: details.teamsPhoneMobile?.syncEnabled === true,
        },
      });
    if (!writes) {
      await this.finish(row, {
        kind: 'notSynchronised',
        account: account?.account_name ?? '',
        accountOrderId: account?.account_order_id ?? null,
      });
      return;
    }
    const requestId = createHash('sha256').update(`consent\u0000${row.tenant_id}\u0000${row.last_order_id}`).digest('hex');
    const change: CustomerRelationshipChange = {
      status: row.customer_relationship.status,
      ...(row.customer_relationship.comment ? { comment: row.customer_relationship.comment } : {}),
    };
    let result: Result;
    try {
      await client.updateCustomerRelationship(row.tenant_id, change, requestId, signal ? { signal } : {});
      result = { kind: 'written' };
    } catch (error) {
      const c = classify(error);
      if (c.retryable || signal?.aborted) {
        const attempt = (this.attempts.get(row.tenant_id) ?? 0) + 1;
        this.attempts.set(row.tenant_id, attempt);
        const problem = JSON.stringify({ code: c.code, message: c.message, orderId: row.last_order_id });
        await pool.query(sql.RETRY_CONSENT, [row.tenant_id, retryDelayMs(this.options.retry, attempt, this.options.random), problem]);
        return;
      }
      logger.warn(
        { tenantId: row.tenant_id, orderId: row.last_order_id, code: c.code },
        'the backend refused the customer relationship: its consent item fails',
      );
      result = { kind: 'refused', reason: { code: c.code, message: c.message } };
    }
    this.attempts.delete(row.tenant_id);
    await this.finish(row, result);
  }

  /**
   * In one transaction: the consent row is done with this order, the
   * tenant's waiting consent items take the result (the written order's) or
   * are superseded (older ones), and their orders roll up with their status
   * events.
   */
  private finish(row: Claimed, result: Result): Promise<void> {
    const { pool, status } = this.options;
    return withTransaction(pool, async (tx) => {
      const current = (await tx.query<{ last_order_id: string }>(sql.LOCK_CONSENT, [row.tenant_id])).rows[0]?.last_order_id;
      const error =
        result.kind === 'written'
          ? null
          : result.kind === 'refused'
            ? { ...result.reason, orderId: row.last_order_id }
            : {
                code: 'not_synchronised',
                message: `not written: account ${result.account} synchronises neither Operator Connect nor Teams Phone Mobile`,
                orderId: row.last_order_id,
              };
      await tx.query(sql.CONSENT_DONE, [row.tenant_id, row.last_order_id, error ? JSON.stringify(error) : null]);
      const orders = await this.closeItems(tx, row, result, current === row.last_order_id);
      if (orders.size > 0) await rollUpOrders(tx, orders, status);
    });
  }

  private async closeItems(tx: PoolClient, row: Claimed, result: Result, isLatest: boolean): Promise<Set<string>> {
    const open = (await tx.query<{ order_id: string; item_id: string; received_ms: number }>(sql.OPEN_CONSENT_ITEMS, [row.tenant_id])).rows;
    const receivedMs = open.find((i) => i.order_id === row.last_order_id)?.received_ms;
    const close = { order: [] as string[], item: [] as string[], state: [] as string[], reason: [] as (string | null)[] };
    const add = (orderId: string, itemId: string, state: 'completed' | 'failed', reason: StatusReason | null): void => {
      close.order.push(orderId);
      close.item.push(itemId);
      close.state.push(state);
      close.reason.push(reason ? JSON.stringify(reason) : null);
    };
    for (const item of open) {
      if (item.order_id === row.last_order_id) {
        if (result.kind === 'written') add(item.order_id, item.item_id, 'completed', null);
        else if (result.kind === 'refused') add(item.order_id, item.item_id, 'failed', result.reason);
        else {
          const by = result.accountOrderId ?? row.last_order_id;
          add(item.order_id, item.item_id, 'completed', {
            code: SUPERSEDED_BY_LATER_ORDER,
            message: `not written: account ${result.account} no longer synchronises Operator Connect or Teams Phone Mobile (order ${by}); the operator manages the relationship in Microsoft's portal`,
          });
        }
      } else if (isLatest || (receivedMs !== undefined && item.received_ms <= receivedMs)) {
        // Replaced before it was written: an older order's relationship, or any other when this order is the tenant's latest.
        add(item.order_id, item.item_id, 'completed', {
          code: SUPERSEDED_BY_LATER_ORDER,
          message: `not written: order ${row.last_order_id} set tenant ${row.tenant_id}'s customer relationship before this one reached the backend; that order's result is the relationship's`,
        });
      }
    }
    if (close.order.length === 0) return new Set();
    const orders = [...new Set(close.order)].sort();
    // Orders first, in key order (as every roll-up locks them), then their items.
    await tx.query(sql.LOCK_ORDERS, [orders]);
    await tx.query(sql.CLOSE_CONSENT_ITEMS, [close.order, close.item, close.state, close.reason]);
    return new Set(orders);
  }
}
