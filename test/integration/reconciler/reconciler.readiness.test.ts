import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventually } from '../../support/intake-kit.js';
import { setUp } from '../../support/reconciler.js';

/**
 * A backend credential that cannot get a token leaves every order waiting.
 * Observed: with instance discovery left on against a non-Microsoft authority
 * (the simulator's fake Entra ID), /readyz stayed 200 and nothing named the
 * setting. The reconciler's readiness now says so, naming it.
 */
describe('reconciler readiness', () => {
  it('is false while no backend token can be had, naming the OPERATOR_CONNECT_* setting, and true with one', async (t) => {
    const env = await setUp(t);
    const { reconciler: failing } = env.reconciler({}, {}, { OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY: 'false' });
    await failing.start();
    let detail = '';
    await eventually(
      async () => {
        const health = failing.health?.();
        detail = health?.detail ?? '';
        return health?.ready === false && detail.includes('backend_token_failed');
      },
      'the reconciler to report the token failure',
      60_000,
    );
    assert.match(detail, /OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true/);
    await failing.stop();

    const { reconciler: working } = env.reconciler();
    await working.start();
    await eventually(async () => working.health?.().ready === true, 'a reconciler with a working credential to be ready', 30_000);
  });
});
