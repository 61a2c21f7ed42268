import { type Html, html } from './html.js';
import type { OverviewFigures } from './overview-figures.js';

function breakdown(key: string, values: Readonly<Record<string, number>>): Html {
  const entries = Object.entries(values);
  return html`<p class="muted" data-breakdown="${key}">${entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k}: ${n}`).join(', ')}</p>`;
}

function card(title: string, figure: string, value: number | string | null, detail: Html | string = ''): Html {
  return html`<section class="card" aria-labelledby="card-${figure}"><h2 id="card-${figure}">${title}</h2>
<p class="big" data-figure="${figure}">${value === null ? 'n/a' : value}</p>${detail}</section>`;
}

/**
 * The overview: the worker's /metrics figures as cards. The console script
 * polls /console/overview.json and rewrites the numbers in place; the region
 * is aria-live (polite), so a screen reader hears what changed.
 */
export function overviewBody(f: OverviewFigures): Html {
  const total = (values: Readonly<Record<string, number>>) => Object.values(values).reduce((t, n) => t + n, 0);
  return html`<h1>Overview</h1>
<p>Figures as <code>/metrics</code> reports them, refreshed every 5 seconds. Last update: <time data-updated datetime="${f.at}" title="${f.at.slice(0, 19).replace('T', ' ')} UTC">${f.at.slice(0, 19).replace('T', ' ')} UTC</time>.
<span id="poll-status" role="status"></span></p>
<div class="cards" data-poll="/console/overview.json" data-every="5000" aria-live="polite">
${card('Orders', 'orders', total(f.ordersByState), breakdown('ordersByState', f.ordersByState))}
${card('Dead letters', 'deadLetters', f.deadLetters, breakdown('deadLettersByCode', f.deadLettersByCode))}
${card('Intake lag (records)', 'intakeLag', f.intakeLag, breakdown('intakeLagByPartition', f.intakeLagByPartition))}
${card('Outbox backlog', 'outboxBacklog', f.outboxBacklog, html`<p class="muted">parked: <span data-figure="outboxParked">${f.outboxParked ?? 'n/a'}</span>; oldest: <span data-figure="outboxOldestAgeSeconds">${f.outboxOldestAgeSeconds ?? 'n/a'}</span> s</p>`)}
${card('Reconciler queue (open work rows)', 'reconcilerQueue', total(f.reconcilerOpenWork), breakdown('reconcilerOpenWork', f.reconcilerOpenWork))}
${card('Backend operations due', 'reconcilerDueOperations', f.reconcilerDueOperations, breakdown('reconcilerOpenOperations', f.reconcilerOpenOperations))}
${card('Circuit breaker', 'circuit', f.circuit, html`<p class="muted">Operator Connect calls</p>`)}
</div>`;
}

/** What the poll answers: the figures plus the totals the cards show. */
export function overviewJson(f: OverviewFigures): Record<string, unknown> {
  const total = (values: Readonly<Record<string, number>>) => Object.values(values).reduce((t, n) => t + n, 0);
  return { ...f, orders: total(f.ordersByState), reconcilerQueue: total(f.reconcilerOpenWork) };
}
