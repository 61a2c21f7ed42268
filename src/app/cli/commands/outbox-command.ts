import type { Config } from '../../../platform/config/load-config.js';
import { createPool } from '../../../platform/db/pool.js';
import {
  parse,
  positiveNumber,
  UsageError,
  formatTable,
  isoOrDash,
  defaultIo,
  errorLine,
  line,
  printJson,
  type OpsIo,
} from '../../../ops/index.js';
import { listOutbox, retryOutbox, type OutboxEntry, type RetryOutcome } from '../../../outbox/index.js';

export const OUTBOX_USAGE = `usage: flowthrough outbox <list|retry> …

  list   [--parked] [--limit N] [--json]
         unpublished outbox rows (status events, dead-letter copies), oldest first: attempts the
         broker refused, the last error, when parked; --parked lists parked rows only
  retry  (<id>… | --all-parked) [--dry-run] [--json]
         un-park rows (attempts 0): the relay publishes them on its next cycle, after the rows of
         their key published meanwhile; fix the cause first (the error of "outbox list"), or they
         are parked again after OUTBOX_MAX_ATTEMPTS; --dry-run changes nothing`;

const LIST_LIMIT_DEFAULT = 100;

/** `flowthrough outbox …`. Returns the exit code: 0 done, 1 failed, 2 usage. */
export async function outboxCommand(args: readonly string[], config: Config, io: OpsIo = defaultIo()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    line(io, OUTBOX_USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    switch (sub) {
      case 'list':
        return await list(rest, config, io);
      case 'retry':
        return await retry(rest, config, io);
      default:
        throw new UsageError(`unknown outbox command "${sub}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    errorLine(io, `flowthrough outbox: ${error.message}\n\n${OUTBOX_USAGE}`);
    return 2;
  }
}

function openPool(config: Config) {
  return createPool({ url: config.database.url, connection: config.database, max: 2, applicationName: 'flowthrough-outbox' });
}

async function list(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values } = parse(args, { parked: { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } });
  const parkedOnly = values.parked === true;
  const limit = positiveNumber(values, 'limit') ?? LIST_LIMIT_DEFAULT;
  const pool = openPool(config);
  try {
    const { rows, counts } = await listOutbox(pool, { parkedOnly, limit });
    const total = parkedOnly ? counts.parked : counts.unpublished;
    if (values.json === true) {
      printJson(io, { ...counts, rows: rows.map(entryJson), truncated: total > rows.length });
      return 0;
    }
    if (rows.length > 0) {
      const table = rows.map((r) => [
        r.id,
        r.topic,
        keyText(r.message_key).text,
        r.order_id ?? '-',
        (r.event_ids ?? []).join(' ') || '-',
        String(r.attempts),
        r.last_error ?? '-',
        r.parked_at === null && r.attempts > 0 ? isoOrDash(r.next_attempt_at) : '-',
        isoOrDash(r.parked_at),
        isoOrDash(r.created_at),
      ]);
      for (const l of formatTable(
        ['id', 'topic', 'key', 'order', 'event ids', 'attempts', 'last error', 'next attempt', 'parked at', 'created at'],
        table,
      ))
        line(io, l);
      if (total > rows.length) line(io, `… ${total - rows.length} more; raise --limit`);
      line(io);
    }
    line(io, `${counts.unpublished} unpublished row(s): ${counts.parked} parked, ${counts.waiting} waiting for their next attempt`);
    if (counts.parked > 0) line(io, 'fix the cause in "last error", then "flowthrough outbox retry <id>…" or "--all-parked"');
    return 0;
  } finally {
    await pool.end();
  }
}

async function retry(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    { 'all-parked': { type: 'boolean' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
    true,
  );
  const allParked = values['all-parked'] === true;
  if (allParked === positionals.length > 0)
    throw new UsageError('retry takes outbox row ids (see "outbox list --parked") or --all-parked, one of the two');
  for (const id of positionals)
    if (!/^\d{1,18}$/.test(id)) throw new UsageError(`an outbox row id is a number (see "outbox list"), not ${JSON.stringify(id)}`);
  const dryRun = values['dry-run'] === true;
  const pool = openPool(config);
  try {
    const outcomes = await retryOutbox(pool, allParked ? { allParked: true } : { ids: positionals }, dryRun);
    const count = (action: RetryOutcome['action']) => outcomes.filter((o) => o.action === action).length;
    const notFound = count('not-found');
    if (values.json === true) {
      printJson(io, {
        dryRun,
        retried: count('retried'),
        wouldRetry: count('would-retry'),
        alreadyPublished: count('already-published'),
        notFound,
        outcomes: outcomes.map((o) => ({ id: o.id, action: o.action, ...(o.entry ? { row: entryJson(o.entry) } : {}) })),
      });
      return notFound === 0 ? 0 : 1;
    }
    for (const o of outcomes) line(io, outcomeLine(o));
    const changed = dryRun ? count('would-retry') : count('retried');
    if (dryRun) line(io, `would retry ${changed} row(s); nothing changed`);
    else
      line(
        io,
        `retried ${changed} row(s): the relay publishes them on its next cycle${changed > 0 ? ' (parked again after OUTBOX_MAX_ATTEMPTS if the cause remains)' : ''}`,
      );
    return notFound === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

function outcomeLine(o: RetryOutcome): string {
  const e = o.entry;
  switch (o.action) {
    case 'not-found':
      return `#${o.id}  not found (published rows are pruned after OUTBOX_RETENTION_HOURS)`;
    case 'already-published':
      return `#${o.id}  already published at ${isoOrDash(e?.published_at)}`;
    default: {
      const verb = o.action === 'retried' ? 'retried' : 'would retry';
      const state = e?.parked_at ? `parked at ${e.parked_at.toISOString()}` : 'not parked';
      return `#${o.id}  ${verb}  ${e?.topic ?? ''}  order ${e?.order_id ?? '-'}  (${state}, ${e?.attempts ?? 0} attempt(s), last error: ${e?.last_error ?? '-'})`;
    }
  }
}

/** A key as text when it is UTF-8, else base64. */
function keyText(key: Buffer | null): { text: string; encoding: 'utf8' | 'base64' | null } {
  if (key === null) return { text: '-', encoding: null };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(key), encoding: 'utf8' };
  } catch {
    return { text: key.toString('base64'), encoding: 'base64' };
  }
}

function entryJson(r: OutboxEntry) {
  const key = keyText(r.message_key);
  return {
    id: r.id,
    topic: r.topic,
    key: r.message_key === null ? null : key.text,
    keyEncoding: key.encoding,
    orderId: r.order_id,
    eventIds: r.event_ids ?? [],
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at?.toISOString() ?? null,
    parkedAt: r.parked_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    publishedAt: r.published_at?.toISOString() ?? null,
  };
}
