import type { Operation } from './operations.js';
import type { SeededRandom } from './rng.js';

/**
 * beforeHandling: the call fails and nothing is applied. afterHandling: the
 * call is applied (an order accepted, its Repeatability answer stored) and
 * then the answer is lost: the case that tests a client's idempotent retry.
 */
export type FaultPhase = 'beforeHandling' | 'afterHandling';

export type FaultSpec =
  /** Lets one call through untouched: a script "fail the third call" is two passes and a fault. */
  | { readonly kind: 'pass' }
  | { readonly kind: 'throttle'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'serverError'; readonly phase?: FaultPhase }
  | { readonly kind: 'serviceUnavailable'; readonly retryAfterSeconds?: number; readonly phase?: FaultPhase }
  | { readonly kind: 'reset'; readonly phase?: FaultPhase }
  /** Answers `delayMs` late, after the call was applied. */
  | { readonly kind: 'slow'; readonly delayMs: number };

export type FaultKind = FaultSpec['kind'];
export type ProbabilisticFaultKind = Exclude<FaultKind, 'pass'>;

/** A scripted fault, limited to some operations if `operations` is given. */
export type ScriptedFault = FaultSpec & { readonly operations?: readonly Operation[] };

export interface FaultOptions {
  /** Consumed in order: each call takes the first remaining entry whose operations match it. */
  readonly script?: readonly ScriptedFault[];
  /** Independent chances per call (0–1), drawn from the seeded RNG when no scripted entry applies. */
  readonly probabilities?: Partial<Record<ProbabilisticFaultKind, number>>;
  /** Operations the probabilities apply to; all API operations when absent (never the token endpoint unless listed). */
  readonly operations?: readonly Operation[];
  /** Retry-After of probabilistic 429s and 503s, in seconds. */
  readonly retryAfterSeconds?: number;
  /** How late a probabilistic slow answer comes. */
  readonly slowMs?: number;
  /** Phase of probabilistic 500s, 503s and resets. */
  readonly phase?: FaultPhase;
}

export type ResolvedFault = Exclude<FaultSpec, { kind: 'pass' }>;

const PROBABILISTIC_ORDER: readonly ProbabilisticFaultKind[] = ['throttle', 'serviceUnavailable', 'serverError', 'reset', 'slow'];

/** Decides, call by call, which fault (if any) the simulator plays. */
export class FaultPlan {
  private script: ScriptedFault[] = [];
  private probabilities: FaultOptions['probabilities'] = {};
  private defaults: { retryAfterSeconds: number; slowMs: number; phase: FaultPhase } = { retryAfterSeconds: 1, slowMs: 5_000, phase: 'beforeHandling' };
  private probabilisticOperations: ReadonlySet<Operation> | undefined;

  constructor(
    private readonly random: SeededRandom,
    private readonly apiOperations: readonly Operation[],
    options: FaultOptions = {},
  ) {
    this.add(options);
  }

  /** Appends the script; replaces probabilities and their settings when given. */
  add(options: FaultOptions): void {
    this.script.push(...(options.script ?? []));
    if (options.probabilities) this.probabilities = { ...options.probabilities };
    if (options.operations) this.probabilisticOperations = new Set(options.operations);
    if (options.retryAfterSeconds !== undefined) this.defaults.retryAfterSeconds = options.retryAfterSeconds;
    if (options.slowMs !== undefined) this.defaults.slowMs = options.slowMs;
    if (options.phase !== undefined) this.defaults.phase = options.phase;
  }

  clear(): void {
    this.script = [];
    this.probabilities = {};
    this.probabilisticOperations = undefined;
    this.defaults = { retryAfterSeconds: 1, slowMs: 5_000, phase: 'beforeHandling' };
  }

  pendingScript(): readonly ScriptedFault[] {
    return [...this.script];
  }

  next(operation: Operation): ResolvedFault | undefined {
    const index = this.script.findIndex((f) => !f.operations || f.operations.includes(operation));
    if (index >= 0) {
      const [entry] = this.script.splice(index, 1);
      return entry === undefined || entry.kind === 'pass' ? undefined : stripOperations(entry);
    }
    const eligible = this.probabilisticOperations ? this.probabilisticOperations.has(operation) : this.apiOperations.includes(operation);
    if (!eligible) return undefined;
    for (const kind of PROBABILISTIC_ORDER) {
      const p = this.probabilities?.[kind] ?? 0;
      // Draw only for configured kinds, so adding one kind does not reshuffle the others' sequence.
      if (p > 0 && this.random.next() < p) return this.make(kind);
    }
    return undefined;
  }

  private make(kind: ProbabilisticFaultKind): ResolvedFault {
    const { retryAfterSeconds, slowMs, phase } = this.defaults;
    switch (kind) {
      case 'throttle':
        return { kind, retryAfterSeconds };
      case 'serviceUnavailable':
        return { kind, retryAfterSeconds, phase };
      case 'serverError':
      case 'reset':
        return { kind, phase };
      case 'slow':
        return { kind, delayMs: slowMs };
    }
  }
}

function stripOperations(entry: Exclude<ScriptedFault, { kind: 'pass' }>): ResolvedFault {
  const { operations: _ignored, ...fault } = entry;
  return fault;
}
