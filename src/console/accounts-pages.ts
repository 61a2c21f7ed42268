import { accountDetail } from '../ops/index.js';
import { accountPage, numberPage } from '../ops/index.js';
import { badge, fields, href, html, pager, table, time } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply, param } from './page-context.js';
import type { HttpReply } from '../platform/http/http-server.js';

const PAGE_SIZE = 50;
const SERVICES = ['teamsOperatorConnect', 'teamsPhoneMobile', 'teamsDirectRouting', 'zoomPhoneCloudPeering', 'azureOperatorCallProtection'];
/** TeamsDirectRoutingSubdomainProvisioningStatus, as the read API reports it: notProvisioned until the backend says otherwise. */
const SUBDOMAIN_STATUSES = ['provisioned', 'notProvisioned', 'inconsistent'];

export async function accountsList(ctx: PageContext): Promise<HttpReply> {
  const q = param(ctx.url, 'q');
  const after = param(ctx.url, 'after');
  const result = await accountPage(ctx.pool, q, PAGE_SIZE, after);
  const body = html`<h1>Accounts</h1>
<form class="filters" method="get" action="/console/accounts" role="search" aria-label="Accounts">
<label>Name prefix, correlation id or Teams tenant id<input type="search" name="q" value="${q ?? ''}"></label>
<button type="submit">Search</button></form>
${table(
  'Accounts',
  ['Name', 'Correlation id', 'Teams tenant', 'Live numbers', 'Updated', 'Deleted'],
  result.rows.map((a) => [
    html`<a href="${href(`/console/accounts/${encodeURIComponent(a.name)}`)}">${a.name}</a>`,
    a.correlation_id ?? '–',
    a.teams_tenant_id ?? '–',
    a.live_numbers,
    time(a.updated_at),
    a.deleted_at ? time(a.deleted_at) : '–',
  ]),
  'no account matches',
)}
${pager(after && href('/console/accounts', { q }), result.next && href('/console/accounts', { q, after: result.next }))}`;
  return htmlReply('Accounts', ctx, body);
}

function flag(value: unknown): string {
  return value === true ? 'yes' : value === false ? 'no' : '–';
}

export async function accountShow(ctx: PageContext): Promise<HttpReply> {
  const name = ctx.params[0] ?? '';
  const detail = await accountDetail(ctx.pool, name);
  if (detail === null) return htmlReply('Not found', ctx, notice('error', `No account ${name}.`), 404);
  const a = detail.account;
  const sd = a.service_details as Record<string, { enabled?: boolean; syncEnabled?: boolean; configuration?: Record<string, unknown> }>;
  const dr = sd.teamsDirectRouting;
  const reported = a.backend_observed?.subdomainStatus;
  const subdomainStatus = reported && SUBDOMAIN_STATUSES.includes(reported) ? reported : 'notProvisioned';
  const after = param(ctx.url, 'after');
  const numbers = await numberPage(ctx.pool, { account: name }, PAGE_SIZE, after);
  const self = `/console/accounts/${encodeURIComponent(name)}`;
  const body = html`<h1>Account ${a.name}</h1>
${fields([
  ['Correlation id', a.correlation_id ?? '–'],
  [
    'Teams tenant',
    a.teams_tenant_id ? html`${a.teams_tenant_id} (<a href="/console/consents/${encodeURIComponent(a.teams_tenant_id)}">consent</a>)` : '–',
  ],
  ['Live numbers', detail.liveNumbers],
  ['Open orders', detail.openOrders],
  [
    'Open work',
    Object.entries(detail.openWork)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ') || 'none',
  ],
  ['Last order', html`<a href="/console/orders/${encodeURIComponent(a.last_order_id)}">${a.last_order_id}</a>`],
  ['Created', time(a.created_at)],
  ['Updated', time(a.updated_at)],
  ['Deleted', a.deleted_at ? time(a.deleted_at) : 'no'],
  ['Backend status', a.backend_observed?.serviceProvisioningStatus ? badge(a.backend_observed.serviceProvisioningStatus) : '–'],
  ['Backend sync error', a.sync_error ? `${a.sync_error.code ?? ''}: ${a.sync_error.message ?? ''}` : 'none'],
])}
<h2>Services</h2>
${table(
  'Services',
  ['Service', 'Enabled', 'Sync enabled', 'Numbers with it enabled'],
  SERVICES.filter((s) => sd[s] !== undefined).map((s) => [s, flag(sd[s]?.enabled), flag(sd[s]?.syncEnabled), detail.numberCounts[s] ?? 0]),
  'no service configured',
)}
<h2>Direct Routing</h2>
${
  dr === undefined
    ? html`<p class="empty">Direct Routing is not configured for this account.</p>`
    : fields([
        ['Subdomain', String(dr.configuration?.subdomain ?? '–')],
        ['Subdomain status', badge(subdomainStatus)],
        ['Call screening', flag(dr.configuration?.callScreening)],
      ])
}
<h2>Recent orders</h2>
${table(
  'Recent orders',
  ['Order', 'State', 'Received'],
  detail.recentOrders.map((o) => [
    html`<a href="/console/orders/${encodeURIComponent(o.order_id)}">${o.order_id}</a>`,
    badge(o.state),
    time(o.received_at),
  ]),
)}
<h2>Numbers</h2>
${table(
  'Numbers of the account',
  ['Number', 'Services', 'Sync state', 'Custom header', 'Deleted'],
  numbers.rows.map((n) => [
    html`<a href="/console/numbers/${encodeURIComponent(n.telephone_number)}">${n.telephone_number}</a>`,
    Object.keys(n.service_details).join(', '),
    n.sync_state ? badge(n.sync_state) : '–',
    n.custom_sip_header ?? '–',
    n.deleted_at ? time(n.deleted_at) : '–',
  ]),
)}
${pager(after && self, numbers.next && href(self, { after: numbers.next }), 'Number pages')}`;
  return htmlReply(`Account ${a.name}`, ctx, body);
}
