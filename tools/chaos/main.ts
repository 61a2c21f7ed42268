import { exitWith, runTool } from '../shared/run-tool.js';
import { CHAOS_USAGE, parseChaosArgs } from './chaos-options.js';
import { formatReport } from './chaos-report.js';
import { runChaos } from './run-chaos.js';

/**
 * npm run chaos -- [--orders N] [--workers N] [--kills N] [--seed S] [--json] …
 *
 * Our own chaos run (docs/CHAOS.md): its own broker and PostgreSQL, the
 * Operator Connect simulator with faults, supervised workers that are
 * SIGKILLed, a broker and a PostgreSQL restart, a dead-letter replay killed
 * half-way; then the invariants. Progress and the readable result go to
 * stdout; with --json the LAST line of stdout is one JSON object. kafkajs
 * noise goes to stderr. Exit 0: every invariant holds; 1: one failed; 2:
 * the run could not be done (or passed --timeout-s).
 */

const started = performance.now();
const out = (line: string): void =>
  void process.stdout.write(`[chaos ${((performance.now() - started) / 1_000).toFixed(1).padStart(6)}s] ${line}\n`);

async function main(): Promise<number> {
  const { options, errors } = parseChaosArgs(process.argv.slice(2));
  if (options.help || errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}${errors.length > 0 ? '\n\n' : ''}${CHAOS_USAGE}\n`);
    return options.help && errors.length === 0 ? 0 : 2;
  }
  out(
    `seed ${options.seed}${options.seedGiven ? '' : ' (random; pass --seed to repeat this run)'}, ${options.orders} orders, ${options.workers} workers, ${options.kills} kills, window ${options.windowSeconds} s, timeout ${options.timeoutSeconds} s`,
  );

  return runTool({
    timeoutSeconds: options.timeoutSeconds,
    json: options.json,
    out,
    run: (cleanup, deadline) => runChaos(options, out, cleanup, deadline),
    format: formatReport,
  });
}

exitWith(await main());
