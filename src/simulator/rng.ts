/**
 * A seeded pseudo-random source (mulberry32): fault draws and latency jitter
 * repeat from run to run for the same seed and the same calls, so a failing
 * test or a benchmark can be replayed exactly. Ids are not drawn from it, so
 * creating orders does not shift the fault sequence.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
