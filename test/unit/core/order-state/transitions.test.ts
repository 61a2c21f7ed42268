import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PermanentError } from '../../../../src/core/errors.js';
import { ORDER_STATES, canTransition, isTerminal, transition, type OrderState } from '../../../../src/core/order-state/index.js';

// The whole table, written out: every (from, to) pair not listed here is illegal.
const LEGAL: Readonly<Record<OrderState | 'none', readonly OrderState[]>> = {
  none: ['acknowledged', 'rejected'],
  acknowledged: ['inProgress', 'held', 'completed', 'partial', 'failed'],
  inProgress: ['held', 'completed', 'partial', 'failed'],
  held: ['inProgress', 'completed', 'partial', 'failed'],
  rejected: [],
  completed: [],
  partial: [],
  failed: [],
};

const FROM: readonly (OrderState | null)[] = [null, ...ORDER_STATES];

describe('order and item state transitions', () => {
  for (const from of FROM) {
    for (const to of ORDER_STATES) {
      const legal = LEGAL[from ?? 'none'].includes(to);
      it(`${from ?? '(none)'} → ${to} is ${legal ? 'legal' : 'illegal'}`, () => {
        assert.equal(canTransition(from, to), legal);
        if (legal) {
          assert.equal(transition(from, to), to);
        } else {
          assert.throws(
            () => transition(from, to, { orderId: 'order-1' }),
            (error: unknown) =>
              error instanceof PermanentError &&
              error.code === 'illegal_state_transition' &&
              error.retryable === false &&
              error.context.orderId === 'order-1' &&
              error.context.from === from &&
              error.context.to === to &&
              error.message.includes(`${from ?? '(none)'} → ${to}`),
          );
        }
      });
    }
  }

  it('has no way out of a terminal state', () => {
    for (const from of ORDER_STATES.filter(isTerminal)) {
      assert.deepEqual(
        ORDER_STATES.filter((to) => canTransition(from, to)),
        [],
      );
    }
  });

  it('marks exactly rejected, completed, partial and failed terminal', () => {
    assert.deepEqual(ORDER_STATES.filter(isTerminal), ['rejected', 'completed', 'partial', 'failed']);
  });

  it('explains why a move is illegal', () => {
    const messageOf = (from: OrderState | null, to: OrderState): string => {
      try {
        transition(from, to);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    };
    assert.match(messageOf('completed', 'inProgress'), /completed is terminal/);
    assert.match(messageOf('acknowledged', 'rejected'), /rejected can only be the first state/);
    assert.match(messageOf(null, 'inProgress'), /first state must be acknowledged or rejected/);
    assert.match(messageOf('inProgress', 'inProgress'), /already inProgress/);
    assert.match(messageOf('inProgress', 'acknowledged'), /inProgress cannot move to acknowledged/);
  });
});
