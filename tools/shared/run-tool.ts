import { CleanupStack } from './cleanup-stack.js';

export interface ToolRun<R extends { readonly ok: boolean }> {
  readonly timeoutSeconds: number;
  readonly json: boolean;
  readonly out: (line: string) => void;
  /** The run itself: it registers what it creates on `cleanup`. */
  readonly run: (cleanup: CleanupStack, deadline: number) => Promise<R>;
  readonly format: (report: R) => readonly string[];
}

/**
 * What a run tool does around its run: undo everything it created on
 * success, failure, its deadline and SIGINT/SIGTERM (a second signal exits
 * at once), print the readable report and, with --json, the report as the
 * LAST line of stdout. Exit 0: ok; 1: an invariant failed; 2: the run could
 * not be done (or passed --timeout-s).
 */
export async function runTool<R extends { readonly ok: boolean }>(tool: ToolRun<R>): Promise<number> {
  const { out, timeoutSeconds } = tool;
  const cleanup = new CleanupStack();
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    out(`${signal}: cleaning up (a second signal exits at once)`);
    process.once(signal, () => process.exit(130));
    void cleanup.run(out).finally(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  const deadline = Date.now() + timeoutSeconds * 1_000;
  const expired = setTimeout(() => {
    out(`the run passed --timeout-s ${timeoutSeconds}: cleaning up and exiting`);
    void cleanup.run(out).finally(() => process.exit(2));
  }, timeoutSeconds * 1_000);

  try {
    const report = await tool.run(cleanup, deadline);
    await cleanup.run(out);
    for (const line of tool.format(report)) out(line);
    if (tool.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  } catch (error) {
    out(`the run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanup.run(out);
    return 2;
  } finally {
    clearTimeout(expired);
  }
}

/** Sets the exit code; should a library still hold a handle after everything was closed, does not hang on it. */
export function exitWith(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 5_000).unref();
}
