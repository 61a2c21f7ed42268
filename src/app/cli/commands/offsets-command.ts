import { createInterface } from 'node:readline/promises';
import type { Admin, Kafka } from 'kafkajs';
import type { Config } from '../../../platform/config/load-config.js';
import { createPool, type Pool } from '../../../platform/db/pool.js';
import { createKafka } from '../../../platform/kafka/client.js';
import {
  applyReset,
  describeTarget,
  offsetsReport,
  parseResetTarget,
  planReset,
  type OffsetsReport,
  type ResetPlan,
  type ResetStep,
} from '../../../platform/kafka/offset-admin.js';
import { createLogger } from '../../../platform/logging/logger.js';
import {
  parse,
  stringValue,
  UsageError,
  formatTable,
  defaultIo,
  errorLine,
  line,
  operatorName,
  printJson,
  type OpsIo,
} from '../../../ops/index.js';

export const OFFSETS_USAGE = `usage: flowthrough offsets <show|reset> …

The intake's offsets of the orders topic (ORDERS_TOPIC) for its group (KAFKA_GROUP_ID):
PostgreSQL's stored offset (records below it count as applied) beside Kafka's.

  show   [--json]
         per partition: the stored offset, Kafka's committed offset, the log start and
         end, the lag, and any problem (a partition the intake stopped, and why);
         exit status 3 when a partition has a problem
  reset  --to earliest|latest|<offset>|<ISO time> [--partition N]… [--dry-run] [--yes] [--by NAME]
         set the stored offset (all partitions, or the ones named) and lift a stop:
           earliest   the log start: everything still in the log is read again
                      (orders already applied are recognised by their orderId)
           latest     the log end: what is in the log now is never applied
           <offset>   an offset inside the log
           <time>     the first record at or after it (2026-11-29T10:00:00Z)
         prints what it changes and asks before changing it (on a terminal; elsewhere
         --yes is required); also commits the offsets to Kafka when the group has no
         active member; a running intake picks the reset up within seconds;
         --dry-run prints and changes nothing

A partition the intake stopped is explained in docs/OPERATIONS.md ("Offsets: a partition stopped").`;

/** Where the command asks for confirmation; tests answer for the operator. */
export interface OffsetsIo extends OpsIo {
  /** Asks a yes/no question; undefined: there is no one to ask (not a terminal). */
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
}

function terminalConfirm(): ((question: string) => Promise<boolean>) | undefined {
  if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return /^y(es)?$/i.test((await rl.question(question)).trim());
    } finally {
      rl.close();
    }
  };
}

