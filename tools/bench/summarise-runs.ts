import { readFile } from 'node:fs/promises';
import { median, round } from './lib/stats.js';

/**
 * node --import tsx tools/bench/summarise-runs.ts out1.txt out2.txt out3.txt
 * Reads the stdout of several `npm run bench -- <scenario> --json` runs (the
 * last line of each is the figures object) and prints a Markdown table of
 * every numeric figure: the median over the runs and each run's value.
 */

async function lastJsonLine(path: string): Promise<Record<string, unknown>> {
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => l.trim().length > 0);
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`${path} is empty`);
  const parsed: unknown = JSON.parse(last);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error(`${path}: the last line is not a JSON object`);
  return parsed as Record<string, unknown>;
}

const paths = process.argv.slice(2);
if (paths.length === 0) {
  process.stderr.write('usage: node --import tsx tools/bench/summarise-runs.ts <stdout file>…\n');
  process.exit(2);
}
const runs = await Promise.all(paths.map(lastJsonLine));
const names = [...new Set(runs.flatMap((r) => Object.keys(r)))];
const lines = [`| figure | median of ${runs.length} | runs |`, '|---|---:|---|'];
for (const name of names) {
  const values = runs.map((r) => r[name]);
  const numbers = values.filter((v): v is number => typeof v === 'number');
  if (numbers.length === values.length && numbers.length > 0) {
    lines.push(`| ${name} | ${round(median(numbers), 3)} | ${numbers.map((n) => round(n, 3)).join(' · ')} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
