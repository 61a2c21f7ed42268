import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { AccountResource, MutationOptions, Tagged } from '../acg/index.js';
import { acgAccountBody, type AcgAccountBody } from '../core/acg/account-resource.js';
import { classify, FlowthroughError } from '../core/errors.js';
import type { AccountServiceDetailsSpec } from '../core/order/order.js';
import { canonicalJson } from '../core/order/canonical-json.js';
import { SUPERSEDED_BY_LATER_ORDER } from '../core/order-state/states.js';
import { retryDelayMs, type RetrySchedule } from '../core/reconcile/backoff.js';
import type { StatusReason } from '../core/status/status-data.js';
import { withTransaction } from '../platform/db/pool.js';
import type { Logger } from '../platform/logging/logger.js';
import * as sql from './account-sync-sql.js';
import { rollUpOrders, type StatusSettings } from './roll-up-orders.js';

/** What the account sync needs of the ACG Provisioning API client (AcgProvisioningClient fits). */
export interface AccountWriter {
  putAccount(name: string, account: AccountResource, options: MutationOptions): Promise<Tagged<AccountResource>>;
  getAccount(name: string, signal?: AbortSignal): Promise<Tagged<AccountResource>>;
  deleteAccount(name: string, options: MutationOptions & { readonly deleteNumbers?: boolean }): Promise<void>;
}

/**
 * What the backend last reported for an account (accounts.backend_observed):
 * its answer to a PUT or GET, or that a DELETE went through.
 */
export interface AccountObserved {
  readonly etag?: string;
  readonly serviceProvisioningStatus?: string;
  readonly serviceProvisioningErrors?: readonly { readonly code?: string; readonly message?: string }[];
  /** serviceDetails.teamsDirectRouting.subdomainStatus (absent when the account configures no Direct Routing). */
  readonly subdomainStatus?: string;
  /** The order whose account state was sent (last_order_id then). */
  readonly requestedOrderId: string;
  /** sha256 of the canonical body sent: a pending account whose body did not change is read, not written again. */
  readonly bodyHash?: string;
  /** The account is gone from the backend (DELETE answered, or it was not there). */
  readonly deleted?: true;
  readonly at: string;
}

interface Claimed {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  service_details: AccountServiceDetailsSpec;
  last_order_id: string;
  deleted: boolean;
  backend_observed: AccountObserved | null;
  sync_attempts: number;
  /** Re-syncs the drift audit asked for: part of the request ids, so a re-sync is a new write. */
  resyncs: number;
}

/** What became of the account state an order set. */
type Result =
  | { readonly kind: 'written'; readonly observed: AccountObserved }
  | { readonly kind: 'refused'; readonly reason: StatusReason; readonly observed: AccountObserved | null };

export interface AccountSyncOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly client: AccountWriter;
  /** How long a claimed account stays leased to this instance (RECONCILER_LEASE_MS). */
  readonly leaseMs: number;
  /** Backoff of transient failures (RECONCILER_RETRY_*). */
  readonly retry: RetrySchedule;
  readonly random: () => number;
  /** STATUS_TOPIC and STATUS_EVENT_SOURCE: account items roll their orders up. */
  readonly status: StatusSettings;
  /** How long to wait before reading again an account the backend reports pending. */
  readonly pollMs: number;
  /** How long a deleted account waits before looking again whether its numbers' work is done; pollMs when absent. */
  readonly deleteRecheckMs?: number;
  /** Accounts claimed per run; 20 when absent. */
  readonly batch?: number;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Repeatability-Request-ID of writing the account state an order set: the same on every resend, after a crash too. */
export function accountRequestId(name: string, orderId: string, resyncs = 0): string {
  // Without a re-sync the id is as it always was: a write in flight across an upgrade keeps its id.
  return sha256(`account\u0000${name}\u0000${orderId}${resyncs > 0 ? `\u0000resync ${resyncs}` : ''}`);
}

/** Repeatability-Request-ID of deleting the account an order deleted. */
export function accountDeleteRequestId(name: string, orderId: string, resyncs = 0): string {
  return sha256(`account-delete\u0000${name}\u0000${orderId}${resyncs > 0 ? `\u0000resync ${resyncs}` : ''}`);
}