/** `flowthrough offsets …`. Returns the exit code: 0 done, 1 failed or declined, 2 usage, 3 a problem shown. */
export async function offsetsCommand(
  args: readonly string[],
  config: Config,
  io: OffsetsIo = { ...defaultIo(), confirm: terminalConfirm() },
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h' || rest.includes('--help') || rest.includes('-h')) {
    line(io, OFFSETS_USAGE);
    return sub === undefined ? 2 : 0;
  }
  try {
    switch (sub) {
      case 'show':
        return await show(rest, config, io);
      case 'reset':
        return await reset(rest, config, io);
      default:
        throw new UsageError(`unknown offsets command "${sub}"`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    errorLine(io, `flowthrough offsets: ${error.message}\n\n${OFFSETS_USAGE}`);
    return 2;
  }
}

async function withClients<T>(config: Config, io: OpsIo, fn: (admin: Admin, pool: Pool, kafka: Kafka) => Promise<T>): Promise<T> {
  const logger = createLogger({ level: 'error', secrets: config.secrets, destination: { write: (s: string) => void io.stderr.write(s) } });
  const kafka = createKafka(config, logger, '-offsets');
  const admin = kafka.admin();
  const pool = createPool({ url: config.database.url, connection: config.database, max: 2, applicationName: 'flowthrough-offsets' });
  try {
    await admin.connect();
    return await fn(admin, pool, kafka);
  } finally {
    await admin.disconnect().catch(() => undefined);
    await pool.end();
  }
}

const dash = (value: number | null): string => (value === null ? '-' : String(value));

async function show(args: readonly string[], config: Config, io: OpsIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const report = await withClients(config, io, (admin, pool) => offsetsReport(admin, pool, config.kafka.groupId, config.topics.orders));
  const problems = report.partitions.filter((p) => p.problem !== null);
  if (values.json === true) {
    printJson(io, report);
    return problems.length > 0 ? 3 : 0;
  }
  for (const l of showText(report)) line(io, l);
  return problems.length > 0 ? 3 : 0;
}

function showText(report: OffsetsReport): string[] {
  const members = `${report.members} member${report.members === 1 ? '' : 's'}`;
  const out = [
    `group ${report.group} (${report.groupState}, ${members}), topic ${report.topic}${report.topicExists ? '' : ' (does not exist on the brokers)'}`,
    '',
  ];
  const rows = report.partitions.map((p) => [
    String(p.partition),
    dash(p.stored),
    dash(p.committed),
    dash(p.logStart),
    dash(p.logEnd),
    dash(p.lag),
    p.problem
      ? `${p.problem.stopped ? 'STOPPED ' : ''}${p.problem.code}`
      : p.lastReset?.pending
        ? `reset to ${p.lastReset.to ?? '?'} pending`
        : '-',
  ]);
  out.push(...formatTable(['partition', 'stored', 'kafka committed', 'log start', 'log end', 'lag', 'problem'], rows));
  const problems = report.partitions.filter((p) => p.problem !== null);
  if (problems.length > 0) out.push('');
  for (const p of problems) {
    const problem = p.problem;
    if (!problem) continue;
    const state = problem.stopped
      ? `stopped by the intake${problem.since ? ` since ${problem.since}` : ''}`
      : 'the intake stops it when it reads it';
    out.push(`partition ${p.partition}: ${problem.code} (${state}): ${problem.detail}`);
  }
  if (problems.length > 0)
    out.push(
      '',
      'choose where each partition goes on: flowthrough offsets reset --partition N --to earliest|latest|<offset>|<time> (docs/OPERATIONS.md, "Offsets: a partition stopped")',
    );
  return out;
}

function partitionsOf(values: Record<string, unknown>): number[] {
  const given = (values.partition as string[] | undefined) ?? [];
  const parts = given.flatMap((v) => v.split(',')).map((v) => v.trim());
  for (const part of parts)
    if (!/^\d{1,9}$/.test(part)) throw new UsageError(`--partition takes a partition number, not ${JSON.stringify(part)}`);
  return parts.map(Number);
}

function effect(step: ResetStep): string {
  const { from, to } = step;
  if (from === null) return `starts at ${to}`;
  if (to === from) return 'no change';
  if (to < from) return `reads offsets ${to}…${from - 1n} again`;
  return `never applies offsets ${from}…${to - 1n} (${to - from} offsets skipped)`;
}

function planLines(plan: ResetPlan): string[] {
  const members = `${plan.members} member${plan.members === 1 ? '' : 's'}`;
  const rows = plan.steps.map((s) => [
    String(s.partition),
    s.from === null ? '-' : String(s.from),
    s.committed === null ? '-' : String(s.committed),
    `${s.logStart}…${s.logEnd}`,
    String(s.to),
    effect(s),
    s.problem ? `${s.problem.stopped ? 'STOPPED ' : ''}${s.problem.code}` : '-',
  ]);
  return [
    `group ${plan.group} (${plan.groupState}, ${members}), topic ${plan.topic}: reset to ${describeTarget(plan.target)}`,
    '',
    ...formatTable(['partition', 'stored', 'kafka committed', 'log', 'new offset', 'effect', 'problem'], rows, 80),
  ];
}

async function reset(args: readonly string[], config: Config, io: OffsetsIo): Promise<number> {
  const { values } = parse(args, {
    to: { type: 'string' },
    partition: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean' },
    by: { type: 'string' },
  });
  const toText = stringValue(values, 'to');
  if (toText === undefined) throw new UsageError('reset needs --to earliest|latest|<offset>|<ISO time>');
  const target = parseResetTarget(toText);
  if (target === null)
    throw new UsageError(
      `--to takes earliest, latest, an offset or an ISO 8601 time with its zone (2026-11-29T10:00:00Z), not ${JSON.stringify(toText)}`,
    );
  const only = partitionsOf(values);
  const by = stringValue(values, 'by') ?? operatorName(io);
  if (by.trim() === '') throw new UsageError('--by must name who resets');
  const dryRun = values['dry-run'] === true;
  const yes = values.yes === true;
  if (!dryRun && !yes && !io.confirm)
    throw new UsageError('refusing to reset without --yes: there is no terminal to confirm on (run with --dry-run to see the change)');

  return withClients(config, io, async (admin, pool, kafka) => {
    const plan = await planReset(admin, pool, config.kafka.groupId, config.topics.orders, target, only);
    for (const l of planLines(plan)) line(io, l);
    line(io);
    if (dryRun) {
      line(io, 'dry run: nothing changed');
      return 0;
    }
    if (!yes) {
      const confirmed = await io.confirm?.(`reset ${plan.steps.length} partition(s) of ${plan.topic} for group ${plan.group}? [y/N] `);
      if (confirmed !== true) {
        line(io, 'nothing changed');
        return 1;
      }
    }
    const result = await applyReset(kafka, admin, pool, plan, by);
    line(
      io,
      `stored offsets set in PostgreSQL (stops lifted, digests cleared) for partition(s) ${plan.steps.map((s) => s.partition).join(', ')}`,
    );
    if (result.kafkaCommitted)
      line(io, `Kafka's committed offsets for group ${plan.group} set to the same (the group has no active member)`);
    else if (result.members === 0)
      line(
        io,
        `Kafka's committed offsets for group ${plan.group} could not be set (${result.groupState}); the intake seeks to the stored offsets when it starts`,
      );
    else
      line(
        io,
        `Kafka's committed offsets left as they are: group ${plan.group} is ${result.groupState} with ${result.members} member(s); the running intake reads the reset within seconds, seeks there and resumes`,
      );
    return 0;
  });
}
