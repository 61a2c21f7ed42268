import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  rollUpItemState,
  rollUpOrderState,
  type ItemState,
  type NumberOutcome,
  type OrderState,
} from '../../../../src/core/order-state/index.js';

describe('rollUpOrderState', () => {
  const cases: readonly [string, readonly ItemState[], OrderState][] = [
    ['all completed → completed', ['completed', 'completed'], 'completed'],
    ['a single completed item → completed', ['completed'], 'completed'],
    ['all terminal and all failed → failed', ['failed', 'failed'], 'failed'],
    ['all terminal, completed and failed → partial', ['completed', 'failed'], 'partial'],
    ['all terminal, partial and failed → partial', ['partial', 'failed'], 'partial'],
    ['all terminal, any partial → partial', ['completed', 'partial'], 'partial'],
    ['all partial → partial', ['partial', 'partial'], 'partial'],
    ['all rejected (at intake) → rejected', ['rejected', 'rejected'], 'rejected'],
    ['rejected counts as failed: rejected and failed → failed', ['rejected', 'failed'], 'failed'],
    ['rejected counts as failed: rejected and completed → partial', ['rejected', 'completed'], 'partial'],
    ['any inProgress → inProgress', ['completed', 'held', 'inProgress'], 'inProgress'],
    ['inProgress beside acknowledged → inProgress', ['acknowledged', 'inProgress'], 'inProgress'],
    ['no inProgress, any held → held', ['completed', 'held', 'acknowledged'], 'held'],
    ['only held → held', ['held'], 'held'],
    ['some finished, the rest acknowledged → inProgress (never back to acknowledged)', ['completed', 'acknowledged'], 'inProgress'],
    ['failed beside acknowledged → inProgress', ['failed', 'acknowledged'], 'inProgress'],
    ['all acknowledged → acknowledged', ['acknowledged', 'acknowledged'], 'acknowledged'],
    ['no items → completed (nothing to do)', [], 'completed'],
  ];
  for (const [name, items, expected] of cases) {
    it(name, () => assert.equal(rollUpOrderState(items), expected));
  }

  it('does not depend on item order', () => {
    assert.equal(rollUpOrderState(['failed', 'completed', 'partial']), rollUpOrderState(['partial', 'failed', 'completed']));
  });
});

describe('rollUpItemState', () => {
  const cases: readonly [string, readonly NumberOutcome[], ItemState][] = [
    ['all succeeded → completed', ['succeeded', 'succeeded'], 'completed'],
    ['none pending or held, all failed → failed', ['failed', 'failed'], 'failed'],
    ['none pending or held, mixed → partial', ['succeeded', 'failed', 'succeeded'], 'partial'],
    ['any pending → inProgress', ['succeeded', 'pending', 'failed'], 'inProgress'],
    ['pending beside held → inProgress (work is still moving)', ['held', 'pending'], 'inProgress'],
    ['no pending, some held → held', ['succeeded', 'held'], 'held'],
    ['only held → held', ['held', 'held'], 'held'],
    ['held beside failed → held (not yet terminal)', ['failed', 'held'], 'held'],
    ['no numbers → completed (nothing to do)', [], 'completed'],
    ['superseded numbers are left out: succeeded and superseded → completed', ['succeeded', 'superseded'], 'completed'],
    ['all superseded → completed (nothing of the item left to do)', ['superseded', 'superseded'], 'completed'],
    ['superseded and failed → failed (what is left all failed)', ['superseded', 'failed'], 'failed'],
    ['superseded, succeeded and failed → partial', ['superseded', 'succeeded', 'failed'], 'partial'],
    ['superseded beside pending → inProgress', ['superseded', 'pending'], 'inProgress'],
    ['superseded beside held → held', ['superseded', 'held'], 'held'],
  ];
  for (const [name, outcomes, expected] of cases) {
    it(name, () => assert.equal(rollUpItemState(outcomes), expected));
  }
});