const record = (value: unknown): Readonly<Record<string, unknown>> =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : {};

function observedOf(answer: Tagged<AccountResource>, requestedOrderId: string, bodyHash: string): AccountObserved {
  const { resource, etag } = answer;
  const subdomainStatus = record(record(resource.serviceDetails).teamsDirectRouting).subdomainStatus;
  return {
    ...(etag ? { etag } : {}),
    ...(resource.serviceProvisioningStatus ? { serviceProvisioningStatus: resource.serviceProvisioningStatus } : {}),
    serviceProvisioningErrors: (resource.serviceProvisioningErrors ?? []).map((e) => ({
      ...(e.code === undefined ? {} : { code: e.code }),
      ...(e.message === undefined ? {} : { message: e.message }),
    })),
    ...(typeof subdomainStatus === 'string' ? { subdomainStatus } : {}),
    requestedOrderId,
    bodyHash,
    at: new Date().toISOString(),
  };
}

/** The configured Direct Routing subdomain of an account row, if any. */
function subdomainOf(row: Pick<Claimed, 'service_details'>): string | undefined {
  const subdomain = row.service_details?.teamsDirectRouting?.configuration?.subdomain;
  return typeof subdomain === 'string' && subdomain.length > 0 ? subdomain : undefined;
}

/** A configured Direct Routing subdomain whose DNS records ACG has not provisioned yet. */
function awaitsDns(row: Pick<Claimed, 'service_details'>, observed: AccountObserved): boolean {
  return subdomainOf(row) !== undefined && observed.subdomainStatus === 'notProvisioned';
}

/** What the status events of the account's items report: its Direct Routing subdomain and whether ACG provisioned its DNS records. */
function backendDetails(row: Pick<Claimed, 'service_details'>, observed: AccountObserved | null): unknown {
  const subdomain = subdomainOf(row);
  if (subdomain === undefined || observed?.subdomainStatus === undefined) return null;
  return { directRouting: { subdomain, subdomainStatus: observed.subdomainStatus } };
}

