import { formatFields, formatTable, isoOrDash } from '../format-table.js';
import type { AccountDetail, NumberDetail, OrderDetail, OrderRow } from './inspect-queries.js';

const NUMBERS_SHOWN = 50;

export function orderJson(d: OrderDetail): Record<string, unknown> {
  const o = d.order;
  return {
    orderId: o.order_id,
    account: o.account_name || null,
    state: o.state,
    requestedAt: o.account_name ? o.requested_at.toISOString() : null,
    receivedAt: o.account_name ? o.received_at.toISOString() : null,
    updatedAt: o.account_name ? o.updated_at.toISOString() : null,
    completedAt: o.completed_at?.toISOString() ?? null,
    attempts: o.attempts,
    source: o.account_name ? { topic: o.source_topic, partition: o.source_partition, offset: o.source_offset } : null,
    warnings: o.warnings,
    items: d.items.map((i) => ({
      id: i.item_id,
      action: i.action,
      resource: i.resource,
      state: i.state,
      reason: i.reason,
      numberCount: i.number_count,
    })),
    numberOutcomes: d.outcomes,
    numbers: d.numbers.map((n) => ({
      itemId: n.item_id,
      telephoneNumber: n.telephone_number,
      service: n.service,
      operation: n.operation,
      outcome: n.outcome,
      errorCode: n.error_code,
      message: n.message,
      updatedAt: n.updated_at.toISOString(),
    })),
    timeline: d.timeline.map((t) => ({
      eventId: t.event_id,
      state: t.state,
      previousState: t.previous_state,
      occurredAt: t.occurred_at,
      publishedAt: t.published_at?.toISOString() ?? null,
    })),
    deadLetters: d.deadLetters.map((x) => ({ id: x.id, errorCode: x.error_code, createdAt: x.created_at.toISOString() })),
  };
}

export function orderText(d: OrderDetail): string[] {
  const o = d.order;
  const out: string[] = [`order ${o.order_id}: ${o.state}`];
  if (o.account_name) {
    out.push(
      ...formatFields([
        ['account', o.account_name],
        ['requested', o.requested_at.toISOString()],
        ['received', o.received_at.toISOString()],
        ['updated', o.updated_at.toISOString()],
        ['completed', isoOrDash(o.completed_at)],
        ['attempts', o.attempts],
        ['source', `${o.source_topic} partition ${o.source_partition} offset ${o.source_offset}`],
        ['warnings', o.warnings.length],
      ]).map((l) => `  ${l}`),
    );
  } else out.push('  rejected at intake: no order was stored; see its dead letters below');
  if (d.items.length > 0) {
    out.push(
      '',
      'items:',
      ...formatTable(
        ['  ID', 'ACTION', 'RESOURCE', 'STATE', 'NUMBERS', 'REASON'],
        d.items.map((i) => [
          `  ${i.item_id}`,
          i.action,
          i.resource,
          i.state,
          String(i.number_count),
          i.reason ? `${i.reason.code}: ${i.reason.message}` : '-',
        ]),
        100,
      ),
    );
  }
  const outcomes = Object.entries(d.outcomes);
  if (outcomes.length > 0) {
    out.push('', `flow-through numbers: ${outcomes.map(([k, n]) => `${n} ${k}`).join(', ')}`);
    const shown = d.numbers.slice(0, NUMBERS_SHOWN);
    out.push(
      ...formatTable(
        ['  NUMBER', 'SERVICE', 'OPERATION', 'OUTCOME', 'ERROR'],
        shown.map((n) => [
          `  ${n.telephone_number}`,
          n.service,
          n.operation,
          n.outcome,
          n.error_code ? `${n.error_code}: ${n.message ?? ''}` : '-',
        ]),
        100,
      ),
    );
    if (d.numbers.length > shown.length) out.push(`  … ${d.numbers.length - shown.length} more (--json lists them all)`);
  }
  out.push('', d.timeline.length === 0 ? 'timeline: no status events kept (the outbox keeps them OUTBOX_RETENTION_HOURS)' : 'timeline:');
  for (const t of d.timeline)
    out.push(
      `  ${t.occurred_at ?? isoOrDash(t.created_at)}  ${t.previous_state ?? '(new)'} → ${t.state}  ${t.event_id ?? ''}${t.published_at ? '' : '  (not published yet)'}`,
    );
  if (d.deadLetters.length > 0) {
    out.push('', 'dead letters (flowthrough dlq show <id>):');
    for (const x of d.deadLetters) out.push(`  #${x.id} ${x.error_code} at ${x.created_at.toISOString()}`);
  }
  return out;
}

