import { exitWith, runTool } from '../shared/run-tool.js';
import { FUZZ_USAGE, parseFuzzArgs } from './fuzz-options.js';
import { formatReport } from './fuzz-report.js';
import { runFuzz } from './run-fuzz.js';

/**
 * npm run fuzz -- [--records N] [--seed S] [--valid-ratio R] [--json] [--keep] …
 *
 * Our own hostile-input run (docs/FUZZ.md): the production worker in a child
 * process against a deterministic mix of valid orders and hostile records.
 * Progress and the readable result go to stdout; with --json the LAST line
 * of stdout is one JSON object of invariants. kafkajs noise goes to stderr.
 * Exit 0: every invariant holds; 1: one failed; 2: the run could not be done.
 */

const started = performance.now();
const out = (line: string): void =>
  void process.stdout.write(`[fuzz ${((performance.now() - started) / 1_000).toFixed(1).padStart(5)}s] ${line}\n`);

const WORKER_LOG_LEVELS = new Set(['trace', 'debug', 'info']);

async function main(): Promise<number> {
  const { options, errors } = parseFuzzArgs(process.argv.slice(2));
  if (!WORKER_LOG_LEVELS.has(options.logLevel))
    errors.push(`--log-level ${options.logLevel}: must be info, debug or trace (the worker's HTTP port is read from its log)`);
  if (options.help || errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}${errors.length > 0 ? '\n\n' : ''}${FUZZ_USAGE}\n`);
    return options.help && errors.length === 0 ? 0 : 2;
  }
  out(
    `seed ${options.seed}${options.seedGiven ? '' : ' (random; pass --seed to repeat this run)'}, ${options.records} records, valid ratio ${options.validRatio}`,
  );

  return runTool({
    timeoutSeconds: options.timeoutSeconds,
    json: options.json,
    out,
    run: (cleanup, deadline) => runFuzz(options, out, cleanup, deadline),
    format: formatReport,
  });
}

exitWith(await main());
