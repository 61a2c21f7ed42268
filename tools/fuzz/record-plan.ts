import type { FuzzRecord } from './fuzz-record.js';
import { BYTES_KINDS } from './hostile-bytes.js';
import { ENVELOPE_KINDS } from './hostile-envelope.js';
import { FIELD_KINDS } from './hostile-fields.js';
import type { Generated, KindContext, RecordKind } from './record-kind.js';
import { REPEATED_KINDS } from './repeated-orders.js';
import { collisionOrder, collisionVictim, sizedRecord, sizeTargets } from './scheduled-records.js';
import { deriveSeed, Rng } from './seeded-random.js';
import { validRecord } from './valid-records.js';

/**
 * The whole run's records, in sending order, deterministic from the seed
 * (and the orders topic's name, which only the ce_id collision pair spells
 * out). Each partition opens with hostile records, so every valid order
 * sits behind bad ones; a record that repeats an earlier valid order goes
 * to that order's partition, after it. The first hostile records cover
 * every variant of every kind once; the rest are drawn.
 */

export const PARTITIONS = 3;

export const RANDOM_KINDS: readonly RecordKind[] = [...ENVELOPE_KINDS, ...BYTES_KINDS, ...FIELD_KINDS, ...REPEATED_KINDS];
/** Kinds placed at fixed positions rather than drawn. */
export const SCHEDULED_KINDS = ['ce-id-collision', 'size-limit'] as const;
export const KIND_NAMES: readonly string[] = [...RANDOM_KINDS.map((k) => k.name), ...SCHEDULED_KINDS];

export interface PlanOptions {
  readonly seed: number;
  readonly records: number;
  readonly validRatio: number;
  readonly ordersTopic: string;
  /** The orders topic's max.message.bytes: the largest record is sized from it. */
  readonly maxMessageBytes: number;
  /** Kind names left out. */
  readonly skip?: readonly string[];
}

export interface Plan {
  readonly records: readonly FuzzRecord[];
  /** Scheduled kinds this run could not include, and why. */
  readonly skipped: readonly string[];
}

type Scheduled = (rng: Rng) => Generated & { kind: string; partition: number };

/** Fixed positions: hostile openers and the ce_id victims first, the colliders mid-run, the big records near the end. */
function schedule(options: PlanOptions): { scheduled: Map<number, Scheduled>; skipped: string[] } {
  const { records: n, ordersTopic, maxMessageBytes } = options;
  const skip = new Set(options.skip ?? []);
  const scheduled = new Map<number, Scheduled>();
  const skipped: string[] = [];
  if (n < 4 * PARTITIONS) return { scheduled, skipped: [`--records ${n}: too few for the scheduled records (ce_id collisions, sizes)`] };
  for (let p = 0; p < PARTITIONS && !skip.has('ce-id-collision'); p += 1) {
    scheduled.set(PARTITIONS + p, (rng) => ({ ...collisionVictim(PARTITIONS + p, rng, p), kind: 'ce-id-collision', partition: p }));
    const at = Math.floor(n * (0.3 + 0.1 * p));
    scheduled.set(at, (rng) => ({ ...collisionOrder(at, rng, p, ordersTopic), kind: 'ce-id-collision', partition: p }));
  }
  if (n < 60) {
    skipped.push(`--records ${n}: the big records need at least 60`);
    return { scheduled, skipped };
  }
  if (skip.has('size-limit')) return { scheduled, skipped };
  const sizes = sizeTargets(maxMessageBytes);
  skipped.push(...sizes.skipped);
  sizes.targets.forEach((target, i) => {
    const at = Math.floor(n * (0.8 + 0.07 * i));
    scheduled.set(at, (rng) => ({
      ...sizedRecord(at, rng, target),
      kind: 'size-limit',
      partition: deriveSeed(options.seed, at, 7) % PARTITIONS,
    }));
  });
  return { scheduled, skipped };
}

interface Coverage {
  readonly kind: RecordKind;
  readonly variant: number;
}

/**
 * Every (kind, variant) pair once, in an order drawn from the seed: the run's
 * first hostile records walk it, so even a short run builds every variant.
 * A kind tells its number of variants when it picks one (a probe call).
 */
