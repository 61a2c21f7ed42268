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
  /** A 429 with Retry-After (at least 1 s). */
  | { readonly kind: 'throttle'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'serverError'; readonly phase?: FaultPhase }
  /** A 503; Retry-After of `retryAfterSeconds` (1 when absent; 0 sends none: a 503 only may carry one). */
  | { readonly kind: 'serviceUnavailable'; readonly retryAfterSeconds?: number; readonly phase?: FaultPhase }
  | { readonly kind: 'reset'; readonly phase?: FaultPhase }
  /**
   * The call never answers: the connection stays open, silent, until the
   * client gives up and closes it, or `hangMs` passes (then it is dropped
   * unanswered, as a gateway's idle timeout would), or the simulator stops.
   */
  | { readonly kind: 'hang'; readonly phase?: FaultPhase; readonly hangMs?: number }
  /** Answers `delayMs` late, after the call was applied. */
  | { readonly kind: 'slow'; readonly delayMs: number };

export type FaultKind = FaultSpec['kind'];
export type ProbabilisticFaultKind = Exclude<FaultKind, 'pass'>;

/** A scripted fault, limited to some operations if `operations` is given. */
export type ScriptedFault<Op extends string = Operation> = FaultSpec & { readonly operations?: readonly Op[] };

/** Retry-After, in seconds, per kind of probabilistic fault that carries one. */
export interface RetryAfterPerFault {
  readonly throttle?: number;
  readonly serviceUnavailable?: number;
}

/** Faults of the fake Entra ID's token endpoint, at their own rates (answered in Entra ID's error form). */
export interface TokenFaultOptions {
  /** Independent chances per token request (0–1), drawn from the seeded RNG when no scripted entry applies. */
  readonly probabilities?: Partial<Record<ProbabilisticFaultKind, number>>;
  /** Retry-After of token 429s and 503s, in seconds (per kind, or one for both). */
  readonly retryAfterSeconds?: number;
  readonly retryAfter?: RetryAfterPerFault;
  /** How long a hung token request stays open at most; 0 or absent: until the client gives up. */
  readonly hangMs?: number;
  /** How late a slow token answer comes. */
  readonly slowMs?: number;
}

export interface FaultOptions<Op extends string = Operation> {
  /** Consumed in order: each call takes the first remaining entry whose operations match it. */
  readonly script?: readonly ScriptedFault<Op>[];
  /** Independent chances per call (0–1), drawn from the seeded RNG when no scripted entry applies. */
  readonly probabilities?: Partial<Record<ProbabilisticFaultKind, number>>;
  /** Operations the probabilities apply to; all API operations when absent (never the token endpoint unless listed). */
  readonly operations?: readonly Op[];
  /** Retry-After of probabilistic 429s and 503s, in seconds. */
  readonly retryAfterSeconds?: number;
  /** Retry-After per kind of probabilistic fault; wins over retryAfterSeconds. */
  readonly retryAfter?: RetryAfterPerFault;
  /** How late a probabilistic slow answer comes. */
  readonly slowMs?: number;
  /** How long a probabilistic hang stays open at most; 0 or absent: until the client gives up. */
  readonly hangMs?: number;
  /** Phase of probabilistic 500s, 503s, resets and hangs. */
  readonly phase?: FaultPhase;
  /** The token endpoint's own fault rates; when given, they replace the probabilities above for `token`. */
  readonly token?: TokenFaultOptions;
}

export type ResolvedFault = Exclude<FaultSpec, { kind: 'pass' }>;

const PROBABILISTIC_ORDER: readonly ProbabilisticFaultKind[] = ['throttle', 'serviceUnavailable', 'serverError', 'reset', 'hang', 'slow'];

interface Draws {
  readonly probabilities: Partial<Record<ProbabilisticFaultKind, number>>;
  readonly retryAfter: Required<RetryAfterPerFault>;
  readonly slowMs: number;
  readonly hangMs: number;
  readonly phase: FaultPhase;
}

const DEFAULT_RETRY_AFTER_SECONDS = 1;
const DEFAULT_SLOW_MS = 5_000;

