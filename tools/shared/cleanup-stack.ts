/**
 * What the run created, undone in reverse order at the end whatever
 * happened (success, failure, deadline, a signal): each step runs once,
 * a failing step is reported and the others still run.
 */
export class CleanupStack {
  private readonly steps: Array<{ readonly label: string; readonly run: () => Promise<unknown> | unknown }> = [];
  private running: Promise<void> | undefined;

  defer(label: string, run: () => Promise<unknown> | unknown): void {
    this.steps.push({ label, run });
  }

  run(log: (line: string) => void): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        const started = performance.now();
        try {
          await step.run();
          const seconds = (performance.now() - started) / 1_000;
          if (seconds >= 1) log(`cleanup "${step.label}" took ${seconds.toFixed(1)} s`);
        } catch (error) {
          log(`cleanup "${step.label}" failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })();
    return this.running;
  }
}
