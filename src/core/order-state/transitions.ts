import { PermanentError, type ErrorContext } from '../errors.js';
import { isTerminal, type ItemState, type OrderState } from './states.js';

/** Orders and items share one set of names and one table of moves. */
type State = OrderState | ItemState;

/**
 * Legal moves, shared by orders and items. `null` is "no state yet": the
 * first state is decided at intake, and is either `rejected` (and stays so)
 * or `acknowledged`. Terminal states have no way out, so every accepted order
 * reaches exactly one of them.
 */
const NEXT: ReadonlyMap<State | null, ReadonlySet<State>> = new Map<State | null, ReadonlySet<State>>([
  [null, new Set<State>(['acknowledged', 'rejected'])],
  ['acknowledged', new Set<State>(['inProgress', 'held', 'completed', 'partial', 'failed'])],
  ['inProgress', new Set<State>(['held', 'completed', 'partial', 'failed'])],
  ['held', new Set<State>(['inProgress', 'completed', 'partial', 'failed'])],
  ['rejected', new Set<State>()],
  ['completed', new Set<State>()],
  ['partial', new Set<State>()],
  ['failed', new Set<State>()],
]);

/**
 * Whether `from → to` is a legal move. Staying in the same state is not a
 * transition (false): callers compare first and announce only real changes,
 * so a status event always carries previousState ≠ state.
 */
export function canTransition(from: State | null, to: State): boolean {
  return NEXT.get(from)?.has(to) ?? false;
}

function why(from: State | null, to: State): string {
  if (from === to) return `already ${to}; a transition must change the state`;
  if (from !== null && isTerminal(from)) return `${from} is terminal`;
  if (to === 'rejected') return 'rejected can only be the first state (rejection happens at intake)';
  if (from === null) return 'the first state must be acknowledged or rejected';
  return `${from} cannot move to ${to}`;
}

/**
 * Returns `to` when the move is legal; otherwise throws PermanentError
 * `illegal_state_transition`: an illegal move is a bug or a replay gone
 * wrong, and retrying cannot fix it. `context` (orderId, itemId) goes into
 * the error so the log line says which order.
 */
export function transition<S extends State>(from: S | null, to: S, context: ErrorContext = {}): S {
  if (NEXT.get(from)?.has(to) === true) return to;
  throw new PermanentError('illegal_state_transition', `illegal state transition ${from ?? '(none)'} → ${to}: ${why(from, to)}`, {
    context: { ...context, from, to },
  });
}
