import { formatFields, formatTable, isoOrDash } from '../format-table.js';
import { relationshipSync, type ConsentDetail, type ConsentRow, type HeldNumber } from './consent-queries.js';

const HELD_SHOWN = 50;

function relationshipText(r: { status?: string; comment?: string | null; lastModifiedOn?: string } | null): string | null {
  if (!r?.status) return null;
  return `${r.status}${r.comment ? ` (${r.comment})` : ''}${r.lastModifiedOn ? ` at ${r.lastModifiedOn}` : ''}`;
}

/** Our relationship and where writing it stands, as JSON (null: no order set one). */
function oursJson(c: ConsentRow): Record<string, unknown> | null {
  if (c.our_relationship === null) return null;
  return {
    status: c.our_relationship.status ?? null,
    comment: c.our_relationship.comment ?? null,
    orderId: c.last_order_id,
    updatedAt: c.our_updated_at?.toISOString() ?? null,
    sync: relationshipSync(c),
    syncedOrderId: c.synced_order_id,
    syncError: c.sync_error,
  };
}

/** What the backend reported, as JSON (null: never read). */
function backendJson(c: ConsentRow): Record<string, unknown> | null {
  if (c.read_at === null) return null;
  return {
    status: c.status,
    consentedCountries: c.consented_countries ?? [],
    contacts: c.contacts ?? [],
    customerRelationship: c.backend_relationship,
    consentedOn: c.consented_on?.toISOString() ?? null,
    lastModifiedOn: c.last_modified_on?.toISOString() ?? null,
    productContext: c.product_context,
    operatorId: c.operator_id,
    accountName: c.backend_account,
    readAt: c.read_at.toISOString(),
    goneAt: c.gone_at?.toISOString() ?? null,
  };
}

function heldJson(h: HeldNumber): Record<string, unknown> {
  return {
    telephoneNumber: h.telephone_number,
    service: h.service,
    operation: h.operation,
    orderId: h.order_id,
    itemId: h.item_id,
    account: h.account_name,
    heldReason: h.held_reason,
    heldSince: h.held_since?.toISOString() ?? null,
  };
}

function summaryJson(c: ConsentRow): Record<string, unknown> {
  return {
    tenantId: c.tenant_id,
    state: c.state,
    consentedCountries: c.consented_countries ?? [],
    customerRelationship: { ours: oursJson(c), backend: c.backend_relationship },
    heldNumbers: c.held_numbers,
    readAt: c.read_at?.toISOString() ?? null,
  };
}

export function consentListJson(rows: readonly ConsentRow[]): Record<string, unknown> {
  return { consents: rows.map(summaryJson) };
}

export function consentListTable(rows: readonly ConsentRow[]): string[] {
  return formatTable(
    ['TENANT', 'STATE', 'COUNTRIES', 'OURS', 'BACKEND RELATIONSHIP', 'HELD', 'READ'],
    rows.map((c) => [
      c.tenant_id,
      c.state,
      (c.consented_countries ?? []).join(',') || '-',
      c.our_relationship?.status ? `${c.our_relationship.status} (${relationshipSync(c)})` : '-',
      c.backend_relationship?.status ?? '-',
      String(c.held_numbers),
      isoOrDash(c.read_at),
    ]),
  );
}

export function consentJson(d: ConsentDetail): Record<string, unknown> {
  const c = d.consent;
  return {
    tenantId: c.tenant_id,
    state: c.state,
    accounts: d.accounts,
    consentedCountries: c.consented_countries ?? [],
    contacts: c.contacts ?? [],
    customerRelationship: { ours: oursJson(c), backend: c.backend_relationship },
    backend: backendJson(c),
    heldNumbers: { total: c.held_numbers, numbers: d.held.map(heldJson) },
  };
}

export function consentText(d: ConsentDetail): string[] {
  const c = d.consent;
  const ours = c.our_relationship;
  const contacts = (c.contacts ?? []).map(
    (x) => `${String(x.fullName ?? '')} <${String(x.email ?? '')}>${x.telephoneNumber ? ` ${String(x.telephoneNumber)}` : ''}`,
  );
  const out = [
    `consent of tenant ${c.tenant_id}: ${c.state}`,
    ...formatFields([
      ['accounts', d.accounts.join(', ')],
      [
        'backend status',
        c.status === null ? null : `${c.status}${c.gone_at ? ` (no longer listed since ${c.gone_at.toISOString()})` : ''}`,
      ],
      ['countries', (c.consented_countries ?? []).join(', ')],
      ['consented on', isoOrDash(c.consented_on)],
      ['last modified', isoOrDash(c.last_modified_on)],
      ['read from backend', c.read_at ? c.read_at.toISOString() : 'never (flowthrough consents show --refresh reads it now)'],
      [
        'relationship (ours)',
        ours?.status
          ? `${relationshipText(ours)} — order ${c.last_order_id}, ${relationshipSync(c)}${c.sync_error?.code ? `: ${c.sync_error.code} ${c.sync_error.message ?? ''}` : ''}`
          : null,
      ],
      ['relationship (backend)', relationshipText(c.backend_relationship)],
    ]).map((l) => `  ${l}`),
    '',
    contacts.length === 0 ? 'contacts: none reported' : 'contacts:',
    ...contacts.map((l) => `  ${l}`),
    '',
  ];
  if (c.held_numbers === 0) out.push('held numbers: none');
  else {
    const shown = d.held.slice(0, HELD_SHOWN);
    out.push(
      `held numbers waiting for this consent: ${c.held_numbers}`,
      ...formatTable(
        ['  NUMBER', 'SERVICE', 'ORDER', 'HELD SINCE', 'REASON'],
        shown.map((h) => [
          `  ${h.telephone_number}`,
          h.service,
          h.order_id,
          isoOrDash(h.held_since),
          h.held_reason ? `${h.held_reason.code ?? ''}: ${h.held_reason.message ?? ''}` : '-',
        ]),
        100,
      ),
    );
    if (c.held_numbers > shown.length) out.push(`  … ${c.held_numbers - shown.length} more (--json lists up to 1000)`);
  }
  return out;
}
