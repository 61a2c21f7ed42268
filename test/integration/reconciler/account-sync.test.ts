import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type pg from 'pg';
import type { AcgProvisioningClient, AccountResource, Tagged } from '../../../src/acg/index.js';
import type { AcgSimulatorOptions } from '../../../src/acg-simulator/index.js';
import { AccountSync, accountRequestId, type AccountSyncOptions, type AccountWriter } from '../../../src/reconciler/account-sync.js';
import { acgTestClient, startAcgSimulator, TEAMS_TENANT } from '../../support/acg-simulator.js';
import { trustSimulatorCertificate } from '../../support/operator-connect.js';
import { intakeSubmitter, STATUS, statusEventsOf } from '../../support/reconciler.js';
import { createTestDatabase, silentLogger } from '../../support/test-context.js';

/**
 * The account sync (BACKEND=acg) against the swagger-driven ACG simulator
 * and a migrated PostgreSQL: orders go through the real intake code path
 * (IntakeProcessor with backend 'acg'), accounts are written with the real
 * AcgProvisioningClient, and every request and answer is checked against the
 * swagger (the simulator counts violations; each test asserts none).
 */

interface Setup {
  readonly pool: pg.Pool;
  readonly simulator: Awaited<ReturnType<typeof startAcgSimulator>>['simulator'];
  readonly api: Awaited<ReturnType<typeof startAcgSimulator>>['api'];
  readonly client: AcgProvisioningClient;
  submit(data: { orderId: string; account: string; items: unknown[] }): Promise<void>;
  sync(options?: Partial<AccountSyncOptions>): AccountSync;
}

async function setUp(t: TestContext, options: AcgSimulatorOptions = {}): Promise<Setup> {
  const db = await createTestDatabase();
  const { simulator, endpoints, api } = await startAcgSimulator(t, options);
  trustSimulatorCertificate(t, endpoints);
  t.after(() => assert.equal(simulator.counters.snapshot().requestViolations, 0, 'a request the swagger refuses was sent'));
  const client = acgTestClient(endpoints, {
    // One attempt per call: the account sync's own retries are under test.
    retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 50 },
    circuitBreaker: { failureThreshold: 100, coolDownMs: 10 },
  });
  const submit = intakeSubmitter(db.pool, 'acg');
  const sync = (overrides: Partial<AccountSyncOptions> = {}): AccountSync =>
    new AccountSync({
      pool: db.pool,
      logger: silentLogger(),
      client,
      leaseMs: 5_000,
      retry: { baseMs: 10, capMs: 40 },
      random: () => 0.5,
      status: STATUS,
      pollMs: 20,
      ...overrides,
    });
  return { pool: db.pool, simulator, api, client, submit, sync };
}

const accountItem = (name: string, extra: Record<string, unknown> = {}, id = 'account') => ({
  id,
  action: 'upsert',
  resource: 'account',
  account: {
    name,
    correlationId: `crm-${name}`,
    serviceDetails: {
      teamsTenantId: TEAMS_TENANT,
      teamsOperatorConnect: { enabled: true, syncEnabled: true },
      teamsDirectRouting: {
        enabled: true,
        syncEnabled: false,
        configuration: {
          callScreening: true,
          subdomain: name.slice(0, 10),
          subdomainTokens: { region1Token: 'tok1', region2Token: 'tok2' },
        },
      },
      ...extra,
    },
  },
});

const drNumber = (telephoneNumber: string) => ({ telephoneNumber, serviceDetails: { teamsDirectRouting: { enabled: true } } });

interface AccountRow {
  synced_order_id: string | null;
  last_order_id: string;
  backend_observed: Record<string, unknown> | null;
  sync_error: { code: string; message: string; orderId: string } | null;
  sync_attempts: number;
}

async function accountRow(pool: pg.Pool, name: string): Promise<AccountRow> {
  const row = (
    await pool.query<AccountRow>(
      'SELECT synced_order_id, last_order_id, backend_observed, sync_error, sync_attempts FROM accounts WHERE name = $1',
      [name],
    )
  ).rows[0];
  assert.ok(row, `account ${name}`);
  return row;
}