function emptyDraws(): Draws {
  const s = DEFAULT_RETRY_AFTER_SECONDS;
  return {
    probabilities: {},
    retryAfter: { throttle: s, serviceUnavailable: s },
    slowMs: DEFAULT_SLOW_MS,
    hangMs: 0,
    phase: 'beforeHandling',
  };
}

/** Applies the settings given (and only those) over `base`. */
function merged(
  base: Draws,
  o: {
    probabilities?: Draws['probabilities'] | undefined;
    retryAfterSeconds?: number | undefined;
    retryAfter?: RetryAfterPerFault | undefined;
    slowMs?: number | undefined;
    hangMs?: number | undefined;
    phase?: FaultPhase | undefined;
  },
): Draws {
  const both = o.retryAfterSeconds;
  return {
    probabilities: o.probabilities ? { ...o.probabilities } : base.probabilities,
    retryAfter: {
      throttle: o.retryAfter?.throttle ?? both ?? base.retryAfter.throttle,
      serviceUnavailable: o.retryAfter?.serviceUnavailable ?? both ?? base.retryAfter.serviceUnavailable,
    },
    slowMs: o.slowMs ?? base.slowMs,
    hangMs: o.hangMs ?? base.hangMs,
    phase: o.phase ?? base.phase,
  };
}

/** Decides, call by call, which fault (if any) the simulator plays. */
export class FaultPlan<Op extends string = Operation> {
  private script: ScriptedFault<Op>[] = [];
  private api: Draws = emptyDraws();
  /** The token endpoint's own rates, once given. */
  private token: Draws | undefined;
  private probabilisticOperations: ReadonlySet<Op> | undefined;

  constructor(
    private readonly random: SeededRandom,
    private readonly apiOperations: readonly Op[],
    options: FaultOptions<Op> = {},
  ) {
    this.add(options);
  }

  /** Appends the script; replaces probabilities and their settings when given (token faults likewise). */
  add(options: FaultOptions<Op>): void {
    this.script.push(...(options.script ?? []));
    this.api = merged(this.api, options);
    if (options.operations) this.probabilisticOperations = new Set(options.operations);
    if (options.token) this.token = merged(this.token ?? emptyDraws(), { ...options.token, phase: 'beforeHandling' });
  }

  clear(): void {
    this.script = [];
    this.api = emptyDraws();
    this.token = undefined;
    this.probabilisticOperations = undefined;
  }

  pendingScript(): readonly ScriptedFault<Op>[] {
    return [...this.script];
  }

  next(operation: Op): ResolvedFault | undefined {
    const index = this.script.findIndex((f) => !f.operations || f.operations.includes(operation));
    if (index >= 0) {
      const [entry] = this.script.splice(index, 1);
      return entry === undefined || entry.kind === 'pass' ? undefined : stripOperations(entry);
    }
    if (operation === 'token' && this.token) return this.draw(this.token);
    const eligible = this.probabilisticOperations ? this.probabilisticOperations.has(operation) : this.apiOperations.includes(operation);
    return eligible ? this.draw(this.api) : undefined;
  }

  private draw(draws: Draws): ResolvedFault | undefined {
    for (const kind of PROBABILISTIC_ORDER) {
      const p = draws.probabilities[kind] ?? 0;
      // Draw only for configured kinds, so adding one kind does not reshuffle the others' sequence.
      if (p > 0 && this.random.next() < p) return make(kind, draws);
    }
    return undefined;
  }
}

function make(kind: ProbabilisticFaultKind, draws: Draws): ResolvedFault {
  const { retryAfter, slowMs, hangMs, phase } = draws;
  switch (kind) {
    case 'throttle':
      return { kind, retryAfterSeconds: retryAfter.throttle };
    case 'serviceUnavailable':
      return { kind, retryAfterSeconds: retryAfter.serviceUnavailable, phase };
    case 'serverError':
    case 'reset':
      return { kind, phase };
    case 'hang':
      return { kind, phase, hangMs };
    case 'slow':
      return { kind, delayMs: slowMs };
  }
}

function stripOperations<Op extends string>(entry: Exclude<ScriptedFault<Op>, { kind: 'pass' }>): ResolvedFault {
  const { operations: _ignored, ...fault } = entry;
  return fault;
}