function coverageQueue(seed: number, kinds: readonly RecordKind[]): Coverage[] {
  const probeRng = Rng.forRecord(seed, 0, 99);
  const valid = validRecord(0, probeRng);
  const probeValid: FuzzRecord = { index: 0, kind: 'valid', variant: valid.variant, partition: 0, valid: true, message: valid.message };
  const queue: Coverage[] = [];
  for (const kind of kinds) {
    let count = 1;
    kind.generate({
      index: 0,
      rng: probeRng,
      earlierValid: [probeValid],
      countVariants: (n) => {
        count = n;
      },
    });
    for (let variant = 0; variant < count; variant += 1) queue.push({ kind, variant });
  }
  const rng = Rng.forRecord(seed, 0, 11);
  for (let i = queue.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [queue[i], queue[j]] = [queue[j] as Coverage, queue[i] as Coverage];
  }
  return queue;
}

/** The next pair the coverage pass can build here (a repeat needs an earlier valid order), taken off the queue. */
function nextCovered(context: KindContext, queue: Coverage[]): (Generated & { kind: string }) | null {
  for (let i = 0; i < queue.length; i += 1) {
    const { kind, variant } = queue[i] as Coverage;
    if (REPEATED_KINDS.includes(kind) && context.earlierValid.length === 0) continue;
    const generated = kind.generate({ ...context, cover: variant });
    if (generated === null) continue;
    queue.splice(i, 1);
    return { ...generated, kind: kind.name };
  }
  return null;
}

function drawHostile(context: KindContext, kinds: readonly RecordKind[], standalone: readonly RecordKind[]): Generated & { kind: string } {
  const kind = context.rng.pick(kinds);
  const generated = kind.generate(context);
  if (generated !== null) return { ...generated, kind: kind.name };
  return drawHostile(context, standalone, standalone);
}

export function buildPlan(options: PlanOptions): Plan {
  const { seed, records: n, validRatio } = options;
  const unknown = (options.skip ?? []).filter((k) => !KIND_NAMES.includes(k));
  if (unknown.length > 0) throw new RangeError(`unknown record kind(s) ${unknown.join(', ')}; the kinds are ${KIND_NAMES.join(', ')}`);
  const kinds = RANDOM_KINDS.filter((k) => !(options.skip ?? []).includes(k.name));
  const standalone = kinds.filter((k) => !REPEATED_KINDS.includes(k));
  if (standalone.length === 0) throw new RangeError('--skip leaves no kind that stands alone');
  const { scheduled, skipped } = schedule(options);
  const coverage = coverageQueue(seed, kinds);
  const out: FuzzRecord[] = [];
  const earlierValid: FuzzRecord[] = [];
  for (let index = 0; index < n; index += 1) {
    const rng = Rng.forRecord(seed, index);
    const fixed = scheduled.get(index);
    let record: FuzzRecord;
    if (fixed) {
      const g = fixed(rng);
      record = {
        index,
        kind: g.kind,
        variant: g.variant,
        partition: g.partition,
        message: g.message,
        valid: false,
        ...(g.orderId === undefined ? {} : { orderId: g.orderId }),
      };
    } else {
      const opener = index < PARTITIONS;
      const valid = !opener && rng.float() < validRatio;
      const context: KindContext = { index, rng, earlierValid };
      const g = valid
        ? { ...validRecord(index, rng), kind: 'valid' }
        : opener
          ? drawHostile(context, standalone, standalone)
          : (nextCovered(context, coverage) ?? drawHostile(context, kinds, standalone));
      const partition = g.refersTo?.partition ?? (opener ? index : deriveSeed(seed, index, 7) % PARTITIONS);
      record = {
        index,
        kind: g.kind,
        variant: g.variant,
        partition,
        message: g.message,
        valid,
        ...(g.orderId === undefined ? {} : { orderId: g.orderId }),
        ...(g.refersTo === undefined ? {} : { refersTo: g.refersTo.index }),
        ...(g.repeatsContent === true ? { repeatsContent: true } : {}),
      };
      if (valid) earlierValid.push(record);
    }
    out.push(record);
  }
  return { records: out, skipped };
}