async function orderState(pool: pg.Pool, orderId: string): Promise<string | undefined> {
  return (await pool.query<{ state: string }>('SELECT state FROM orders WHERE order_id = $1', [orderId])).rows[0]?.state;
}

async function items(pool: pg.Pool, orderId: string) {
  return (
    await pool.query<{ item_id: string; state: string; reason: { code: string; message: string } | null }>(
      'SELECT item_id, state, reason FROM order_items WHERE order_id = $1 ORDER BY position',
      [orderId],
    )
  ).rows;
}

/** Runs the sync until `done` holds, failing after `ms`. */
async function runUntil(sync: AccountSync, what: string, done: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    await sync.run();
    if (await done()) return;
    if (Date.now() > deadline) assert.fail(`${what}: not done after ${ms} ms`);
    await delay(15);
  }
}

const calls = (s: Setup, operation: string): Record<string, number> => s.simulator.counters.snapshot().calls[operation] ?? {};
const terminal = (pool: pg.Pool, orderId: string) => async () =>
  ['completed', 'partial', 'failed'].includes((await orderState(pool, orderId)) ?? '');

describe('AccountSync (BACKEND=acg)', () => {
  it('writes a new account: PUT, pending, read until synced; the item completes and subdomainStatus is recorded', async (t) => {
    const s = await setUp(t);
    await s.submit({ orderId: 'create-1', account: 'contoso', items: [accountItem('contoso')] });
    assert.deepEqual(
      (await items(s.pool, 'create-1')).map((i) => i.state),
      ['inProgress'],
    );
    await runUntil(s.sync(), 'account written', terminal(s.pool, 'create-1'));

    assert.equal(await orderState(s.pool, 'create-1'), 'completed');
    assert.deepEqual(
      (await items(s.pool, 'create-1')).map((i) => [i.state, i.reason]),
      [['completed', null]],
    );
    const row = await accountRow(s.pool, 'contoso');
    assert.equal(row.synced_order_id, 'create-1');
    assert.equal(row.sync_error, null);
    assert.equal(row.backend_observed?.serviceProvisioningStatus, 'synced');
    assert.equal(row.backend_observed?.subdomainStatus, 'provisioned');
    assert.equal(row.backend_observed?.requestedOrderId, 'create-1');
    assert.match(String(row.backend_observed?.etag), /^".+"$/);
    assert.deepEqual(calls(s, 'Accounts_CreateOrReplace'), { '201': 1 }, 'written once');

    // What ACG holds is the account as ordered.
    const held = await s.client.getAccount('contoso');
    assert.equal(held.resource.correlationId, 'crm-contoso');
    assert.deepEqual(held.resource.serviceDetails?.teamsOperatorConnect, { enabled: true, syncEnabled: true, numberCount: 0 });

    const states = (await statusEventsOf(s.pool, 'create-1')).map((e) => e.data.state);
    assert.deepEqual(states, ['acknowledged', 'inProgress', 'completed']);
    // Nothing more to do.
    assert.equal(await s.sync().run(), 0);
  });

  it('keeps a pending account open and reads it (without writing it again) until ACG settles it', async (t) => {
    const s = await setUp(t, { provisioningDelayMs: 600_000 });
    await s.submit({ orderId: 'pending-1', account: 'fabrikam', items: [accountItem('fabrikam')] });
    const sync = s.sync();
    assert.equal(await sync.run(), 1);
    let row = await accountRow(s.pool, 'fabrikam');
    assert.equal(row.synced_order_id, null);
    assert.equal(row.backend_observed?.serviceProvisioningStatus, 'pending');
    assert.equal(row.backend_observed?.subdomainStatus, 'notProvisioned');
    assert.equal(await orderState(s.pool, 'pending-1'), 'inProgress');

    // Polled: still pending, read with GET, never PUT again.
    await delay(30);
    assert.equal(await sync.run(), 1);
    await delay(30);
    assert.equal(await sync.run(), 1);
    assert.deepEqual(calls(s, 'Accounts_CreateOrReplace'), { '201': 1 });
    assert.deepEqual(calls(s, 'Accounts_Get'), { '200': 2 });
    assert.equal(await orderState(s.pool, 'pending-1'), 'inProgress');

    s.simulator.admin.settleProvisioning();
    await runUntil(sync, 'settled', terminal(s.pool, 'pending-1'));
    assert.equal(await orderState(s.pool, 'pending-1'), 'completed');
    row = await accountRow(s.pool, 'fabrikam');
    assert.equal(row.synced_order_id, 'pending-1');
    assert.equal(row.backend_observed?.serviceProvisioningStatus, 'synced');
    assert.equal(row.backend_observed?.subdomainStatus, 'provisioned');
    assert.deepEqual(calls(s, 'Accounts_CreateOrReplace'), { '201': 1 });
  });

  it('a later order replacing a pending account is written; the older item completes as superseded', async (t) => {
    const s = await setUp(t, { provisioningDelayMs: 600_000 });
    await s.submit({ orderId: 'v1', account: 'northwind', items: [accountItem('northwind')] });
    const sync = s.sync();
    await sync.run();
    await s.submit({
      orderId: 'v2',
      account: 'northwind',
      items: [accountItem('northwind', { teamsPhoneMobile: { enabled: true, syncEnabled: true } })],
    });
    await delay(30);
    await sync.run();
    assert.deepEqual(calls(s, 'Accounts_CreateOrReplace'), { '201': 1, '200': 1 }, 'the changed account is written');
    s.simulator.admin.settleProvisioning();
    await runUntil(sync, 'v2 settled', terminal(s.pool, 'v2'));
    assert.equal(await orderState(s.pool, 'v2'), 'completed');
    assert.equal(await orderState(s.pool, 'v1'), 'completed');
    const [v1] = await items(s.pool, 'v1');
    assert.equal(v1?.reason?.code, 'superseded_by_later_order');
    assert.equal((await accountRow(s.pool, 'northwind')).synced_order_id, 'v2');
  });

  it('retries transient failures (503, 429 with Retry-After, a lost answer) with backoff, recording sync_error, then completes', async (t) => {
    const s = await setUp(t);
    s.simulator.admin.injectFaults({
      script: [
        { kind: 'serviceUnavailable', retryAfterSeconds: 0, operations: ['Accounts_CreateOrReplace'] },
        { kind: 'throttle', retryAfterSeconds: 1, operations: ['Accounts_CreateOrReplace'] },
        // Applied, then the answer is lost: the resend under the same Repeatability-Request-ID is replayed.
        { kind: 'serverError', phase: 'afterHandling', operations: ['Accounts_CreateOrReplace'] },
      ],
    });
    await s.submit({ orderId: 'flaky-1', account: 'tailspin', items: [accountItem('tailspin')] });
    const sync = s.sync();
    await sync.run();
    let row = await accountRow(s.pool, 'tailspin');
    assert.equal(row.sync_attempts, 1);
    assert.equal(row.sync_error?.orderId, 'flaky-1');
    assert.equal(row.synced_order_id, null);
    assert.deepEqual(
      (await items(s.pool, 'flaky-1')).map((i) => i.state),
      ['inProgress'],
    );

    // The 503 is retried after the backoff; the 429's Retry-After (1 s) is honoured.
    await delay(50);
    await sync.run();
    row = await accountRow(s.pool, 'tailspin');
    assert.equal(row.sync_attempts, 2);
    const wait = await s.pool.query<{ ms: number }>(
      "SELECT extract(epoch FROM next_sync_at - now()) * 1000 AS ms FROM accounts WHERE name = 'tailspin'",
    );
    assert.ok(Number(wait.rows[0]?.ms) > 800, `waits for Retry-After: ${wait.rows[0]?.ms} ms`);
    await runUntil(sync, 'written after the faults', terminal(s.pool, 'flaky-1'));
    assert.equal(await orderState(s.pool, 'flaky-1'), 'completed');
    row = await accountRow(s.pool, 'tailspin');
    assert.equal(row.sync_error, null);
    assert.equal(row.sync_attempts, 0);
    assert.deepEqual(calls(s, 'Accounts_CreateOrReplace'), { '503': 1, '429': 1, '500': 1, '201': 1 });
    assert.equal(s.simulator.counters.snapshot().replays, 1, 'the resend after the lost answer was replayed, not applied again');
  });

  it('fails the account item with the backend code of a permanent refusal (DELETE of an account ACG still holds numbers of)', async (t) => {
    const s = await setUp(t);
    await s.submit({ orderId: 'ref-1', account: 'adatum', items: [accountItem('adatum')] });
    await runUntil(s.sync(), 'created', terminal(s.pool, 'ref-1'));
    // A number created in ACG out of band (the portal): flowthrough's records have none.
    const added = await s.api.call('POST', '/accounts/adatum:createOrUpdateNumbers', {
      numbers: [{ telephoneNumber: '+14255550199', accountName: 'adatum', serviceDetails: { teamsDirectRouting: { enabled: true } } }],
    });
    assert.equal(added.status, 200, JSON.stringify(added.body));

    await s.submit({
      orderId: 'ref-2',
      account: 'adatum',
      items: [{ id: 'gone', action: 'delete', resource: 'account', deleteNumbers: false }],
    });
    await runUntil(s.sync(), 'refused', terminal(s.pool, 'ref-2'));
    assert.equal(await orderState(s.pool, 'ref-2'), 'failed');
    const [item] = await items(s.pool, 'ref-2');
    assert.equal(item?.state, 'failed');
    assert.equal(item?.reason?.code, 'AccountHasNumbers');
    assert.match(item?.reason?.message ?? '', /409/);
    const row = await accountRow(s.pool, 'adatum');
    assert.equal(row.synced_order_id, 'ref-2', 'done with the order');
    assert.equal(row.sync_error?.code, 'AccountHasNumbers');
    const last = (await statusEventsOf(s.pool, 'ref-2')).at(-1)!.data;
    assert.deepEqual(
      last.items.map((i) => [i.state, i.reason?.code]),
      [['failed', 'AccountHasNumbers']],
    );
  });

  it('fails the account items with the first serviceProvisioningError when ACG reports failed', async (t) => {
    const s = await setUp(t);
    // The simulator never fails an account's provisioning: a client whose answers say so, over the real one.
    const failing: AccountWriter = {
      putAccount: async (name, account, options): Promise<Tagged<AccountResource>> => {
        const answer = await s.client.putAccount(name, account, options);
        return {
          ...answer,
          resource: {
            ...answer.resource,
            serviceProvisioningStatus: 'failed',
            serviceProvisioningErrors: [{ code: 'TenantNotFound', message: 'no such Teams tenant' }],
          },
        };
      },
      getAccount: (name, signal) => s.client.getAccount(name, signal),
      deleteAccount: (name, options) => s.client.deleteAccount(name, options),
    };
    await s.submit({ orderId: 'bad-1', account: 'litware', items: [accountItem('litware')] });
    await runUntil(s.sync({ client: failing }), 'failed', terminal(s.pool, 'bad-1'));
    assert.equal(await orderState(s.pool, 'bad-1'), 'failed');
    assert.deepEqual(
      (await items(s.pool, 'bad-1')).map((i) => [i.state, i.reason]),
      [['failed', { code: 'TenantNotFound', message: 'no such Teams tenant' }]],
    );
    const row = await accountRow(s.pool, 'litware');
    assert.equal(row.backend_observed?.serviceProvisioningStatus, 'failed');
    assert.equal(row.sync_error?.code, 'TenantNotFound');
  });

  it('deletes an account only once its numbers have no open work; and an account ACG never held', async (t) => {
    const s = await setUp(t);
    await s.submit({
      orderId: 'del-1',
      account: 'wingtip',
      items: [accountItem('wingtip'), { id: 'numbers', action: 'upsert', resource: 'numbers', numbers: [drNumber('+14255550101')] }],
    });
    const sync = s.sync({ deleteRecheckMs: 20 });
    await runUntil(sync, 'created', async () => (await accountRow(s.pool, 'wingtip')).synced_order_id === 'del-1');
    await s.submit({
      orderId: 'del-2',
      account: 'wingtip',
      items: [{ id: 'gone', action: 'delete', resource: 'account', deleteNumbers: true }],
    });
    const work = await s.pool.query<{ service: string; operation: string; outcome: string }>(
      "SELECT service, operation, outcome FROM order_item_numbers WHERE order_id = 'del-2'",
    );
    assert.deepEqual(work.rows, [{ service: 'acgNumber', operation: 'release', outcome: 'pending' }]);

    // The numbers' work is open (the number executor has not run): the account waits.
    for (let i = 0; i < 3; i += 1) {
      await sync.run();
      await delay(25);
    }
    assert.deepEqual(calls(s, 'Accounts_Delete'), {});
    assert.equal(await orderState(s.pool, 'del-2'), 'inProgress');
    assert.equal((await accountRow(s.pool, 'wingtip')).synced_order_id, 'del-1');

    // The numbers are done (as the number executor would settle them).
    await s.pool.query("UPDATE order_item_numbers SET outcome = 'succeeded' WHERE order_id = 'del-1'");
    await sync.run();
    await delay(25);
    await sync.run();
    assert.deepEqual(calls(s, 'Accounts_Delete'), {}, 'the release of del-2 is still open');
    await s.pool.query("UPDATE order_item_numbers SET outcome = 'succeeded' WHERE order_id = 'del-2'");
    await runUntil(sync, 'deleted', terminal(s.pool, 'del-2'));
    assert.equal(await orderState(s.pool, 'del-2'), 'completed');
    assert.deepEqual(calls(s, 'Accounts_Delete'), { '204': 1 });
    const row = await accountRow(s.pool, 'wingtip');
    assert.equal(row.synced_order_id, 'del-2');
    assert.equal(row.backend_observed?.deleted, true);
    assert.equal((await s.api.call('GET', '/accounts/wingtip')).status, 404);

    // An account deleted before ACG ever held it.
    await s.submit({ orderId: 'del-3', account: 'ghost', items: [accountItem('ghost')] });
    await s.submit({
      orderId: 'del-4',
      account: 'ghost',
      items: [{ id: 'gone', action: 'delete', resource: 'account', deleteNumbers: false }],
    });
    await runUntil(sync, 'ghost deleted', terminal(s.pool, 'del-4'));
    assert.equal(await orderState(s.pool, 'del-4'), 'completed');
    assert.equal(await orderState(s.pool, 'del-3'), 'completed');
    assert.equal((await items(s.pool, 'del-3'))[0]?.reason?.code, 'superseded_by_later_order');
    // The simulator answers 204 for an account it does not hold (a 404 would be done too).
    assert.deepEqual(calls(s, 'Accounts_Delete'), { '204': 2 });
  });

  it('derives the Repeatability-Request-ID from account and order', () => {
    assert.equal(accountRequestId('contoso', 'o-1'), accountRequestId('contoso', 'o-1'));
    assert.notEqual(accountRequestId('contoso', 'o-1'), accountRequestId('contoso', 'o-2'));
    // A re-sync the drift audit asked for is a new write, not a resend of the first.
    assert.notEqual(accountRequestId('contoso', 'o-1', 1), accountRequestId('contoso', 'o-1'));
    assert.equal(accountRequestId('contoso', 'o-1', 0), accountRequestId('contoso', 'o-1'));
    assert.match(accountRequestId('contoso', 'o-1'), /^[0-9a-f]{64}$/);
  });
});