export function orderListJson(rows: ReadonlyArray<OrderRow & { items: number; numbers: number }>): Record<string, unknown> {
  return {
    orders: rows.map((o) => ({
      orderId: o.order_id,
      account: o.account_name,
      state: o.state,
      requestedAt: o.requested_at.toISOString(),
      receivedAt: o.received_at.toISOString(),
      completedAt: o.completed_at?.toISOString() ?? null,
      attempts: o.attempts,
      items: o.items,
      numbers: o.numbers,
    })),
  };
}

export function orderListTable(rows: ReadonlyArray<OrderRow & { items: number; numbers: number }>): string[] {
  return formatTable(
    ['ORDER', 'ACCOUNT', 'STATE', 'RECEIVED', 'ITEMS', 'NUMBERS', 'ATTEMPTS'],
    rows.map((o) => [
      o.order_id,
      o.account_name,
      o.state,
      o.received_at.toISOString(),
      String(o.items),
      String(o.numbers),
      String(o.attempts),
    ]),
  );
}

export function accountJson(d: AccountDetail): Record<string, unknown> {
  const a = d.account;
  return {
    name: a.name,
    correlationId: a.correlation_id,
    teamsTenantId: a.teams_tenant_id,
    serviceDetails: a.service_details,
    deleted: a.deleted_at !== null,
    deletedAt: a.deleted_at?.toISOString() ?? null,
    lastOrderId: a.last_order_id,
    lastRequestedAt: a.last_requested_at.toISOString(),
    backend: {
      syncedOrderId: a.synced_order_id,
      serviceProvisioningStatus: a.backend_observed?.serviceProvisioningStatus ?? null,
      ...(a.backend_observed?.serviceProvisioningErrors?.length
        ? { serviceProvisioningErrors: a.backend_observed.serviceProvisioningErrors }
        : {}),
      subdomainStatus: subdomainStatus(a),
      ...(a.backend_observed?.etag ? { etag: a.backend_observed.etag } : {}),
      observedAt: a.backend_observed?.at ?? null,
      syncError: a.sync_error,
    },
    liveNumbers: d.liveNumbers,
    numberCounts: d.numberCounts,
    openOrders: d.openOrders,
    openWork: d.openWork,
    recentOrders: d.recentOrders.map((o) => ({ orderId: o.order_id, state: o.state, receivedAt: o.received_at.toISOString() })),
  };
}

/**
 * The Direct Routing subdomain's DNS provisioning as the backend reported it
 * (BACKEND=acg); notProvisioned when it reported nothing (operator-connect
 * provisions no DNS), as the read API says.
 */
function subdomainStatus(a: AccountDetail['account']): string {
  return a.backend_observed?.subdomainStatus ?? 'notProvisioned';
}

function backendStatusText(a: AccountDetail['account']): string | null {
  const observed = a.backend_observed;
  if (!observed) return null;
  if (observed.deleted) return `deleted${observed.at ? ` (${observed.at})` : ''}`;
  const first = observed.serviceProvisioningErrors?.[0];
  const error = first ? `: ${first.code ?? 'error'}${first.message ? ` ${first.message}` : ''}` : '';
  return `${observed.serviceProvisioningStatus ?? 'unknown'}${error}${observed.at ? ` (${observed.at})` : ''}`;
}

function syncErrorText(a: AccountDetail['account']): string | null {
  const e = a.sync_error;
  if (!e) return null;
  return `${e.code ?? 'error'}: ${e.message ?? ''}${e.orderId ? ` (order ${e.orderId}${e.at ? `, ${e.at}` : ''})` : ''}`;
}

