import type { OpsIo } from '../ops-io.js';

const WIDTH = 30;

/** One line rewritten in place: "[#####.....]  42/100  replayed 40 · skipped 2". */
export function progressLine(done: number, total: number, tally: string): string {
  const filled = total === 0 ? WIDTH : Math.round((done / total) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(done).padStart(String(total).length)}/${total}  ${tally}`;
}

/** A progress bar on a terminal; nothing elsewhere (the caller prints plain lines instead). */
export class ProgressBar {
  private lastDrawn = 0;
  private drawn = false;

  constructor(
    private readonly io: OpsIo,
    private readonly minIntervalMs = 100,
  ) {}

  get enabled(): boolean {
    return this.io.stdout.isTTY === true;
  }

  update(done: number, total: number, tally: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < total && now - this.lastDrawn < this.minIntervalMs) return;
    this.lastDrawn = now;
    this.drawn = true;
    this.io.stdout.write(`\r\u001b[2K${progressLine(done, total, tally)}`);
  }

  finish(): void {
    if (this.enabled && this.drawn) this.io.stdout.write('\n');
  }
}
