import { readFileSync } from 'node:fs';

/**
 * The Node options the production worker runs with, read from package.json's
 * `start` script (`node <options> dist/app/cli/main.js worker`), so that the
 * benchmark's intake process runs with exactly those.
 */
export function workerNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  const start = pkg.scripts?.start ?? '';
  const words = start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json "start" does not run node: ${start}`);
  const options: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('--')) break;
    options.push(word);
  }
  return options;
}
