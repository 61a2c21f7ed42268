import type { Config } from '../../../platform/config/load-config.js';
import { createOrderValidator } from '../../../contracts/order-validator.js';
import { createPool } from '../../../platform/db/pool.js';
import { createKafka } from '../../../platform/kafka/client.js';
import { createLogger } from '../../../platform/logging/logger.js';
import {
  isEmptyFilter,
  assertReplayTable,
  countByCode,
  listDeadLetters,
  loadDeadLetters,
  replayHistory,
  durationValue,
  FILTER_OPTIONS,
  filterFrom,
  parse,
  positiveNumber,
  stringValue,
  UsageError,
  countsLines,
  listTable,
  outcomeLine,
  reportSummary,
  showJson,
  showText,
  summaryJson,
  tally,
  KafkaReplaySink,
  ProgressBar,
  previewPurge,
  purgeDeadLetters,
  replayDeadLetters,
  type ReplayAction,
  type ReplayOutcome,
  defaultIo,
  errorLine,
  line,
  nowOf,
  operatorName,
  printJson,
  type OpsIo,
} from '../../../ops/index.js';

export const DLQ_USAGE = `usage: flowthrough dlq <list|show|replay|purge> …

  list   [filters] [--limit N] [--json]
         dead letters, oldest first, then the count per error code
  show   <id> [--json]
         the original record (value, key, every header), the violations, the replay history
  replay [<id>…] [filters] [--all] [--dry-run] [--rate N] [--by NAME] [--again] [--force-stale] [--json]
         re-publish the original records to the orders topic (ORDERS_TOPIC), linked to their
         dead letter by the flowthrough-replay-of header; --dry-run validates against
         today's schemas and rules and changes nothing
  purge  --older-than <duration> [--replayed-only] --yes
         delete old dead letters (and their replay history); without --yes prints what it would delete

filters:
  --since <time|duration>  --until <time|duration>   dead-lettered in [since, until); "2h" = 2 hours ago
  --code <code> (repeatable or comma-separated)   --account <name>   --order <orderId>
  --topic <source topic>   --partition <n>   --status pending|replaying|replayed|failed`;

const LIST_LIMIT_DEFAULT = 1_000;

