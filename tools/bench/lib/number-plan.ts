/**
 * Deterministic, unique E.164 numbers from a seed. Each range maps an index
 * through an affine bijection i ↦ (a·i + b) mod size, so the numbers are
 * scattered over the range (as real allocations are, not one sorted run) yet
 * never repeat and are the same for the same seed.
 */

/** mulberry32: a tiny seeded PRNG, enough to pick permutation constants and GUIDs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

export interface NumberRange {
  /** Digits before the varying part, with the leading "+". */
  readonly prefix: string;
  /** The varying part is `first + permuted index`, zero-padded to `digits`. */
  readonly first: number;
  readonly size: number;
  readonly digits: number;
}

/** +1 425 NXX XXXX: exchange codes 200–999, 8,000,000 numbers. */
export const US_425: NumberRange = { prefix: '+1425', first: 2_000_000, size: 8_000_000, digits: 7 };
/** +44 20 7XXX XXXX (London): 10,000,000 numbers. */
export const UK_207: NumberRange = { prefix: '+44207', first: 0, size: 10_000_000, digits: 7 };

export type NumberPlan = (index: number) => string;

export function numberPlan(range: NumberRange, seed: number): NumberPlan {
  const random = seededRandom(seed);
  let a = 1 + Math.floor(random() * (range.size - 1));
  while (gcd(a, range.size) !== 1) a += 1;
  const b = Math.floor(random() * range.size);
  return (index: number): string => {
    if (!Number.isInteger(index) || index < 0 || index >= range.size) {
      throw new RangeError(`number index ${index} is outside the ${range.prefix} range of ${range.size} numbers`);
    }
    // a·i can pass 2^53 for large ranges; BigInt keeps the bijection exact.
    const slot = Number((BigInt(a) * BigInt(index) + BigInt(b)) % BigInt(range.size));
    return range.prefix + String(range.first + slot).padStart(range.digits, '0');
  };
}

/** A GUID-shaped string from the PRNG (version 4 layout). */
export function seededGuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(random() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
