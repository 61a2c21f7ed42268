import type { Pool } from 'pg';
import { ORDER_STATES } from '../../../core/order-state/states.js';
import type { Config } from '../../../platform/config/load-config.js';
import { createPool } from '../../../platform/db/pool.js';
import {
  parse,
  positiveNumber,
  stringValue,
  UsageError,
  parseTimeArgument,
  accountDetail,
  listOrders,
  numberDetail,
  orderDetail,
  accountJson,
  accountText,
  numberJson,
  numberText,
  orderJson,
  orderListJson,
  orderListTable,
  orderText,
  defaultIo,
  errorLine,
  line,
  nowOf,
  printJson,
  type OpsIo,
} from '../../../ops/index.js';
import { INSPECT_USAGE } from '../usage.js';

export { INSPECT_USAGE };

async function withPool<T>(config: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ url: config.database.url, connection: config.database, max: 4, applicationName: 'flowthrough-inspect' });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

function usage(io: OpsIo, command: string, error: unknown): number {
  errorLine(io, `flowthrough ${command}: ${error instanceof Error ? error.message : String(error)}\n\n${INSPECT_USAGE}`);
  return 2;
}

function oneArgument(positionals: readonly string[], what: string): string {
  const [value, ...extra] = positionals;
  if (value === undefined || value === '' || extra.length > 0) throw new UsageError(`expected one ${what}`);
  return value;
}

function help(args: readonly string[], io: OpsIo): boolean {
  if (args.length > 0 && !args.includes('--help') && !args.includes('-h') && args[0] !== 'help') return false;
  line(io, INSPECT_USAGE);
  return true;
}

/** `flowthrough orders show|list`. */
export async function ordersCommand(args: readonly string[], config: Config, io: OpsIo = defaultIo()): Promise<number> {
  if (help(args, io)) return args.length === 0 ? 2 : 0;
  const [sub, ...rest] = args;
  try {
    if (sub === 'show') {
      const { values, positionals } = parse(rest, { json: { type: 'boolean' } }, true);
      const orderId = oneArgument(positionals, 'orderId');
      // Every work row: `--json` is where a summarised status event (numbersOmitted.command) sends its reader.
      const detail = await withPool(config, (pool) => orderDetail(pool, orderId, null));
      if (detail === null) {
        errorLine(io, `flowthrough orders: no order ${orderId} (nor a dead letter for it)`);
        return 1;
      }
      if (values.json === true) printJson(io, orderJson(detail));
      else for (const l of orderText(detail)) line(io, l);
      return 0;
    }
    if (sub === 'list') {
      const { values } = parse(rest, {
        state: { type: 'string' },
        account: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
      });
      const time = (name: 'since' | 'until'): Date | undefined => {
        const text = stringValue(values, name);
        if (text === undefined) return undefined;
        const at = parseTimeArgument(text, nowOf(io));
        if (at === null) throw new UsageError(`--${name} takes an ISO time or a duration before now, not ${JSON.stringify(text)}`);
        return at;
      };
      const state = stringValue(values, 'state');
      if (state !== undefined && !(ORDER_STATES as readonly string[]).includes(state)) {
        // One line: a filter that can match nothing is a mistake, not an empty result.
        errorLine(io, `flowthrough orders: --state takes one of ${ORDER_STATES.join(', ')}, not ${JSON.stringify(state)}`);
        return 2;
      }
      const since = time('since');
      const until = time('until');
      const filter = {
        limit: positiveNumber(values, 'limit') ?? 50,
        ...(stringValue(values, 'state') ? { state: stringValue(values, 'state') } : {}),
        ...(stringValue(values, 'account') ? { account: stringValue(values, 'account') } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
      };
      const rows = await withPool(config, (pool) => listOrders(pool, filter));
      if (values.json === true) printJson(io, orderListJson(rows));
      else for (const l of rows.length === 0 ? ['no orders match'] : orderListTable(rows)) line(io, l);
      return 0;
    }
    throw new UsageError(`unknown orders command "${sub}"`);
  } catch (error) {
    if (error instanceof UsageError) return usage(io, 'orders', error);
    throw error;
  }
}

/** `flowthrough accounts show <name>`. */
export async function accountsCommand(args: readonly string[], config: Config, io: OpsIo = defaultIo()): Promise<number> {
  if (help(args, io)) return args.length === 0 ? 2 : 0;
  const [sub, ...rest] = args;
  try {
    if (sub !== 'show') throw new UsageError(`unknown accounts command "${sub}"`);
    const { values, positionals } = parse(rest, { json: { type: 'boolean' } }, true);
    const name = oneArgument(positionals, 'account name');
    const detail = await withPool(config, (pool) => accountDetail(pool, name));
    if (detail === null) {
      errorLine(io, `flowthrough accounts: no account ${name}`);
      return 1;
    }
    if (values.json === true) printJson(io, accountJson(detail));
    else for (const l of accountText(detail)) line(io, l);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, 'accounts', error);
    throw error;
  }
}

/** `flowthrough numbers show <+E164>`. */
export async function numbersCommand(args: readonly string[], config: Config, io: OpsIo = defaultIo()): Promise<number> {
  if (help(args, io)) return args.length === 0 ? 2 : 0;
  const [sub, ...rest] = args;
  try {
    if (sub !== 'show') throw new UsageError(`unknown numbers command "${sub}"`);
    const { values, positionals } = parse(rest, { json: { type: 'boolean' } }, true);
    const telephoneNumber = oneArgument(positionals, 'telephone number');
    if (!/^\+[1-9]\d{1,14}$/.test(telephoneNumber))
      throw new UsageError(`a telephone number is E.164 (+14255550100), not ${JSON.stringify(telephoneNumber)}`);
    const detail = await withPool(config, (pool) => numberDetail(pool, telephoneNumber));
    if (detail === null) {
      errorLine(io, `flowthrough numbers: ${telephoneNumber} is not known`);
      return 1;
    }
    if (values.json === true) printJson(io, numberJson(detail, config.customHeaderName));
    else for (const l of numberText(detail, config.customHeaderName)) line(io, l);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, 'numbers', error);
    throw error;
  }
}
