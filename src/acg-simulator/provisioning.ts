/**
 * The service's asynchronous side: a write is answered at once with
 * `pending` (or a subdomain `notProvisioned`) and settles after a delay.
 * Each step is a real timer (a client has to live with the wait); settle()
 * runs every pending step now, for a test that does not want to wait, and
 * stop() drops them with the simulator.
 */
export class ProvisioningQueue {
  private readonly steps = new Map<NodeJS.Timeout, () => void>();

  constructor(private readonly delayMs: number) {}

  /** Runs `step` after the delay (never inside the call that scheduled it). */
  schedule(step: () => void): void {
    const timer = setTimeout(() => {
      this.steps.delete(timer);
      step();
    }, this.delayMs);
    timer.unref?.();
    this.steps.set(timer, step);
  }

  /** Every pending step, now, in the order they were scheduled. */
  settle(): number {
    const due = [...this.steps];
    this.steps.clear();
    for (const [timer, step] of due) {
      clearTimeout(timer);
      step();
    }
    return due.length;
  }

  get pending(): number {
    return this.steps.size;
  }

  stop(): void {
    for (const timer of this.steps.keys()) clearTimeout(timer);
    this.steps.clear();
  }
}
