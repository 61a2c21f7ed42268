import type { PoolClient } from 'pg';
import { named } from '../platform/db/named-query.js';
import { emptyIntakeState, type IntakeState } from '../core/intake/intake-state.js';
import type { Order } from '../core/order/index.js';
import type { AccountServiceDetailsSpec, NumberServiceDetailsSpec } from '../core/order/order.js';
import * as sql from './intake-sql.js';

interface AccountRow {
  name: string;
  correlation_id: string | null;
  teams_tenant_id: string | null;
  service_details: AccountServiceDetailsSpec;
  last_order_id: string;
  last_ms: number;
  deleted: boolean;
}

interface NumberRow {
  telephone_number: string;
  account_name: string;
  service_details: NumberServiceDetailsSpec;
  custom_sip_header: string | null;
  last_order_id: string;
  last_ms: number;
  deleted: boolean;
}

function addNumberRows(state: IntakeState, rows: readonly NumberRow[]): void {
  for (const r of rows) {
    state.loadedNumbers.add(r.telephone_number);
    state.numbers.set(r.telephone_number, {
      telephoneNumber: r.telephone_number,
      accountName: r.account_name,
      serviceDetails: r.service_details,
      customSipHeader: r.custom_sip_header,
      lastOrderId: r.last_order_id,
      lastRequestedAt: r.last_ms,
      deleted: r.deleted,
    });
  }
}

/**
 * Loads (and locks) what the chunk's orders touch: their accounts, numbers
 * and known orderIds; and every live number of an account the chunk deletes
 * or moves to another tenant, so those rules can count exactly. Numbers are
 * locked (other accounts' orders, in other partitions, can claim them);
 * accounts need not be (intake-sql.ts).
 */
export async function loadIntakeState(
  client: PoolClient,
  orders: readonly Order[],
  otherOrderIds: readonly string[] = [],
): Promise<IntakeState> {
  const state = emptyIntakeState();
  if (orders.length === 0 && otherOrderIds.length === 0) return state;
  const accountNames = new Set<string>();
  const numbers = new Set<string>();
  // Rejected records' orderIds too: a rejection of an accepted order's id is not that order's state change.
  const orderIds = new Set<string>(otherOrderIds);
  const tenantOfUpsert = new Map<string, string | null>();
  const deleting = new Set<string>();
  for (const order of orders) {
    accountNames.add(order.account);
    orderIds.add(order.orderId);
    for (const item of order.items) {
      if (item.resource === 'numbers') for (const n of item.numbers) numbers.add(n.telephoneNumber);
      else if (item.resource === 'account' && item.action === 'delete') deleting.add(order.account);
      else if (item.resource === 'account' && item.action === 'upsert')
        tenantOfUpsert.set(order.account, item.account.serviceDetails?.teamsTenantId ?? null);
    }
  }

  const accounts =
    accountNames.size === 0
      ? { rows: [] }
      : await client.query<AccountRow>(named('intake-select_accounts', sql.SELECT_ACCOUNTS), [[...accountNames]]);
  for (const r of accounts.rows) {
    state.accounts.set(r.name, {
      name: r.name,
      correlationId: r.correlation_id,
      teamsTenantId: r.teams_tenant_id,
      serviceDetails: r.service_details,
      lastOrderId: r.last_order_id,
      lastRequestedAt: r.last_ms,
      deleted: r.deleted,
    });
    const tenant = tenantOfUpsert.get(r.name);
    if (tenant !== undefined && r.teams_tenant_id !== null && tenant !== r.teams_tenant_id) deleting.add(r.name);
  }
  if (deleting.size > 0) {
    addNumberRows(state, (await client.query<NumberRow>(sql.SELECT_ACCOUNT_NUMBERS, [[...deleting]])).rows);
    for (const a of deleting) state.fullyLoadedAccounts.add(a);
  }
  if (numbers.size > 0)
    addNumberRows(state, (await client.query<NumberRow>(named('intake-select_numbers', sql.SELECT_NUMBERS), [[...numbers]])).rows);
  for (const r of (
    await client.query<{ order_id: string; fingerprint: string }>(named('intake-select_orders', sql.SELECT_ORDERS), [[...orderIds]])
  ).rows) {
    state.orderFingerprints.set(r.order_id, r.fingerprint);
  }
  return state;
}
