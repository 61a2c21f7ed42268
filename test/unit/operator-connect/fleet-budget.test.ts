import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { FleetBudget, fleetShare, type BudgetQueryable } from '../../../src/operator-connect/fleet-budget.js';

const logger = pino({ level: 'silent' });

/** A pool whose heartbeat answers `others()` (or throws what it returns when that is an Error). */
function fakePool(others: () => number | Error): BudgetQueryable & { statements: string[] } {
  const statements: string[] = [];
  return {
    statements,
    async query<R>(text: string): Promise<{ rows: R[] }> {
      statements.push(text.includes('DELETE FROM api_budget_members WHERE member_id') && !text.includes('WITH') ? 'leave' : 'beat');
      if (text.includes('WITH')) {
        const n = others();
        if (n instanceof Error) throw n;
        return { rows: [{ others: n } as R] };
      }
      return { rows: [] };
    },
  };
}

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fleet budget: the share', () => {
  it('is the rate over the live members, itself counted at least once', () => {
    assert.equal(fleetShare(30, 3), 10);
    assert.equal(fleetShare(10, 3), 10 / 3);
    assert.equal(fleetShare(10, 1), 10);
    assert.equal(fleetShare(10, 0), 10);
    assert.equal(fleetShare(12, 4), 3);
    // The shares of all live members never add up to more than the rate.
    for (let n = 1; n <= 50; n++) assert.ok(fleetShare(7, n) * n <= 7 + 1e-9);
  });
});

describe('fleet budget: heartbeats', () => {
  it('alone: applies nothing (the client keeps the full rate) and leaves on stop', async () => {
    const applied: number[] = [];
    const pool = fakePool(() => 0);
    const budget = new FleetBudget({ pool, logger, ratePerSecond: 12, apply: (s) => applied.push(s), heartbeatMs: 20 });
    await budget.start();
    assert.equal(budget.share, 12);
    assert.equal(budget.liveMembers, 1);
    await budget.stop();
    assert.deepEqual(applied, []);
    assert.equal(pool.statements.at(-1), 'leave');
  });

  it('joining a fleet: waits a heartbeat before its share applies, then follows the live members', async () => {
    const applied: number[] = [];
    let others = 2;
    const budget = new FleetBudget({
      pool: fakePool(() => others),
      logger,
      ratePerSecond: 12,
      apply: (s) => applied.push(s),
      heartbeatMs: 20,
    });
    const started = performance.now();
    await budget.start();
    assert.ok(performance.now() - started >= 20, 'waited for the others to see it');
    assert.deepEqual(applied, [4]);
    others = 0; // the others died: their rows aged out
    await tick(80);
    assert.equal(budget.share, 12);
    others = 3;
    await tick(80);
    assert.equal(budget.share, 3);
    await budget.stop();
    assert.deepEqual(applied, [4, 12, 3]);
  });

  it('with PostgreSQL unreachable keeps the last share (never more than rate / last known members)', async () => {
    const applied: number[] = [];
    let answer: number | Error = 1;
    const budget = new FleetBudget({
      pool: fakePool(() => answer),
      logger,
      ratePerSecond: 10,
      apply: (s) => applied.push(s),
      heartbeatMs: 20,
    });
    await budget.start();
    assert.equal(budget.share, 5);
    answer = new Error('connection refused');
    await tick(100);
    assert.equal(budget.share, 5);
    answer = 0;
    await tick(60);
    assert.equal(budget.share, 10);
    await budget.stop();
    assert.deepEqual(applied, [5, 10]);
  });

  it('refuses a rate that is not > 0', () => {
    assert.throws(() => new FleetBudget({ pool: fakePool(() => 0), logger, ratePerSecond: 0, apply: () => undefined }), RangeError);
  });
});
