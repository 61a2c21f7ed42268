import fc from 'fast-check';
import { seededRandom } from '../bench/lib/number-plan.js';

/**
 * Deterministic randomness: every record draws from its own stream, derived
 * from the run's seed and the record's index, so a record is the same
 * whatever the other records are, and a finding's "#index" with the run's
 * seed is enough to rebuild it.
 */

/** A 32-bit seed for (run seed, index, stream): murmur3's finaliser over the three. */
export function deriveSeed(seed: number, index: number, stream = 0): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = seededRandom(seed);
  }

  static forRecord(seed: number, index: number, stream = 0): Rng {
    return new Rng(deriveSeed(seed, index, stream));
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  bool(probability = 0.5): boolean {
    return this.next() < probability;
  }

  pick<T>(list: readonly T[]): T {
    if (list.length === 0) throw new RangeError('pick from an empty list');
    return list[this.int(0, list.length - 1)] as T;
  }

  /** A fast-check value, reproducible from this stream (fast-check's own seeded generator). */
  sample<T>(arbitrary: fc.Arbitrary<T>): T {
    const values = fc.sample(arbitrary, { seed: this.int(0, 0x7fff_ffff), numRuns: 8 });
    return values[this.int(0, values.length - 1)] as T;
  }

  bytes(maxLength: number, minLength = 0): Buffer {
    return Buffer.from(this.sample(fc.uint8Array({ minLength, maxLength })));
  }
}
