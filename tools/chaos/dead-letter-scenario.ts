import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import type { OrderPublisher } from './order-producer.js';
import type { Workload } from './workload.js';

/**
 * A dead-letter replay killed half-way: number orders for an account that
 * does not exist yet are dead-lettered (account_not_found); the account is
 * created; `flowthrough dlq replay` (a child process, paced with --rate) is
 * SIGKILLed once half the records went out; then run again until it
 * completes. Every one of those orders must end accepted, once.
 */

const CLI = fileURLToPath(new URL('../../src/app/cli/main.ts', import.meta.url));
const MAX_FINAL_RUNS = 5;

export interface DeadLetterOutcome {
  /** Records dead-lettered as account_not_found before the replay. */
  readonly deadLettered: number;
  /** Other codes they got instead (should be none). */
  readonly otherCodes: Readonly<Record<string, number>>;
  /** Records the first replay had re-published when it was SIGKILLed; null when it was not killed. */
  readonly killedAfter: number | null;
  readonly firstRunExit: string;
  /** Runs after the kill until one completed, with their exit codes. */
  readonly finalRuns: readonly number[];
  readonly completed: boolean;
}

export interface DeadLetterContext {
  readonly workload: Workload;
  readonly publisher: OrderPublisher;
  readonly pool: pg.Pool;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly log: (line: string) => void;
  /** Resolves at the given offset (ms) into the chaos window, or at once when it passed. */
  readonly at: (ms: number) => Promise<void>;
  /** Resolves once the broker is up (the replay needs it to make progress). */
  readonly brokerUp: () => Promise<void>;
  readonly deadline: number;
  readonly times: { readonly publishLate: number; readonly createAccount: number; readonly replay: number };
}

async function waitFor<T>(what: string, deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch {
      // PostgreSQL restarting: look again.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface ReplayRun {
  readonly code: number | null;
  readonly signal: string | null;
  readonly replayed: number;
}

function replay(args: readonly string[], context: DeadLetterContext, killAfter?: number): Promise<ReplayRun> {
  return new Promise((resolve) => {
    const log = createWriteStream(context.logFile, { flags: 'a' });
    log.write(`# ${new Date().toISOString()} flowthrough ${args.join(' ')}\n`);
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, ...args], {
      env: { ...process.env, NODE_OPTIONS: '', ...context.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const killOnExit = (): void => void child.kill('SIGKILL');
    process.on('exit', killOnExit);
    let replayed = 0;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (/^#\d+ .* replayed: /.test(line)) replayed += 1;
      if (killAfter !== undefined && replayed >= killAfter && child.exitCode === null) child.kill('SIGKILL');
    });
    child.stderr!.on('data', (d: Buffer) => log.write(d));
    child.once('exit', (code, signal) => {
      process.off('exit', killOnExit);
      log.write(`# exited: code ${code}, signal ${signal}, ${replayed} replayed\n`);
      log.end(() => resolve({ code, signal, replayed }));
    });
  });
}

export async function runDeadLetterScenario(context: DeadLetterContext): Promise<DeadLetterOutcome> {
  const { workload, pool, log, deadline } = context;
  const late = workload.lateAccount.account;
  const count = workload.lateRecords.length;

  await context.at(context.times.publishLate);
  await context.publisher.sendNow(workload.lateRecords);
  log(`dead letters: published ${count} number orders for ${late}, which does not exist yet`);
  const codes = await waitFor(`the ${count} orders of ${late} to be dead-lettered`, deadline, async () => {
    const rows = (
      await pool.query<{ error_code: string; n: number }>(
        `SELECT error_code, count(*)::int AS n FROM dead_letters WHERE account_name = $1 GROUP BY error_code`,
        [late],
      )
    ).rows;
    return rows.reduce((n, r) => n + r.n, 0) >= count ? rows : undefined;
  });
  const deadLettered = codes.find((c) => c.error_code === 'account_not_found')?.n ?? 0;
  const otherCodes = Object.fromEntries(codes.filter((c) => c.error_code !== 'account_not_found').map((c) => [c.error_code, c.n]));
  log(
    `dead letters: ${deadLettered} dead-lettered as account_not_found${Object.keys(otherCodes).length > 0 ? `, others: ${JSON.stringify(otherCodes)}` : ''}`,
  );

  await context.at(context.times.createAccount);
  await context.publisher.sendNow([workload.lateAccountRecord]);
  await waitFor(`account ${late} to be created`, deadline, async () =>
    (await pool.query(`SELECT 1 FROM accounts WHERE name = $1 AND deleted_at IS NULL`, [late])).rowCount ? true : undefined,
  );
  log(`dead letters: account ${late} exists now`);

  await context.at(context.times.replay);
  await context.brokerUp();
  const filter = ['--code', 'account_not_found', '--account', late, '--by', 'chaos-run'];
  // Paced so that the kill lands half-way: about four seconds for the lot.
  const rate = Math.max(2, Math.ceil(count / 4));
  const half = Math.ceil(deadLettered / 2);
  const first = await replay(['dlq', 'replay', ...filter, '--rate', String(rate)], context, half);
  const killed = first.signal === 'SIGKILL';
  log(
    killed
      ? `dead letters: the replay was SIGKILLed after ${first.replayed} of ${deadLettered} records`
      : `dead letters: the first replay ended by itself (code ${first.code}) after ${first.replayed} records: not killed half-way`,
  );
  const finalRuns: number[] = [];
  let completed = false;
  while (!completed && finalRuns.length < MAX_FINAL_RUNS && Date.now() < deadline) {
    await context.brokerUp();
    const run = await replay(['dlq', 'replay', ...filter], context);
    finalRuns.push(run.code ?? -1);
    completed = run.code === 0;
    if (!completed) {
      log(`dead letters: the replay run ended with code ${run.code}; running it again`);
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }
  log(`dead letters: replay ${completed ? 'completed' : 'did NOT complete'} after ${finalRuns.length} more run(s)`);
  return {
    deadLettered,
    otherCodes,
    killedAfter: killed ? first.replayed : null,
    firstRunExit: `code ${first.code}, signal ${first.signal}`,
    finalRuns,
    completed,
  };
}
