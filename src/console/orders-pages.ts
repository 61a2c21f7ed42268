import { ORDER_STATES } from '../core/order-state/states.js';
import { orderDetail, parseTimeArgument } from '../ops/index.js';
import { orderPage, type OrderPageFilter } from '../ops/index.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { badge, fields, href, html, pager, table, time } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply, param } from './page-context.js';
import { WORK_HEADERS, workCells } from './work-cells.js';

const PAGE_SIZE = 50;
/** Per-number results shown on an order (those that did not succeed first), as the read API caps them. */
const NUMBERS_SHOWN = 1_000;

export async function ordersList(ctx: PageContext): Promise<HttpReply> {
  const state = param(ctx.url, 'state');
  const account = param(ctx.url, 'account');
  const sinceText = param(ctx.url, 'since');
  const untilText = param(ctx.url, 'until');
  const cursor = param(ctx.url, 'cursor');
  const problems: string[] = [];
  const now = new Date();
  const since = sinceText === undefined ? undefined : parseTimeArgument(sinceText, now);
  const until = untilText === undefined ? undefined : parseTimeArgument(untilText, now);
  if (since === null) problems.push(`"Received since" takes an ISO 8601 time or a duration (90m, 12h, 7d), not ${sinceText}`);
  if (until === null) problems.push(`"Received before" takes an ISO 8601 time or a duration (90m, 12h, 7d), not ${untilText}`);
  if (state !== undefined && !(ORDER_STATES as readonly string[]).includes(state)) problems.push(`no order state ${state}`);
  const filter: OrderPageFilter = {
    ...(state ? { state } : {}),
    ...(account ? { account } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
  };
  const result = problems.length === 0 ? await orderPage(ctx.pool, filter, PAGE_SIZE, cursor) : null;
  const query = { state, account, since: sinceText, until: untilText };
  const body = html`<h1>Orders</h1>
<form class="filters" method="get" action="/console/orders" aria-label="Order filters">
<label>State<select name="state"><option value="">any</option>${ORDER_STATES.map(
    (s) => html`<option value="${s}"${s === state ? html` selected` : ''}>${s}</option>`,
  )}</select></label>
<label>Account<input type="text" name="account" value="${account ?? ''}"></label>
<label>Received since<input type="text" name="since" value="${sinceText ?? ''}" placeholder="2h or 2026-11-29T10:00:00Z"></label>
<label>Received before<input type="text" name="until" value="${untilText ?? ''}" placeholder="ISO time or duration"></label>
<button type="submit">Filter</button> <a class="button secondary" href="/console/orders">Clear</a></form>
${problems.map((p) => notice('error', p))}
${
  result === null
    ? ''
    : table(
        'Orders, newest first',
        ['Order', 'Account', 'State', 'Items', 'Numbers', 'Attempts', 'Received', 'Completed'],
        result.rows.map((o) => [
          html`<a href="/console/orders/${encodeURIComponent(o.order_id)}">${o.order_id}</a>`,
          html`<a href="/console/accounts/${encodeURIComponent(o.account_name)}">${o.account_name}</a>`,
          badge(o.state),
          o.items,
          o.numbers,
          o.attempts,
          time(o.received_at),
          time(o.completed_at),
        ]),
        'no order matches',
      )
}
${pager(cursor && href('/console/orders', query), result?.next && href('/console/orders', { ...query, cursor: result.next }))}`;
  return htmlReply('Orders', ctx, body);
}

export async function orderShow(ctx: PageContext): Promise<HttpReply> {
  const orderId = ctx.params[0] ?? '';
  const d = await orderDetail(ctx.pool, orderId, NUMBERS_SHOWN);
  if (d === null) return htmlReply('Not found', ctx, notice('error', `No order ${orderId}.`), 404);
  const o = d.order;
  const stored = o.account_name !== '';
  const body = html`<h1>Order ${o.order_id} ${badge(o.state)}</h1>
${
  stored
    ? fields([
        ['Account', html`<a href="/console/accounts/${encodeURIComponent(o.account_name)}">${o.account_name}</a>`],
        ['State', badge(o.state)],
        ['Requested', time(o.requested_at)],
        ['Received', time(o.received_at)],
        ['Updated', time(o.updated_at)],
        ['Completed', time(o.completed_at)],
        ['Attempts', o.attempts],
        ['Source', `${o.source_topic} partition ${o.source_partition} offset ${o.source_offset}`],
        ['Warnings', o.warnings.length === 0 ? 'none' : JSON.stringify(o.warnings)],
      ])
    : notice('info', 'Rejected at intake: no order was stored. Its dead letters are listed below.')
}
<h2>Items</h2>
${table(
  'Items',
  ['Item', 'Action', 'Resource', 'State', 'Numbers', 'Reason'],
  d.items.map((i) => [
    i.item_id,
    i.action,
    i.resource,
    badge(i.state),
    i.number_count,
    i.reason ? `${i.reason.code}: ${i.reason.message}` : '–',
  ]),
)}
<h2>Per-number results</h2>
<p>${Object.entries(d.outcomes).map(([k, n]) => html`${badge(k)} ${n} `)}${d.numbers.length < Object.values(d.outcomes).reduce((t, n) => t + n, 0) ? html`<span class="muted">(first ${d.numbers.length} shown, those that did not succeed first)</span>` : ''}</p>
${table(
  'Per-number results',
  ['Number', ...WORK_HEADERS],
  d.numbers.map((n) => [
    html`<a href="/console/numbers/${encodeURIComponent(n.telephone_number)}">${n.telephone_number}</a>`,
    ...workCells(n),
  ]),
)}
<h2>Status-event timeline</h2>
${table(
  'Status events',
  ['State', 'Previous state', 'Occurred', 'Published', 'Event id'],
  d.timeline.map((t) => [
    t.state ? badge(t.state) : '–',
    t.previous_state ?? '–',
    time(t.occurred_at),
    t.published_at ? time(t.published_at) : 'not yet',
    t.event_id ?? '–',
  ]),
  'no status event kept (the outbox keeps them for OUTBOX_RETENTION_HOURS after publishing)',
)}
<h2>Dead letters</h2>
${table(
  'Dead letters of the order',
  ['Dead letter', 'Code', 'Created'],
  d.deadLetters.map((x) => [html`<a href="/console/dead-letters/${x.id}">#${x.id}</a>`, x.error_code, time(x.created_at)]),
)}`;
  return htmlReply(`Order ${o.order_id}`, ctx, body);
}
