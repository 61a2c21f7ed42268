import type { FuzzRecord, RecordMessage } from './fuzz-record.js';
import type { Rng } from './seeded-random.js';

/** What a generator gets: its record's index and random stream, and what came before it. */
export interface KindContext {
  readonly index: number;
  readonly rng: Rng;
  /** Valid records generated before this one (for kinds that repeat or override one). */
  readonly earlierValid: readonly FuzzRecord[];
  /** The plan's coverage pass: build this variant (an index into the kind's list) instead of drawing one. */
  readonly cover?: number;
  /** Told the length of the kind's variant list when it picks from it (how the plan learns what to cover). */
  readonly countVariants?: (count: number) => void;
}

/** A kind's variant: the one the coverage pass asks for, else one drawn from the record's stream. */
export function chooseVariant<T>(context: KindContext, variants: readonly T[]): T {
  context.countVariants?.(variants.length);
  if (context.cover !== undefined) return variants[context.cover % variants.length] as T;
  return context.rng.pick(variants);
}

export interface Generated {
  readonly variant: string;
  readonly message: RecordMessage;
  readonly orderId?: string;
  /** Sent to this record's partition, after it. */
  readonly refersTo?: FuzzRecord;
  /** The same order as `refersTo` (same orderId, same content): a duplicate once that one is accepted. */
  readonly repeatsContent?: boolean;
}

/** A family of hostile records; null when it does not apply here (a repeat with nothing to repeat yet). */
export interface RecordKind {
  readonly name: string;
  readonly generate: (context: KindContext) => Generated | null;
}

/** A name for a report line: JSON-quoted, cut short. */
export function shown(text: string, max = 24): string {
  const quoted = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return quoted.length > max + 8 ? `${quoted.slice(0, max + 6)}…"` : quoted;
}
