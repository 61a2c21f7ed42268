import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS } from '../../../src/core/reconcile/backend-kind.js';
import { BACKEND_HARNESSES } from '../../support/backend-harness.js';
import {
  account,
  deleteItem,
  numbersItem,
  ocNumber,
  statusEventsOf,
  TENANT_NONE,
  TENANT_US,
  tpmNumber,
  waitForOrderState,
} from '../../support/reconciler.js';

/**
 * One reconciler suite, run against each backend (BACKEND=operator-connect
 * against the Operator Connect simulator, BACKEND=acg against the
 * swagger-driven ACG simulator): the shared machinery (planning,
 * persist-before-call, polling, per-number results, roll-up, held and
 * released, crash recovery) must give the same outcomes whichever backend it
 * drives. Only what the backend holds is read through the harness.
 */

const TERMINAL = ['completed', 'partial', 'failed'];

async function lastItems(pool: Parameters<typeof statusEventsOf>[0], orderId: string) {
  return (await statusEventsOf(pool, orderId)).at(-1)?.data.items ?? [];
}

for (const kind of BACKENDS) {
  describe(`reconciler suite, BACKEND=${kind}`, () => {
    it('uploads Operator Connect and Teams Phone Mobile numbers: the order completes and the backend holds them as ordered', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      await h.submit({
        orderId: 'up-1',
        account: 'contoso',
        items: [
          account('contoso', TENANT_US, { oc: true, tpm: true }),
          numbersItem([ocNumber('+14255550100'), ocNumber('+14255550101'), tpmNumber('+14255550102')]),
        ],
      });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'up-1', TERMINAL), 'completed');
      const item = (await lastItems(h.pool, 'up-1')).find((i) => i.id === 'numbers');
      assert.deepEqual(
        item?.numbers?.map((n) => [n.telephoneNumber, n.state]),
        [
          ['+14255550100', 'succeeded'],
          ['+14255550101', 'succeeded'],
          ['+14255550102', 'succeeded'],
        ],
      );
      const scope = kind === 'acg' ? 'contoso' : TENANT_US;
      assert.deepEqual(await h.holds('+14255550100', 'contoso'), {
        scope,
        usage: 'CallingUserAssignment',
        capabilities: ['InboundCalling', 'OutboundCalling'],
      });
      assert.deepEqual((await h.holds('+14255550102', 'contoso'))?.capabilities, ['InboundCalling', 'Mobile', 'OutboundCalling']);
      const sync = (await h.pool.query<{ sync_state: string }>('SELECT DISTINCT sync_state FROM numbers')).rows.map((r) => r.sync_state);
      assert.deepEqual(sync, ['inSync']);
    });

    it('a reconfiguration updates what the backend holds; a delete removes it', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      await h.submit({
        orderId: 'cfg-1',
        account: 'contoso',
        items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550110'), ocNumber('+14255550111')])],
      });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'cfg-1', TERMINAL), 'completed');
      await h.submit({
        orderId: 'cfg-2',
        account: 'contoso',
        items: [numbersItem([ocNumber('+14255550110', { choosableCapabilities: ['InboundCalling'] })])],
      });
      assert.equal(await waitForOrderState(h.pool, 'cfg-2', TERMINAL), 'completed');
      assert.deepEqual((await h.holds('+14255550110', 'contoso'))?.capabilities, ['InboundCalling']);
      await h.submit({ orderId: 'cfg-3', account: 'contoso', items: [deleteItem(['+14255550111'])] });
      assert.equal(await waitForOrderState(h.pool, 'cfg-3', TERMINAL), 'completed');
      assert.equal(await h.holds('+14255550111', 'contoso'), null);
      assert.notEqual(await h.holds('+14255550110', 'contoso'), null);
    });

    it("a number the backend refuses fails with the backend's code; the others succeed and the order ends partial", async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      h.failNumber('+14255550121');
      await h.submit({
        orderId: 'part-1',
        account: 'contoso',
        items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550120'), ocNumber('+14255550121')])],
      });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'part-1', TERMINAL), 'partial');
      const item = (await lastItems(h.pool, 'part-1')).find((i) => i.id === 'numbers');
      assert.deepEqual(
        item?.numbers?.map((n) => [n.telephoneNumber, n.state, n.errorCode]),
        [
          ['+14255550120', 'succeeded', undefined],
          ['+14255550121', 'failed', 'NumberHeldByAnotherTenant'],
        ],
      );
      const failed = (
        await h.pool.query<{ sync_state: string; code: string | null }>(
          "SELECT sync_state, sync_error->>'code' AS code FROM numbers WHERE telephone_number = '+14255550121'",
        )
      ).rows[0];
      assert.deepEqual(failed, { sync_state: 'failed', code: 'NumberHeldByAnotherTenant' });
    });

    it('numbers of a tenant without consent are held, not sent; once the tenant consents they go and complete', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      await h.submit({
        orderId: 'held-1',
        account: 'fabrikam',
        items: [account('fabrikam', TENANT_NONE), numbersItem([ocNumber('+14255550130'), ocNumber('+14255550131')])],
      });
      await h.start({}, { RECONCILER_CONSENT_RECHECK_MS: '50' });
      assert.equal(await waitForOrderState(h.pool, 'held-1', ['held']), 'held');
      const item = (await lastItems(h.pool, 'held-1')).find((i) => i.id === 'numbers');
      assert.deepEqual(
        item?.numbers?.map((n) => [n.state, n.errorCode]),
        [
          ['held', 'NoActiveConsent'],
          ['held', 'NoActiveConsent'],
        ],
      );
      assert.equal(await h.holds('+14255550130', 'fabrikam'), null);
      assert.equal(h.appliedNumberWrites(), 0);

      h.giveConsent(TENANT_NONE, ['US']);
      assert.equal(await waitForOrderState(h.pool, 'held-1', TERMINAL), 'completed');
      const states = (await statusEventsOf(h.pool, 'held-1')).map((e) => e.data.state);
      assert.deepEqual(states, ['acknowledged', 'inProgress', 'held', 'inProgress', 'completed']);
      assert.notEqual(await h.holds('+14255550131', 'fabrikam'), null);
      assert.equal(h.appliedNumberWrites(), 1);
    });

    it("a consent item's customer relationship is written to the backend once", async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      await h.submit({
        orderId: 'rel-1',
        account: 'contoso',
        items: [
          account('contoso', TENANT_US),
          {
            id: 'consent',
            action: 'update',
            resource: 'consent',
            tenantId: TENANT_US,
            consent: { customerRelationship: { status: 'AgreementSigned', comment: 'signed 2026-11-29' } },
          },
        ],
      });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'rel-1', TERMINAL), 'completed');
      assert.equal((await lastItems(h.pool, 'rel-1')).find((i) => i.id === 'consent')?.state, 'completed');
      assert.deepEqual(await h.relationship(TENANT_US), { status: 'AgreementSigned', comment: 'signed 2026-11-29' });
    });

    it('transient server errors are retried under the same request id: completed, each change applied once', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      h.serverErrors(3);
      await h.submit({
        orderId: 'retry-1',
        account: 'contoso',
        items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550140'), ocNumber('+14255550141')])],
      });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'retry-1', TERMINAL), 'completed');
      assert.equal(h.appliedNumberWrites(), 1);
      assert.notEqual(await h.holds('+14255550141', 'contoso'), null);
    });

    it('a crash after the backend accepted a write: the next attempt resends it under the same id and it is applied once', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      let crashes = 0;
      let crashed: () => void = () => undefined;
      const firstCrash = new Promise<void>((resolve) => {
        crashed = resolve;
      });
      await h.submit({
        orderId: 'crash-1',
        account: 'contoso',
        items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550150')])],
      });
      const first = await h.start({
        afterSubmit: () => {
          crashes += 1;
          if (crashes === 1) {
            crashed();
            throw new Error('crash between the send and recording its answer');
          }
        },
      });
      // The unexpected failure leaves the operation to its lease (RECONCILER_LEASE_MS): a second instance takes it over.
      await firstCrash;
      await first.stop();
      await h.pool.query("UPDATE backend_operations SET locked_until = now() - interval '1 second'");
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'crash-1', TERMINAL), 'completed');
      assert.equal(crashes, 1);
      assert.equal(h.appliedNumberWrites(), 1);
      assert.ok(h.replays() >= 1, 'the resend was answered from the Repeatability store');
    });

    it('an upload superseded by a delete before it was sent is superseded; the backend never sees the number', async (t) => {
      const h = await BACKEND_HARNESSES[kind](t);
      await h.submit({
        orderId: 'sup-1',
        account: 'contoso',
        items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550160')])],
      });
      await h.submit({ orderId: 'sup-2', account: 'contoso', items: [deleteItem(['+14255550160'])] });
      await h.start();
      assert.equal(await waitForOrderState(h.pool, 'sup-1', TERMINAL), 'completed');
      assert.equal(await waitForOrderState(h.pool, 'sup-2', TERMINAL), 'completed');
      const up = (await lastItems(h.pool, 'sup-1')).find((i) => i.id === 'numbers');
      assert.equal(up?.numbers?.[0]?.state, 'superseded');
      assert.equal(await h.holds('+14255550160', 'contoso'), null);
    });
  });
}
