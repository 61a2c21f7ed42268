import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../src/app/cli/main.ts', import.meta.url));
/** The development services launcher, `npm run stack`. */
export const STACK = fileURLToPath(new URL('../../tools/stack/main.ts', import.meta.url));

export interface CliResult {
  readonly args: readonly string[];
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * Runs `node --import tsx src/app/cli/main.ts …args` (or another `script`) with exactly `env` (plus
 * PATH and HOME), killing it after `timeoutMs`: a command that started
 * something instead of answering shows as a null exit code.
 */
export function runCli(args: readonly string[], env: Record<string, string>, timeoutMs = 30_000, script = CLI): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', script, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ args, code, stdout, stderr, ms: Math.round(performance.now() - started) });
    });
  });
}

/** Runs every argument list, a few processes at a time (each is a Node start-up and a TypeScript load). */
export async function runAll(
  argLists: readonly (readonly string[])[],
  env: Record<string, string>,
  concurrency = Math.max(4, availableParallelism() * 2),
): Promise<CliResult[]> {
  const results: CliResult[] = new Array(argLists.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < argLists.length) {
      const i = next++;
      results[i] = await runCli(argLists[i] ?? [], env);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, argLists.length) }, worker));
  return results;
}