/** The HTTP status of a backend's answer carried by a thrown error, when it says. */
function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof FlowthroughError && typeof error.context.httpStatus === 'number') return error.context.httpStatus;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function retryAfterOf(error: unknown): number | undefined {
  const ms = (error as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  return typeof ms === 'number' && ms > 0 ? ms : undefined;
}

/**
 * Writes accounts to a backend that holds them (BACKEND=acg: PUT and DELETE
 * /accounts/{name} of ACG's Provisioning API). Level-triggered on
 * accounts.synced_order_id ≠ last_order_id (the last order the sync is done
 * with) and next_sync_at due, each account leased (locked_until) while one
 * instance works on it.
 *
 * A live account is PUT whole (acgAccountBody) with a
 * Repeatability-Request-ID derived from (account, order), so a resend after a
 * crash is the same request (and a PUT, being create-or-replace, is safe to
 * execute again). The answer's serviceProvisioningStatus decides: synced
 * completes the order's account items, failed fails them with the first
 * serviceProvisioningError, pending keeps them inProgress and reads the
 * account again (GET) after pollMs; a body unchanged since that pending
 * answer is not sent again. Every answer is recorded in backend_observed
 * (ETag, status, errors, the Direct Routing subdomainStatus).
 *
 * A deleted account is DELETEd (deleteNumbers=false) once none of its numbers
 * has backend work open (ACG refuses an account that still has numbers; the
 * numbers go with :deleteNumbers first); an account the backend does not hold
 * (404) is deleted already.
 *
 * A transient failure (classify: 429, 5xx, no answer) is retried with backoff
 * and recorded in sync_error, the items staying inProgress; a permanent one
 * (another 4xx) fails them with the backend's code and message. Items close in
 * one transaction with the account row and their orders' roll-up (status
 * events); older items of the account replaced before they were written
 * complete as superseded by the order written.
 */
export class AccountSync {
  constructor(private readonly options: AccountSyncOptions) {}

  /** One pass: claims the due accounts and works on each; returns how many were claimed. */
  async run(signal?: AbortSignal): Promise<number> {
    const { pool } = this.options;
    const due = (await pool.query<Claimed>(sql.CLAIM_ACCOUNTS, [this.options.leaseMs, this.options.batch ?? 20])).rows;
    await Promise.all(due.map((row) => this.sync(row, signal)));
    return due.length;
  }

  private async sync(row: Claimed, signal: AbortSignal | undefined): Promise<void> {
    try {
      if (row.deleted) await this.delete(row, signal);
      else await this.write(row, signal);
    } catch (error) {
      const c = classify(error);
      if (!c.retryable && !signal?.aborted) {
        this.options.logger.warn(
          { account: row.name, orderId: row.last_order_id, code: c.code },
          'the backend refused the account: its account items fail',
        );
        await this.finish(row, { kind: 'refused', reason: { code: c.code, message: c.message }, observed: null });
        return;
      }
      const attempt = row.sync_attempts + 1;
      const problem = JSON.stringify({ code: c.code, message: c.message, orderId: row.last_order_id, at: new Date().toISOString() });
      const delay = retryDelayMs(this.options.retry, attempt, this.options.random, retryAfterOf(error));
      this.options.logger.info(
        { account: row.name, orderId: row.last_order_id, code: c.code, attempt, retryInMs: delay },
        'writing the account failed for now: retried later',
      );
      await this.options.pool.query(sql.RETRY_ACCOUNT, [row.name, delay, problem]);
    }
  }

  private async write(row: Claimed, signal: AbortSignal | undefined): Promise<void> {
    const { client, pool } = this.options;
    const body: AcgAccountBody = acgAccountBody({
      name: row.name,
      correlationId: row.correlation_id,
      teamsTenantId: row.teams_tenant_id,
      serviceDetails: row.service_details,
    });
    const bodyHash = sha256(canonicalJson(body));
    const seen = row.backend_observed;
    // Still provisioning what this very body asked for: read it, do not write it again.
    const pendingSame =
      seen !== null &&
      seen.bodyHash === bodyHash &&
      seen.deleted === undefined &&
      (seen.serviceProvisioningStatus === 'pending' || awaitsDns(row, seen));
    let answer: Tagged<AccountResource>;
    let requestedOrderId = row.last_order_id;
    if (pendingSame) {
      try {
        answer = await client.getAccount(row.name, signal);
      } catch (error) {
        if (httpStatusOf(error) !== 404) throw error;
        // Gone while pending (deleted out of band): write it again at once.
        await pool.query(sql.POLL_ACCOUNT, [row.name, 0, null]);
        return;
      }
      requestedOrderId = seen.requestedOrderId;
    } else {
      // Copied into an open record: AccountResource takes any property, the body is a closed interface.
      const resource: AccountResource = { ...body, serviceDetails: { ...body.serviceDetails } };
      answer = await client.putAccount(row.name, resource, {
        requestId: accountRequestId(row.name, row.last_order_id, row.resyncs),
        ...(signal ? { signal } : {}),
      });
    }
    const observed = observedOf(answer, requestedOrderId, bodyHash);
    const status = answer.resource.serviceProvisioningStatus;
    if (status === 'synced' && observed.subdomainStatus === 'inconsistent' && subdomainOf(row) !== undefined) {
      const reason = {
        code: 'SubdomainInconsistent',
        message: `Azure Communications Gateway reports the DNS records of Direct Routing subdomain ${subdomainOf(row)} inconsistent; check the subdomain and its region tokens`,
      };
      this.options.logger.warn({ account: row.name, orderId: row.last_order_id }, reason.message);
      await this.finish(row, { kind: 'refused', reason, observed });
    } else if (status === 'synced' && awaitsDns(row, observed)) {
      // Synced, but the subdomain's DNS records are not there yet: the item waits for them.
      await pool.query(sql.POLL_ACCOUNT, [row.name, this.options.pollMs, JSON.stringify(observed)]);
    } else if (status === 'synced') {
      await this.finish(row, { kind: 'written', observed });
    } else if (status === 'failed') {
      const first = observed.serviceProvisioningErrors?.[0];
      const reason = {
        code: first?.code ?? 'ServiceProvisioningFailed',
        message: first?.message ?? `the backend failed to provision account ${row.name}`,
      };
      this.options.logger.warn(
        { account: row.name, orderId: row.last_order_id, code: reason.code },
        'the backend failed to provision the account',
      );
      await this.finish(row, { kind: 'refused', reason, observed });
    } else {
      // pending (or a status the swagger does not name): the work stays open; read it again later.
      await pool.query(sql.POLL_ACCOUNT, [row.name, this.options.pollMs, JSON.stringify(observed)]);
    }
  }

  private async delete(row: Claimed, signal: AbortSignal | undefined): Promise<void> {
    const { client, pool } = this.options;
    const busy = (await pool.query<{ busy: boolean }>(sql.ACCOUNT_NUMBERS_BUSY, [row.name])).rows[0]?.busy === true;
    if (busy) {
      await pool.query(sql.DEFER_ACCOUNT, [row.name, this.options.deleteRecheckMs ?? this.options.pollMs]);
      return;
    }
    try {
      await client.deleteAccount(row.name, {
        requestId: accountDeleteRequestId(row.name, row.last_order_id, row.resyncs),
        deleteNumbers: false,
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw error;
    }
    await this.finish(row, {
      kind: 'written',
      observed: { deleted: true, requestedOrderId: row.last_order_id, at: new Date().toISOString() },
    });
  }

  /**
   * In one transaction: the account row is done with this order, the
   * account's waiting account items take the result (the written order's) or
   * are superseded (older ones), and their orders roll up with their status
   * events.
   */
  private finish(row: Claimed, result: Result): Promise<void> {
    const { pool, status } = this.options;
    return withTransaction(pool, async (tx) => {
      const current = (await tx.query<{ last_order_id: string }>(sql.LOCK_ACCOUNT, [row.name])).rows[0]?.last_order_id;
      const error = result.kind === 'written' ? null : { ...result.reason, orderId: row.last_order_id, at: new Date().toISOString() };
      await tx.query(sql.ACCOUNT_DONE, [
        row.name,
        row.last_order_id,
        error ? JSON.stringify(error) : null,
        result.observed ? JSON.stringify(result.observed) : null,
      ]);
      const orders = await this.closeItems(tx, row, result, current === row.last_order_id);
      if (orders.size > 0) await rollUpOrders(tx, orders, status);
    });
  }

  private async closeItems(tx: PoolClient, row: Claimed, result: Result, isLatest: boolean): Promise<Set<string>> {
    const open = (await tx.query<{ order_id: string; item_id: string; received_ms: number }>(sql.OPEN_ACCOUNT_ITEMS, [row.name])).rows;
    const receivedMs = open.find((i) => i.order_id === row.last_order_id)?.received_ms;
    const close = {
      order: [] as string[],
      item: [] as string[],
      state: [] as string[],
      reason: [] as (string | null)[],
      details: [] as (string | null)[],
    };
    const add = (
      orderId: string,
      itemId: string,
      state: 'completed' | 'failed',
      reason: StatusReason | null,
      details: unknown = null,
    ): void => {
      close.order.push(orderId);
      close.item.push(itemId);
      close.state.push(state);
      close.reason.push(reason ? JSON.stringify(reason) : null);
      close.details.push(details === null ? null : JSON.stringify(details));
    };
    const details = backendDetails(row, result.observed);
    for (const item of open) {
      if (item.order_id === row.last_order_id) {
        if (result.kind === 'written') add(item.order_id, item.item_id, 'completed', null, details);
        else add(item.order_id, item.item_id, 'failed', result.reason, details);
      } else if (isLatest || (receivedMs !== undefined && item.received_ms <= receivedMs)) {
        // Replaced before it was written: an older order's account state, or any other when this order is the account's latest.
        add(item.order_id, item.item_id, 'completed', {
          code: SUPERSEDED_BY_LATER_ORDER,
          message: `not written: order ${row.last_order_id} set account ${row.name} before this one reached the backend; that order's result is the account's`,
        });
      }
    }
    if (close.order.length === 0) return new Set();
    const orders = [...new Set(close.order)].sort();
    // Orders first, in key order (as every roll-up locks them), then their items.
    await tx.query(sql.LOCK_ORDERS, [orders]);
    await tx.query(sql.CLOSE_ACCOUNT_ITEMS, [close.order, close.item, close.state, close.reason, close.details]);
    return new Set(orders);
  }
}
