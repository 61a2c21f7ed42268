import { CONSENT_STATES, consentDetail, consentPage, relationshipSync, type ConsentRow } from '../ops/index.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { badge, fields, href, html, pager, table, time } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply, param } from './page-context.js';

const PAGE_SIZE = 50;
/** Held numbers shown on a tenant's page (consent.held_numbers counts them all). */
const HELD_SHOWN = 500;
const TENANT = /^[0-9A-Fa-f-]{1,64}$/;

function relationship(r: { status?: string; comment?: string | null; lastModifiedOn?: string } | null): string {
  if (!r?.status) return '–';
  return `${r.status}${r.comment ? ` (${r.comment})` : ''}`;
}

function tenantLink(tenantId: string) {
  return html`<a href="/console/consents/${encodeURIComponent(tenantId)}">${tenantId}</a>`;
}

/** Consents per tenant, through the query layer `flowthrough consents` and the read API use (src/ops/inspect/consent-queries.ts). */
export async function consentsList(ctx: PageContext): Promise<HttpReply> {
  const state = param(ctx.url, 'state');
  const after = param(ctx.url, 'after');
  const known = state === undefined || (CONSENT_STATES as readonly string[]).includes(state);
  const rows = known
    ? await consentPage(ctx.pool, {
        after: after && TENANT.test(after) ? after : null,
        limit: PAGE_SIZE + 1,
        ...(state ? { state } : {}),
        includeGone: true,
      })
    : [];
  const page = rows.slice(0, PAGE_SIZE);
  const body = html`<h1>Consents</h1>
<form class="filters" method="get" action="/console/consents" aria-label="Consent filters">
<label>State<select name="state"><option value="">any</option>${CONSENT_STATES.map(
    (s) => html`<option value="${s}"${s === state ? html` selected` : ''}>${s}</option>`,
  )}</select></label>
<button type="submit">Filter</button></form>
${known ? '' : notice('error', `No consent state ${state}.`)}
${table(
  'Consents per tenant',
  ['Tenant', 'State', 'Countries', 'Customer relationship (backend)', 'Ours', 'Account', 'Held numbers', 'Read'],
  page.map((c: ConsentRow) => [
    tenantLink(c.tenant_id),
    badge(c.state),
    (c.consented_countries ?? []).join(', ') || '–',
    relationship(c.backend_relationship),
    c.our_relationship ? `${relationship(c.our_relationship)} · ${relationshipSync(c)}` : '–',
    c.our_account ? html`<a href="/console/accounts/${encodeURIComponent(c.our_account)}">${c.our_account}</a>` : '–',
    c.held_numbers,
    time(c.read_at),
  ]),
  'no tenant matches',
)}
${pager(after && href('/console/consents', { state }), rows.length > PAGE_SIZE && href('/console/consents', { state, after: page.at(-1)?.tenant_id }))}`;
  return htmlReply('Consents', ctx, body);
}

export async function consentShow(ctx: PageContext): Promise<HttpReply> {
  const tenantId = ctx.params[0] ?? '';
  const detail = TENANT.test(tenantId) ? await consentDetail(ctx.pool, tenantId, HELD_SHOWN) : null;
  if (detail === null)
    return htmlReply(
      'Consent',
      ctx,
      html`<h1>Consent of tenant ${tenantId}</h1>${notice('info', 'Nothing recorded for this tenant yet: the backend has not listed a consent for it and no order set a customer relationship.')}`,
      404,
    );
  const c = detail.consent;
  const body = html`<h1>Consent of tenant ${c.tenant_id} ${badge(c.state)}</h1>
${fields([
  ['State', badge(c.state)],
  ['Consented countries', (c.consented_countries ?? []).join(', ') || 'none'],
  ['Customer relationship (backend)', relationship(c.backend_relationship)],
  ['Customer relationship (our orders)', relationship(c.our_relationship)],
  ['Relationship sync', relationshipSync(c)],
  ['Sync error', c.sync_error ? `${c.sync_error.code ?? ''}: ${c.sync_error.message ?? ''}` : 'none'],
  ['Consented on', time(c.consented_on)],
  ['Last modified', time(c.last_modified_on)],
  ['Read from the backend', time(c.read_at)],
  ['Gone from the backend list', c.gone_at ? time(c.gone_at) : 'no'],
  [
    'Accounts',
    detail.accounts.length === 0
      ? 'none'
      : detail.accounts.map((a, i) => html`${i > 0 ? ', ' : ''}<a href="/console/accounts/${encodeURIComponent(a)}">${a}</a>`),
  ],
  ['Contacts', (c.contacts ?? []).map((x) => JSON.stringify(x)).join('; ') || 'none'],
])}
<h2>Numbers held waiting for this consent (${c.held_numbers})</h2>
${table(
  'Held numbers',
  ['Number', 'Order', 'Service', 'Operation', 'Reason', 'Held since', 'Account'],
  detail.held.map((h) => [
    html`<a href="/console/numbers/${encodeURIComponent(h.telephone_number)}">${h.telephone_number}</a>`,
    html`<a href="/console/orders/${encodeURIComponent(h.order_id)}">${h.order_id}</a>`,
    h.service,
    h.operation,
    h.held_reason ? `${h.held_reason.code ?? ''}: ${h.held_reason.message ?? ''}` : '–',
    time(h.held_since),
    h.account_name,
  ]),
  'none',
)}`;
  return htmlReply(`Consent ${c.tenant_id}`, ctx, body);
}
