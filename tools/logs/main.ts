import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { prettyFactory } from 'pino-pretty';

/**
 * npm run logs -- [file…]      (no file, or -: standard input)
 *
 * The worker and every command log one JSON object per line (pino). This
 * renders each for a person: local time, level, [component] and message, then
 * the line's other fields on the same line (an error's stack below it). Lines
 * that are not JSON (npm's banner, the demo's status lines) pass through as
 * they are. Colours only on a terminal.
 */

const LOGS_USAGE = `usage: npm run logs -- [file…]
       <command> | npm run logs

Renders flowthrough's JSON log lines (pino) readably: time, level, [component], message, other fields.
Reads the files in order, or standard input when none is given (or for "-").
Examples:
  npx flowthrough worker | npm run logs
  LOG_LEVEL=info npm run demo | npm run logs
  npm run logs -- worker.log`;

const pretty = prettyFactory({
  colorize: process.stdout.isTTY === true,
  translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l',
  ignore: 'pid,hostname,name,component',
  messageFormat: '{if component}[{component}] {end}{msg}',
  singleLine: true,
});

async function render(input: Readable): Promise<void> {
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    // pino-pretty leaves a space after a message with no other fields.
    const out = `${pretty(line).replace(/ *\n?$/, '')}\n`;
    if (!process.stdout.write(out)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}

async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${LOGS_USAGE}\n`);
    return 0;
  }
  const unknown = args.find((a) => a.startsWith('-') && a !== '-');
  if (unknown) {
    process.stderr.write(`npm run logs: unknown option ${unknown}\n\n${LOGS_USAGE}\n`);
    return 2;
  }
  for (const file of args.length > 0 ? args : ['-']) {
    try {
      await render(file === '-' ? process.stdin : createReadStream(file));
    } catch (error) {
      process.stderr.write(`npm run logs: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
  }
  return 0;
}

// A reader that went away (| head) ends the rendering quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await main(process.argv.slice(2));