export function accountText(d: AccountDetail): string[] {
  const a = d.account;
  return [
    `account ${a.name}${a.deleted_at ? ` (deleted ${a.deleted_at.toISOString()})` : ''}`,
    ...formatFields([
      ['correlation id', a.correlation_id],
      ['Teams tenant', a.teams_tenant_id],
      ['last order', `${a.last_order_id} (requested ${a.last_requested_at.toISOString()})`],
      ['backend status', backendStatusText(a)],
      ['synced order', a.synced_order_id],
      ['subdomain status', subdomainStatus(a)],
      ['sync error', syncErrorText(a)],
      ['live numbers', d.liveNumbers],
      [
        'numbers per service',
        Object.entries(d.numberCounts)
          .map(([s, n]) => `${s} ${n}`)
          .join(', '),
      ],
      ['open orders', d.openOrders],
      [
        'open work',
        Object.entries(d.openWork)
          .map(([s, n]) => `${n} ${s}`)
          .join(', '),
      ],
    ]).map((l) => `  ${l}`),
    '',
    'services (desired):',
    ...JSON.stringify(a.service_details, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
    '',
    'recent orders:',
    ...(d.recentOrders.length === 0
      ? ['  none']
      : formatTable(
          ['  ORDER', 'STATE', 'RECEIVED'],
          d.recentOrders.map((o) => [`  ${o.order_id}`, o.state, o.received_at.toISOString()]),
        )),
  ];
}

/** Columns that are the desired state; anything else on the row is shown as observed/sync state. */
const DESIRED_COLUMNS = new Set([
  'telephone_number',
  'account_name',
  'service_details',
  'custom_sip_header',
  'last_order_id',
  'last_requested_at',
  'deleted_at',
  'created_at',
  'updated_at',
]);

function observedOf(row: Record<string, unknown>): Record<string, unknown> | null {
  const extra = Object.entries(row).filter(([k]) => !DESIRED_COLUMNS.has(k));
  return extra.length === 0 ? null : Object.fromEntries(extra);
}

export function numberJson(d: NumberDetail, headerName: string): Record<string, unknown> {
  const r = d.row;
  const contents = (r.custom_sip_header as string | null) ?? null;
  return {
    telephoneNumber: r.telephone_number,
    account: r.account_name,
    deleted: r.deleted_at !== null,
    desired: { serviceDetails: r.service_details, customSipHeader: contents },
    observed: observedOf(r),
    customHeader: contents !== null && r.deleted_at === null ? { name: headerName, value: contents } : null,
    lastOrder: d.lastOrder
      ? { orderId: d.lastOrder.order_id, state: d.lastOrder.state, receivedAt: d.lastOrder.received_at.toISOString() }
      : { orderId: r.last_order_id, state: null },
    lastRequestedAt: r.last_requested_at,
    work: d.work.map((w) => ({
      orderId: w.order_id,
      itemId: w.item_id,
      service: w.service,
      operation: w.operation,
      outcome: w.outcome,
      errorCode: w.error_code,
      message: w.message,
      updatedAt: w.updated_at,
    })),
  };
}

export function numberText(d: NumberDetail, headerName: string): string[] {
  const j = numberJson(d, headerName) as { customHeader: { name: string; value: string } | null; observed: Record<string, unknown> | null };
  const r = d.row;
  const out = [
    `number ${String(r.telephone_number)}${r.deleted_at ? ` (deleted ${String(r.deleted_at)})` : ''}`,
    ...formatFields([
      ['account', r.account_name as string],
      ['last order', d.lastOrder ? `${d.lastOrder.order_id} (${d.lastOrder.state})` : (r.last_order_id as string)],
      ['requested at', r.last_requested_at as string],
      ['custom header', j.customHeader ? `${j.customHeader.name}: ${j.customHeader.value}` : 'none'],
    ]).map((l) => `  ${l}`),
    '',
    'desired services:',
    ...JSON.stringify(r.service_details, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
    '',
    j.observed === null ? 'observed: not recorded by this schema version' : 'observed / sync state:',
    ...(j.observed === null
      ? []
      : JSON.stringify(j.observed, null, 2)
          .split('\n')
          .map((l) => `  ${l}`)),
    '',
    d.work.length === 0 ? 'work rows: none' : 'work rows (newest first):',
  ];
  if (d.work.length > 0) {
    out.push(
      ...formatTable(
        ['  ORDER', 'SERVICE', 'OPERATION', 'OUTCOME', 'UPDATED', 'ERROR'],
        d.work.map((w) => [
          `  ${w.order_id}`,
          w.service,
          w.operation,
          w.outcome,
          isoOrDash(w.updated_at),
          w.error_code ? `${w.error_code}: ${w.message ?? ''}` : '-',
        ]),
        100,
      ),
    );
  }
  return out;
}
