import { cpus, loadavg, totalmem } from 'node:os';
import { openBenchContext, type OpenedContext } from './lib/context.js';
import { BenchOptions, COMMON_OPTIONS, parseArgs } from './lib/options.js';
import { figuresJson, formatFigures } from './lib/output.js';
import type { Figures, Scenario } from './lib/scenario.js';
import { SCENARIOS } from './scenarios/index.js';

/**
 * npm run bench -- <scenario> [--json] [--option value…]
 * Progress and the readable summary go to stderr; with --json the LAST line
 * of stdout is one JSON object of figures (and nothing else is on stdout).
 */

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

function usage(): string {
  const lines = ['usage: npm run bench -- <scenario> [--json] [--option value…]', '', 'scenarios:'];
  const printed = new Map<readonly unknown[], string>();
  for (const s of SCENARIOS.values()) {
    lines.push(`  ${s.name} — ${s.description}`);
    const same = printed.get(s.options);
    if (same !== undefined) lines.push(`      (options as ${same})`);
    else for (const o of s.options) lines.push(`      --${o.name} (${o.default}): ${o.description}`);
    printed.set(s.options, same ?? s.name);
  }
  lines.push('', 'options of every scenario:');
  for (const o of COMMON_OPTIONS) lines.push(`      --${o.name} (${o.default}): ${o.description}`);
  lines.push('', 'services: KAFKA_BROKERS / DATABASE_URL when set, otherwise the project launcher (npm run stack).');
  return lines.join('\n');
}

function machineFigures(scenario: Scenario): Figures {
  return {
    scenario: scenario.name,
    startedAt: new Date().toISOString(),
    nproc: cpus().length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    // Machines are shared: a high load next to a figure says to distrust it.
    loadAvg1mStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help && args.scenario === undefined) {
    process.stderr.write(`${usage()}\n`);
    return 0;
  }
  const scenario = args.scenario === undefined ? undefined : SCENARIOS.get(args.scenario);
  if (!scenario) {
    process.stderr.write(`${args.scenario === undefined ? 'no scenario given' : `unknown scenario "${args.scenario}"`}\n\n${usage()}\n`);
    return 2;
  }
  const options = new BenchOptions(args.options, [...COMMON_OPTIONS, ...scenario.options]);
  const problems = [...args.errors, ...options.unknown().map((n) => `unknown option --${n} for scenario ${scenario.name}`)];
  if (args.help || problems.length > 0) {
    process.stderr.write(`${problems.join('\n')}${problems.length > 0 ? '\n\n' : ''}${usage()}\n`);
    return args.help && problems.length === 0 ? 0 : 2;
  }
  const timeoutMs = options.number('timeout-s', { min: 10, max: 86_400 }) * 1000;
  const logLevel = options.string('log-level');

  const started = performance.now();
  const figures: Figures = machineFigures(scenario);
  log(`${scenario.name}: ${JSON.stringify(options.effective())}`);
  let opened: OpenedContext | undefined;
  let deadline: NodeJS.Timeout | undefined;
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    log(`${signal}: cleaning up (a second signal exits at once)`);
    process.once(signal, () => process.exit(130));
    void (opened?.close() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    opened = await openBenchContext(process.env, log, logLevel);
    const context = opened.context;
    const outcome = await Promise.race([
      scenario.run(context, options),
      new Promise<never>((_, reject) => {
        deadline = setTimeout(() => reject(new Error(`the run passed --timeout-s ${timeoutMs / 1000}`)), timeoutMs);
      }),
    ]);
    Object.assign(figures, outcome, {
      loadAvg1mEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100,
      totalSeconds: Math.round((performance.now() - started) / 100) / 10,
    });
  } catch (error) {
    log(`${scenario.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    clearTimeout(deadline);
    await opened?.close();
  }
  process.stderr.write(`\n${scenario.name}:\n${formatFigures(figures)}\n`);
  if (args.json) process.stdout.write(`${figuresJson(figures)}\n`);
  return 0;
}

const code = await main();
process.exitCode = code;
// Everything was closed; should a library still hold a handle, do not hang a benchmark run on it.
setTimeout(() => {
  log('a handle stayed open after cleanup; exiting');
  process.exit(code);
}, 5_000).unref();
