import { assertReplayTable, countByCode, listDeadLetters, loadDeadLetters, replayHistory, showText, UsageError } from '../ops/index.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { filterOf, filterParams, first, type FilterParams } from './dead-letter-filters.js';
import { badge, href, html, pager, table, time } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply, param } from './page-context.js';

const PAGE_SIZE = 50;
const STATUSES = ['pending', 'replaying', 'replayed', 'failed'];

function query(params: FilterParams, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams([...params.map(([k, v]) => [k, v] as [string, string]), ...Object.entries(extra)]);
  return q.toString();
}

export function filterForm(params: FilterParams): ReturnType<typeof html> {
  const input = (name: string, label: string, placeholder = '') =>
    html`<label>${label}<input type="text" name="${name}" value="${first(params, name)}" placeholder="${placeholder}"></label>`;
  return html`<form class="filters" method="get" action="/console/dead-letters" aria-label="Dead letter filters">
${input('since', 'Since', '2h or ISO time')}${input('until', 'Until', '2h or ISO time')}
${input('code', 'Error code', 'account_not_found')}${input('account', 'Account')}${input('order', 'Order id')}
${input('topic', 'Source topic')}${input('partition', 'Partition')}
<label>Replay status<select name="status"><option value="">any</option>${STATUSES.map(
    (s) => html`<option value="${s}"${first(params, 'status') === s ? html` selected` : ''}>${s}</option>`,
  )}</select></label>
<button type="submit">Filter</button> <a class="button secondary" href="/console/dead-letters">Clear</a></form>`;
}

export async function deadLettersList(ctx: PageContext): Promise<HttpReply> {
  const params = filterParams(ctx.url.searchParams).filter(([n]) => n !== 'id');
  let filter: ReturnType<typeof filterOf>;
  try {
    filter = filterOf(params, new Date());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return htmlReply('Dead letters', ctx, html`<h1>Dead letters</h1>${filterForm(params)}${notice('error', error.message)}`, 400);
  }
  const after = param(ctx.url, 'after');
  await assertReplayTable(ctx.pool);
  const [rows, counts] = await Promise.all([
    listDeadLetters(ctx.pool, filter, { limit: PAGE_SIZE + 1, ...(after && /^\d{1,18}$/.test(after) ? { afterId: after } : {}) }),
    countByCode(ctx.pool, filter),
  ]);
  const page = rows.slice(0, PAGE_SIZE);
  const total = Object.values(counts).reduce((t, n) => t + n, 0);
  const body = html`<h1>Dead letters</h1>
${filterForm(params)}
<h2>Counts per error code</h2>
${table(
  `${total} dead letter(s) by error code`,
  ['Error code', 'Count'],
  Object.entries(counts).map(([code, n]) => [
    html`<a href="/console/dead-letters?${query([...params.filter(([k]) => k !== 'code'), ['code', code]])}">${code}</a>`,
    n,
  ]),
  'no dead letter matches',
)}
${
  ctx.viewer.canOperate && total > 0
    ? html`<p><a class="button" href="/console/dead-letters/replay?${query(params, params.length === 0 ? { all: '1' } : {})}">Dry-run a replay of these ${total}</a></p>`
    : ''
}
<h2>Dead letters, oldest first</h2>
${table(
  'Dead letters',
  ['Id', 'Created', 'Code', 'Order', 'Account', 'Source', 'Status', 'Message'],
  page.map((d) => [
    html`<a href="/console/dead-letters/${d.id}">#${d.id}</a>`,
    time(d.createdAt),
    d.errorCode,
    d.orderId ? html`<a href="/console/orders/${encodeURIComponent(d.orderId)}">${d.orderId}</a>` : '–',
    d.account ?? '–',
    `${d.sourceTopic}/${d.sourcePartition}@${d.sourceOffset}`,
    badge(d.status),
    d.errorMessage,
  ]),
  'no dead letter matches',
)}
${pager(after && `/console/dead-letters?${query(params)}`, rows.length > PAGE_SIZE && `/console/dead-letters?${query(params, { after: page.at(-1)?.id ?? '' })}`)}`;
  return htmlReply('Dead letters', ctx, body);
}

/** As `dlq show`: the CLI's own text (record, headers, violations, replay history), with links around it. */
export async function deadLetterShow(ctx: PageContext): Promise<HttpReply> {
  const id = ctx.params[0] ?? '';
  await assertReplayTable(ctx.pool);
  const [record] = await loadDeadLetters(ctx.pool, [id]);
  if (record === undefined) return htmlReply('Not found', ctx, notice('error', `No dead letter #${id}.`), 404);
  const history = await replayHistory(ctx.pool, id);
  const body = html`<h1>Dead letter #${id} ${badge(record.status)}</h1>
<p>${record.errorCode}: ${record.errorMessage}. Dead-lettered ${time(record.createdAt)}${
    record.orderId ? html`; order <a href="/console/orders/${encodeURIComponent(record.orderId)}">${record.orderId}</a>` : ''
  }${record.account ? html`; account <a href="/console/accounts/${encodeURIComponent(record.account)}">${record.account}</a>` : ''}.</p>
${ctx.viewer.canOperate ? html`<p><a class="button" href="${href('/console/dead-letters/replay', { id })}">Dry-run a replay of #${id}</a></p>` : ''}
<h2>Record, as <code>flowthrough dlq show ${id}</code> prints it</h2>
<pre>${showText(record, history).join('\n')}</pre>`;
  return htmlReply(`Dead letter #${id}`, ctx, body);
}
