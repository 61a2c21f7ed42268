import { numberDetail } from '../ops/index.js';
import { numberPage } from '../ops/index.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { badge, fields, href, html, pager, table, time } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply, param } from './page-context.js';
import { WORK_HEADERS, workCells } from './work-cells.js';

const PAGE_SIZE = 50;
/** A search term: E.164 or a prefix of one ("+" and up to 15 digits); digits alone get their "+". */
const PREFIX = /^\+?\d{1,15}$/;

export async function numbersList(ctx: PageContext): Promise<HttpReply> {
  const q = param(ctx.url, 'q')?.replace(/[\s\-().]/g, '');
  const after = param(ctx.url, 'after');
  const valid = q === undefined || PREFIX.test(q);
  const prefix = q === undefined ? undefined : q.startsWith('+') ? q : `+${q}`;
  const result = valid && prefix !== undefined ? await numberPage(ctx.pool, { prefix }, PAGE_SIZE, after) : null;
  const body = html`<h1>Numbers</h1>
<form class="filters" method="get" action="/console/numbers" role="search" aria-label="Numbers">
<label>E.164 number or prefix<input type="search" name="q" value="${q ?? ''}" inputmode="tel" placeholder="+1425555" aria-describedby="q-help"></label>
<button type="submit">Search</button></form>
<p id="q-help" class="muted">A whole number (+14255550100) or its first digits (+1425).</p>
${valid ? '' : notice('error', 'Search by "+" and digits: an E.164 number or the start of one.')}
${
  result === null
    ? ''
    : table(
        'Numbers',
        ['Number', 'Account', 'Services', 'Sync state', 'Custom header', 'Last order', 'Deleted'],
        result.rows.map((n) => [
          html`<a href="/console/numbers/${encodeURIComponent(n.telephone_number)}">${n.telephone_number}</a>`,
          html`<a href="/console/accounts/${encodeURIComponent(n.account_name)}">${n.account_name}</a>`,
          Object.keys(n.service_details).join(', '),
          n.sync_state ? badge(n.sync_state) : '–',
          n.custom_sip_header ?? '–',
          html`<a href="/console/orders/${encodeURIComponent(n.last_order_id)}">${n.last_order_id}</a>`,
          n.deleted_at ? time(n.deleted_at) : '–',
        ]),
        'no number matches',
      )
}
${pager(after && href('/console/numbers', { q }), result?.next && href('/console/numbers', { q, after: result.next }))}`;
  return htmlReply('Numbers', ctx, body);
}

function json(value: unknown): string {
  return value === undefined || value === null ? '–' : JSON.stringify(value);
}

export async function numberShow(ctx: PageContext): Promise<HttpReply> {
  const number = ctx.params[0] ?? '';
  const detail = await numberDetail(ctx.pool, number);
  if (detail === null) return htmlReply('Not found', ctx, notice('error', `No number ${number}.`), 404);
  const row = detail.row;
  const desired = (row.service_details ?? {}) as Record<string, unknown>;
  const observed = (row.observed ?? {}) as Record<string, unknown>;
  const services = [...new Set([...Object.keys(desired), ...Object.keys(observed)])].sort();
  const last = detail.lastOrder;
  const body = html`<h1>Number ${number}</h1>
${fields([
  ['Account', html`<a href="/console/accounts/${encodeURIComponent(String(row.account_name))}">${String(row.account_name)}</a>`],
  ['Custom SIP header', row.custom_sip_header ? String(row.custom_sip_header) : 'none'],
  [
    'Last order',
    last
      ? html`<a href="/console/orders/${encodeURIComponent(last.order_id)}">${last.order_id}</a> ${badge(last.state)} received ${time(last.received_at)}`
      : String(row.last_order_id ?? '–'),
  ],
  ['Sync state', row.sync_state ? badge(String(row.sync_state)) : '–'],
  ['Sync error', json(row.sync_error)],
  ['Deleted', row.deleted_at ? time(String(row.deleted_at)) : 'no'],
  ['Updated', time(row.updated_at ? String(row.updated_at) : null)],
])}
<h2>Desired and observed state</h2>
${table(
  'Desired and observed state per service',
  ['Service', 'Desired (orders)', 'Observed (backend)'],
  services.map((s) => [
    s,
    html`<code>${json(desired[s])}</code>`,
    html`<code>${observed[s] === undefined ? 'not held' : json(observed[s])}</code>`,
  ]),
  'no service',
)}
<h2>Work</h2>
${table(
  'Newest work rows',
  ['Order', ...WORK_HEADERS],
  detail.work.map((w) => [html`<a href="/console/orders/${encodeURIComponent(w.order_id)}">${w.order_id}</a>`, ...workCells(w)]),
)}`;
  return htmlReply(`Number ${number}`, ctx, body);
}
