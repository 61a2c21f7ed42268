import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CircuitBreaker,
  type CircuitDecision,
  type CircuitPermit,
  type CircuitState,
} from '../../../src/operator-connect/circuit-breaker.js';
import { ManualClock } from '../../../src/simulator/index.js';

function setup(failureThreshold = 3, coolDownMs = 1000) {
  const clock = new ManualClock(0);
  const changes: [CircuitState, CircuitState][] = [];
  const breaker = new CircuitBreaker({ failureThreshold, coolDownMs, clock, onStateChange: (s, p) => changes.push([s, p]) });
  return { clock, breaker, changes };
}

function permit(decision: CircuitDecision): CircuitPermit {
  assert.equal(decision.allowed, true, 'expected the call to be let through');
  if (!decision.allowed) throw new Error('unreachable');
  return decision.permit;
}

describe('circuit breaker', () => {
  it('stays closed below the threshold; a success resets the count', () => {
    const { breaker } = setup(3);
    permit(breaker.acquire()).failure();
    permit(breaker.acquire()).failure();
    permit(breaker.acquire()).success();
    permit(breaker.acquire()).failure();
    permit(breaker.acquire()).failure();
    assert.equal(breaker.state, 'closed');
    assert.equal(breaker.consecutiveFailures, 2);
  });

  it('opens after N consecutive failures and refuses calls with the time left', () => {
    const { breaker, clock, changes } = setup(3, 1000);
    for (let i = 0; i < 3; i++) permit(breaker.acquire()).failure();
    assert.equal(breaker.state, 'open');
    clock.advance(400);
    assert.deepEqual(breaker.acquire(), { allowed: false, retryInMs: 600 });
    assert.deepEqual(changes, [['open', 'closed']]);
  });

  it('half-opens after the cool-down and lets exactly one trial through', () => {
    const { breaker, clock } = setup(1, 1000);
    permit(breaker.acquire()).failure();
    clock.advance(999);
    assert.equal(breaker.state, 'open');
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
    const trial = permit(breaker.acquire());
    assert.deepEqual(breaker.acquire(), { allowed: false, retryInMs: 0 }, 'a second caller waits for the trial');
    trial.success();
    assert.equal(breaker.state, 'closed');
    permit(breaker.acquire()).success();
  });

  it('a failed trial opens the circuit again for a full cool-down', () => {
    const { breaker, clock, changes } = setup(1, 1000);
    permit(breaker.acquire()).failure();
    clock.advance(1000);
    permit(breaker.acquire()).failure();
    assert.equal(breaker.state, 'open');
    clock.advance(999);
    assert.equal(breaker.state, 'open');
    clock.advance(1);
    assert.equal(breaker.state, 'half-open');
    assert.deepEqual(
      changes.map(([s]) => s),
      ['open', 'half-open', 'open', 'half-open'],
    );
  });

  it('an abandoned trial frees the slot for another', () => {
    const { breaker, clock } = setup(1, 10);
    permit(breaker.acquire()).failure();
    clock.advance(10);
    permit(breaker.acquire()).abandon();
    assert.equal(breaker.state, 'half-open');
    permit(breaker.acquire()).success();
    assert.equal(breaker.state, 'closed');
  });

  it('ignores late results of calls let through before it opened; only the trial decides', () => {
    const { breaker, clock } = setup(2, 100);
    const early = permit(breaker.acquire());
    const late = permit(breaker.acquire());
    permit(breaker.acquire()).failure();
    permit(breaker.acquire()).failure();
    assert.equal(breaker.state, 'open');
    early.success();
    assert.equal(breaker.state, 'open', 'a success from before the opening does not close it');
    clock.advance(100);
    const trial = permit(breaker.acquire());
    late.failure();
    assert.equal(breaker.state, 'half-open', 'a failure from before the opening does not reopen it');
    trial.success();
    assert.equal(breaker.state, 'closed');
  });

  it('settles a permit only once', () => {
    const { breaker } = setup(2);
    const p = permit(breaker.acquire());
    p.failure();
    p.failure();
    assert.equal(breaker.consecutiveFailures, 1);
  });

  it('refuses a nonsensical configuration', () => {
    assert.throws(() => new CircuitBreaker({ failureThreshold: 0, coolDownMs: 1, clock: new ManualClock() }), RangeError);
  });
});
