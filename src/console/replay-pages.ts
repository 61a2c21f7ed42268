import type { Kafka } from 'kafkajs';
import type { OrderValidator } from '../core/order/index.js';
import { PermanentError } from '../core/errors.js';
import { isEmptyFilter, KafkaReplaySink, replayDeadLetters, type ReplayOutcome, UsageError } from '../ops/index.js';
import type { HttpReply } from '../platform/http/http-server.js';
import { filterOf, type FilterParams } from './dead-letter-filters.js';
import { badge, type Html, html, table } from './html.js';
import { notice } from './layout.js';
import { type PageContext, htmlReply } from './page-context.js';

/** What a replay needs beyond the page: the same settings the CLI passes (dlq-command.ts). */
export interface ReplaySettings {
  readonly kafka: Kafka;
  readonly validator: OrderValidator;
  readonly limits: { readonly maxRecordBytes: number; readonly maxJsonDepth: number; readonly maxFutureSkewMs: number };
  readonly ordersTopic: string;
}

/** The replay history names the console and the token's identity, as `--by` names the CLI's operator. */
export function replayedBy(identity: string): string {
  return `console: ${identity}`;
}

function selection(params: FilterParams, all: boolean): ReturnType<typeof filterOf> {
  const filter = filterOf(params, new Date());
  // The CLI's guard: no accidental "replay everything" (dlq replay needs ids, a filter or --all).
  if (isEmptyFilter(filter) && !all)
    throw new UsageError('a replay needs dead letter ids, a filter, or "all" (every dead letter not replayed yet)');
  return filter;
}

function outcomesTable(caption: string, outcomes: readonly ReplayOutcome[]): Html {
  return table(
    caption,
    ['Dead letter', 'Order', 'Code', 'Action', 'Detail'],
    outcomes.map((o) => [
      html`<a href="/console/dead-letters/${o.id}">#${o.id}</a>`,
      o.orderId ? html`<a href="/console/orders/${encodeURIComponent(o.orderId)}">${o.orderId}</a>` : '–',
      o.errorCode,
      badge(o.action),
      o.detail,
    ]),
    'nothing selected',
  );
}

function counts(report: { counts: Readonly<Record<string, number>> }): Html {
  const entries = Object.entries(report.counts).filter(([, n]) => n > 0);
  return html`<p role="status">${entries.length === 0 ? 'Nothing selected.' : entries.map(([k, n]) => html`${badge(k)} ${n} `)}</p>`;
}

function hidden(params: FilterParams, all: boolean, csrf: string): Html {
  return html`${params.map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}${all ? html`<input type="hidden" name="all" value="1">` : ''}<input type="hidden" name="csrf" value="${csrf}">`;
}

type ReplayOptions = Parameters<typeof replayDeadLetters>[0];

/** The CLI's replay of the selected dead letters with this console's settings, recorded as done by the signed-in viewer. */
function replayAs(
  ctx: PageContext,
  settings: ReplaySettings,
  filter: ReplayOptions['filter'],
  options: Omit<ReplayOptions, 'pool' | 'validator' | 'limits' | 'filter' | 'targetTopic' | 'replayedBy'>,
): ReturnType<typeof replayDeadLetters> {
  return replayDeadLetters({
    pool: ctx.pool,
    validator: settings.validator,
    limits: settings.limits,
    filter,
    targetTopic: settings.ordersTopic,
    replayedBy: replayedBy(ctx.viewer.identity),
    ...options,
  });
}

/** Step 1, a GET: the dry run (validates against today's schemas, changes nothing), then the confirmation form. */
export async function replayDryRun(ctx: PageContext, settings: ReplaySettings, params: FilterParams, all: boolean): Promise<HttpReply> {
  let filter: ReturnType<typeof filterOf>;
  try {
    filter = selection(params, all);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return htmlReply('Replay', ctx, html`<h1>Replay dead letters</h1>${notice('error', error.message)}`, 400);
  }
  const report = await replayAs(ctx, settings, filter, { dryRun: true });
  const body = html`<h1>Replay dead letters: dry run</h1>
${notice('info', html`Dry run of ${report.total} dead letter(s): nothing was published or changed. State rules (account exists, version, ownership) are checked by the intake when the record arrives.`)}
${counts(report)}
${outcomesTable('Dry run', report.outcomes)}
<h2 id="confirm-heading">Confirm the replay</h2>
<form class="stack" method="post" action="/console/dead-letters/replay" aria-labelledby="confirm-heading">
${hidden(params, all, ctx.viewer.csrf)}
<label class="check"><input type="checkbox" name="again" value="1"> Replay again the ones already replayed (--again)</label>
<label class="check"><input type="checkbox" name="force-stale" value="1" aria-describedby="force-stale-help"> Force stale (--force-stale): apply the order even if its version is older than the stored state</label>
<p id="force-stale-help" class="muted">Only for records dead-lettered as stale that must win anyway; leave unticked otherwise.</p>
<p>Replaying publishes the original records to <code>${settings.ordersTopic}</code> and records you (${ctx.viewer.identity}) in each dead letter's replay history.</p>
<div><button type="submit" name="confirm" value="yes" class="danger">Replay ${report.total} dead letter(s)</button>
<a class="button secondary" href="/console/dead-letters">Cancel</a></div>
</form>`;
  return htmlReply('Replay: dry run', ctx, body);
}

/** Step 2, the confirmed POST: the CLI's replay (src/ops/dlq/replay.ts) through the idempotent producer, recording who. */
export async function replayConfirmed(
  ctx: PageContext,
  settings: ReplaySettings,
  form: URLSearchParams,
  params: FilterParams,
): Promise<HttpReply> {
  const all = form.get('all') === '1';
  let filter: ReturnType<typeof filterOf>;
  try {
    if (form.get('confirm') !== 'yes') throw new UsageError('the replay was not confirmed');
    filter = selection(params, all);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return htmlReply('Replay', ctx, html`<h1>Replay dead letters</h1>${notice('error', error.message)}`, 400);
  }
  const sink = new KafkaReplaySink(settings.kafka, settings.ordersTopic);
  try {
    await sink.connect();
    const report = await replayAs(ctx, settings, filter, {
      sink,
      again: form.get('again') === '1',
      forceStale: form.get('force-stale') === '1',
    });
    const ok = report.aborted === null && report.counts.failed === 0;
    const body = html`<h1>Replay dead letters: done</h1>
${ok ? notice('ok', `Replay finished: ${report.counts.replayed} re-published.`) : notice('error', report.aborted ?? 'some records were not acknowledged by the broker')}
${counts(report)}
${outcomesTable('Replay', report.outcomes)}
<p>Follow the orders above: the intake applies each record as it arrives.</p>`;
    return htmlReply('Replay: done', ctx, body, ok ? 200 : 502);
  } catch (error) {
    if (error instanceof PermanentError && error.code === 'replay_in_progress')
      return htmlReply('Replay', ctx, html`<h1>Replay dead letters</h1>${notice('error', error.message)}`, 409);
    throw error;
  } finally {
    await sink.disconnect().catch(() => undefined);
  }
}