/** `flowthrough dlq …`. Returns the exit code: 0 done, 1 failed, 2 usage. */
export async function dlqCommand(args: readonly string[], config: Config, io: OpsIo = defaultIo()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || rest.includes('--help')) {
    line(io, DLQ_USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    switch (sub) {
      case 'list':
        return await list(rest, config, io);
      case 'show':
        return await show(rest, config, io);
      case 'replay':
        return await replay(rest, config, io);
      case 'purge':
        return await purge(rest, config, io);
      default:
        throw new UsageError(`unknown dlq command "${sub}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    errorLine(io, `flowthrough dlq: ${error.message}\n\n${DLQ_USAGE}`);
    return 2;
  }
}

function openPool(config: Config) {
  return createPool({ url: config.database.url, connection: config.database, max: 2, applicationName: 'flowthrough-dlq' });
}

async function list(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values } = parse(args, { ...FILTER_OPTIONS, limit: { type: 'string' } });
  const filter = filterFrom(values, nowOf(io));
  const limit = positiveNumber(values, 'limit') ?? LIST_LIMIT_DEFAULT;
  const pool = openPool(config);
  try {
    await assertReplayTable(pool);
    const [rows, counts] = await Promise.all([listDeadLetters(pool, filter, { limit }), countByCode(pool, filter)]);
    const total = Object.values(counts).reduce((t, n) => t + n, 0);
    if (values.json === true) {
      printJson(io, { total, countsByCode: counts, deadLetters: rows.map(summaryJson), truncated: total > rows.length });
      return 0;
    }
    if (rows.length > 0) for (const l of listTable(rows)) line(io, l);
    if (total > rows.length) line(io, `… ${total - rows.length} more; narrow the filters or raise --limit`);
    if (rows.length > 0) line(io);
    for (const l of countsLines(counts)) line(io, l);
    return 0;
  } finally {
    await pool.end();
  }
}

async function show(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, true);
  const [id, ...extra] = positionals;
  if (id === undefined || extra.length > 0 || !/^\d{1,18}$/.test(id))
    throw new UsageError('dlq show takes one dead letter id (see "dlq list")');
  const pool = openPool(config);
  try {
    await assertReplayTable(pool);
    const [record] = await loadDeadLetters(pool, [id]);
    if (record === undefined) {
      errorLine(io, `flowthrough dlq: no dead letter #${id}`);
      return 1;
    }
    const history = await replayHistory(pool, id);
    if (values.json === true) printJson(io, showJson(record, history));
    else for (const l of showText(record, history)) line(io, l);
    return 0;
  } finally {
    await pool.end();
  }
}

async function replay(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      ...FILTER_OPTIONS,
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      rate: { type: 'string' },
      by: { type: 'string' },
      again: { type: 'boolean' },
      'force-stale': { type: 'boolean' },
    },
    true,
  );
  const filter = filterFrom(values, nowOf(io), positionals);
  if (isEmptyFilter(filter) && values.all !== true)
    throw new UsageError('replay needs dead letter ids, a filter, or --all (every dead letter not replayed yet)');
  const rate = positiveNumber(values, 'rate', false);
  const by = stringValue(values, 'by') ?? operatorName(io);
  if (by.trim() === '') throw new UsageError('--by must name who replays');
  const dryRun = values['dry-run'] === true;
  const json = values.json === true;

  const pool = openPool(config);
  const logger = createLogger({ level: 'error', secrets: config.secrets, destination: { write: (s: string) => void io.stderr.write(s) } });
  const sink = dryRun ? undefined : new KafkaReplaySink(createKafka(config, logger, '-dlq-replay'), config.topics.orders);
  const progress = new ProgressBar(io);
  const counts: Partial<Record<ReplayAction, number>> = {};
  try {
    await sink?.connect();
    const report = await replayDeadLetters({
      pool,
      validator: createOrderValidator(),
      limits: {
        maxRecordBytes: config.intake.maxRecordBytes,
        maxJsonDepth: config.intake.maxJsonDepth,
        maxFutureSkewMs: config.intake.maxFutureSkewMs,
      },
      filter,
      targetTopic: config.topics.orders,
      replayedBy: by,
      ...(sink ? { sink } : {}),
      dryRun,
      again: values.again === true,
      forceStale: values['force-stale'] === true,
      ...(rate === undefined ? {} : { rate }),
      onOutcome: (outcome: ReplayOutcome, done: number, total: number) => {
        counts[outcome.action] = (counts[outcome.action] ?? 0) + 1;
        if (json) return;
        if (progress.enabled) progress.update(done, total, tally({ counts: counts as Record<string, number> }));
        else line(io, outcomeLine(outcome));
      },
    });
    progress.finish();
    if (json) {
      printJson(io, {
        dryRun: report.dryRun,
        total: report.total,
        counts: report.counts,
        aborted: report.aborted,
        outcomes: report.outcomes,
      });
    } else {
      // On a terminal the bar replaced the per-record lines: list what did not simply go through.
      if (progress.enabled)
        for (const o of report.outcomes) if (o.action !== 'replayed' && o.action !== 'would-replay') line(io, outcomeLine(o));
      for (const l of reportSummary(report)) line(io, l);
    }
    return report.aborted === null && report.counts.failed === 0 ? 0 : 1;
  } finally {
    progress.finish();
    await sink?.disconnect().catch(() => undefined);
    await pool.end();
  }
}

async function purge(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values } = parse(args, {
    'older-than': { type: 'string' },
    'replayed-only': { type: 'boolean' },
    yes: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const olderThanMs = durationValue(values, 'older-than');
  if (olderThanMs === undefined) throw new UsageError('purge needs --older-than <duration> (for example 30d)');
  const selection = { olderThan: new Date(nowOf(io).getTime() - olderThanMs), replayedOnly: values['replayed-only'] === true };
  const what = `dead letters created before ${selection.olderThan.toISOString()}${selection.replayedOnly ? ' whose last replay succeeded' : ''} (records being replayed are kept)`;
  const pool = openPool(config);
  try {
    await assertReplayTable(pool);
    if (values.yes !== true) {
      const preview = await previewPurge(pool, selection);
      if (values.json === true) printJson(io, { deleted: 0, wouldDelete: preview.total, byCode: preview.byCode });
      else {
        line(io, `would delete ${preview.total} ${what}`);
        for (const l of countsLines(preview.byCode).slice(1)) line(io, l);
        line(io, 'nothing deleted: add --yes to delete them');
      }
      return preview.total === 0 ? 0 : 2;
    }
    const done = await purgeDeadLetters(pool, selection);
    if (values.json === true) printJson(io, { deleted: done.total, byCode: done.byCode });
    else {
      line(io, `deleted ${done.total} ${what}`);
      for (const l of countsLines(done.byCode).slice(1)) line(io, l);
    }
    return 0;
  } finally {
    await pool.end();
  }
}
