import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canTransition,
  isTerminal,
  rollUpItemState,
  rollUpOrderState,
  transition,
  type ItemState,
  type NumberOutcome,
  type OrderState,
} from '../../../../src/core/order-state/index.js';

/** mulberry32: a tiny seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, min: number, max: number): number => min + Math.floor(rng() * (max - min + 1));
function pick<T>(rng: Rng, values: readonly T[]): T {
  const value = values[Math.floor(rng() * values.length)];
  if (value === undefined) throw new Error('pick from an empty list');
  return value;
}

/** One number's outcomes: pending, a walk through pending/held, then succeeded, failed or superseded. */
function numberOutcomes(rng: Rng): NumberOutcome[] {
  const outcomes: NumberOutcome[] = [];
  for (let i = int(rng, 0, 3); i > 0; i--) outcomes.push(pick(rng, ['pending', 'held'] as const));
  outcomes.push(pick(rng, ['succeeded', 'succeeded', 'failed', 'superseded'] as const));
  return outcomes;
}

/**
 * The states a numbers item passes through, derived from interleaved
 * per-number outcomes via rollUpItemState; asserts each item move is legal.
 */
function numbersItemPath(rng: Rng): ItemState[] {
  const plans = Array.from({ length: int(rng, 1, 5) }, () => numberOutcomes(rng));
  const current: NumberOutcome[] = plans.map(() => 'pending');
  const path: ItemState[] = ['acknowledged'];
  const step = (state: ItemState): void => {
    const last = path[path.length - 1] ?? null;
    if (state === last) return;
    assert.ok(canTransition(last, state), `item ${last} → ${state}`);
    path.push(state);
  };
  step(rollUpItemState(current));
  while (plans.some((p) => p.length > 0)) {
    const index = pick(
      rng,
      plans.flatMap((p, i) => (p.length > 0 ? [i] : [])),
    );
    const next = plans[index]?.shift();
    if (next === undefined) continue;
    current[index] = next;
    step(rollUpItemState(current));
  }
  return path;
}

/** A non-numbers item (or one the reconciler drives by hand): a random legal walk to a terminal state. */
function walkItemPath(rng: Rng): ItemState[] {
  const path: ItemState[] = ['acknowledged'];
  let state: ItemState = pick(rng, ['completed', 'inProgress', 'inProgress', 'held'] as const);
  path.push(state);
  while (!isTerminal(state)) {
    const options: ItemState[] = ['completed', 'partial', 'failed', state === 'held' ? 'inProgress' : 'held'];
    state = pick(rng, options);
    path.push(state);
  }
  return path;
}

interface Run {
  readonly orderStates: readonly OrderState[];
  readonly finalItems: readonly ItemState[];
}

/** Plays the items' paths in a random interleaving and records every order state change. */
function runOrder(seed: number): Run {
  const rng = random(seed);
  const paths = Array.from({ length: int(rng, 1, 6) }, () => (rng() < 0.5 ? numbersItemPath(rng) : walkItemPath(rng)));
  const items: ItemState[] = paths.map((p) => p.shift() ?? 'acknowledged');
  let order: OrderState = transition(null, 'acknowledged');
  const orderStates: OrderState[] = [order];
  while (paths.some((p) => p.length > 0)) {
    const index = pick(
      rng,
      paths.flatMap((p, i) => (p.length > 0 ? [i] : [])),
    );
    const next = paths[index]?.shift();
    if (next === undefined) continue;
    items[index] = next;
    const rolled = rollUpOrderState(items);
    if (rolled !== order) {
      order = transition(order, rolled, { seed });
      orderStates.push(order);
    }
  }
  return { orderStates, finalItems: items };
}

describe('every accepted order reaches exactly one terminal state', () => {
  it('over 2,000 generated orders', () => {
    const seen = new Set<OrderState>();
    for (let seed = 1; seed <= 2000; seed++) {
      const { orderStates, finalItems } = runOrder(seed);
      const terminals = orderStates.filter(isTerminal);
      const final = orderStates[orderStates.length - 1];
      assert.equal(terminals.length, 1, `seed ${seed}: ${orderStates.join(' → ')}`);
      assert.equal(final, terminals[0], `seed ${seed}: the terminal state comes last`);
      assert.notEqual(final, 'rejected', `seed ${seed}: an accepted order is never rejected`);
      assert.equal(
        final === 'completed',
        finalItems.every((s) => s === 'completed'),
        `seed ${seed}: completed iff every item completed`,
      );
      assert.equal(
        final === 'failed',
        finalItems.every((s) => s === 'failed'),
        `seed ${seed}: failed iff every item failed`,
      );
      for (const state of orderStates) seen.add(state);
    }
    // The generator must actually exercise every state an accepted order can take.
    assert.deepEqual([...seen].sort(), ['acknowledged', 'completed', 'failed', 'held', 'inProgress', 'partial']);
  });
});
