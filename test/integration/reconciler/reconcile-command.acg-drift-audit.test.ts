import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { reconcileCommand } from '../../../src/app/cli/commands/reconcile-command.js';
import { ConfigError } from '../../../src/platform/config/config-error.js';
import { acgClientEnvironment } from '../../../src/acg-simulator/client-environment.js';
import { FleetBudget } from '../../../src/operator-connect/index.js';
import { ocNumber as acgWireNumber, ocAccount as acgWireAccount, startAcgSimulator } from '../../support/acg-simulator.js';
import { acgReconcilerSetUp } from '../../support/backend-harness.js';
import { trustSimulatorCertificate } from '../../support/operator-connect.js';
import { account, numbersItem, ocNumber, operations, setUp, TENANT_US, waitForOrderState } from '../../support/reconciler.js';
import { capturingLogger, silentLogger, testConfig } from '../../support/test-context.js';

/**
 * `flowthrough reconcile --audit [--repair]` under BACKEND=acg: accounts and
 * numbers are compared with what Azure Communications Gateway holds, every
 * writable field; --repair hands the differences to the reconciler (numbers)
 * and the account sync (accounts), which bring ACG back to the desired state.
 */

const TERMINAL = ['completed', 'partial', 'failed'];
const A = '+14255550700';
const B = '+14255550701';
const C = '+14255550702';
const STRANGER = '+14255550799';

interface Report {
  accounts: number;
  numbersChecked: number;
  differences: Array<{ resource: string; accountName: string; telephoneNumber?: string; kind: string; fields: string[]; known: boolean }>;
  repaired: number;
  accountsRepaired: number;
  operationsPlanned: number;
  requests: number;
}

async function setUpAcg(t: TestContext) {
  const { s, simulator, api, client } = await acgReconcilerSetUp(t);
  const config = testConfig({ DATABASE_URL: s.db.url, BACKEND: 'acg' });
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const code = await reconcileCommand(args, { config, env: {}, logger: silentLogger(), acgClient: client, print: (l) => lines.push(l) });
    return { code, lines };
  };
  const audit = async (args: string[]) => {
    const r = await run([...args, '--json']);
    return { code: r.code, report: JSON.parse(r.lines[0] ?? '{}') as Report };
  };
  return { s, simulator, api, client, run, audit };
}

const summary = (r: Report) =>
  r.differences.map((d) => [d.resource, d.telephoneNumber ?? d.accountName, d.kind, d.fields, d.known] as const);

async function orderDone(s: Awaited<ReturnType<typeof setUpAcg>>, orderId: string, numbers: unknown[]) {
  await s.s.submit({ orderId, account: 'contoso', items: [account('contoso', TENANT_US), numbersItem(numbers)] });
  const { reconciler } = s.s.reconciler({ BACKEND: 'acg' }, { acgClient: s.client });
  await reconciler.start();
  assert.equal(await waitForOrderState(s.s.pool, orderId, TERMINAL), 'completed');
}

const path = (n: string) => `/accounts/contoso/numbers/${encodeURIComponent(n)}`;

test('the ACG audit finds numbers changed behind the worker’s back, and --repair brings ACG back to the desired state', async (t) => {
  const env = await setUpAcg(t);
  const { s, simulator, api, run, audit } = env;
  await orderDone(env, 'acg-drift-1', [ocNumber(A), { ...ocNumber(B), configuration: { customSipHeader: 'contoso-b' } }, ocNumber(C)]);

  const clean = await run(['--audit', '--account', 'contoso']);
  assert.equal(clean.code, 0, clean.lines.join('\n'));
  assert.deepEqual(clean.lines, ['0 difference(s) across 3 number(s) of 1 account(s); 2 ACG request(s)']);
  const wholeClean = await audit(['--audit']);
  assert.equal(wholeClean.code, 0);
  assert.deepEqual(wholeClean.report.differences, []);

  // Behind the worker's back: another header on B, A deleted, a number we never had.
  const b = await api.call<Record<string, unknown>>('GET', path(B));
  const { serviceProvisioningStatus: _s, serviceProvisioningErrors: _e, ...bWritable } = b.body;
  assert.equal((await api.call('PUT', path(B), { ...bWritable, configuration: { customSipHeader: 'by-hand' } })).status, 200);
  assert.equal((await api.call('DELETE', path(A))).status, 204);
  assert.equal((await api.call('PUT', path(STRANGER), acgWireNumber('contoso', STRANGER))).status, 201);

  const expected = [
    ['number', A, 'missing_in_backend', [], true],
    ['number', B, 'resource_differs', ['configuration.customSipHeader'], true],
    ['number', STRANGER, 'unexpected_in_backend', [], false],
  ];
  const one = await audit(['--audit', '--account', 'contoso']);
  assert.equal(one.code, 3);
  assert.deepEqual(summary(one.report), expected);
  assert.equal(one.report.requests, 2, 'GET /accounts/contoso and one page of its numbers');
  const whole = await audit(['--audit']);
  assert.equal(whole.code, 3);
  assert.deepEqual(summary(whole.report), expected);
  assert.equal(whole.report.requests, 2, 'one page of GET /accounts and one of GET /numbers');

  const lines = await run(['--audit', '--account', 'contoso']);
  assert.equal(lines.code, 3);
  assert.deepEqual(lines.lines, [
    `${A}  contoso  acgNumber  missing_in_backend  we observed it held, ACG does not hold it`,
    `${B}  contoso  acgNumber  resource_differs  differs: configuration.customSipHeader ours "contoso-b", ACG "by-hand"`,
    `${STRANGER}  contoso  acgNumber  unexpected_in_backend  ACG holds a number we do not know`,
    '3 difference(s) across 3 number(s) of 1 account(s); 2 ACG request(s)',
  ]);

  const before = (await operations(s.pool)).length;
  const repair = await run(['--audit', '--account', 'contoso', '--repair']);
  assert.equal(repair.code, 0, repair.lines.join('\n'));
  // The running worker's planner may take up a marked number before the audit's own pass does: the pass
  // skips a number another planner holds locked, and that planner's operation may commit after the audit returns.
  assert.match(repair.lines.at(-1) ?? '', /repaired 2 number\(s\), planned [012] operation\(s\), 0 account\(s\) to be written again/);
  const plannedSinceRepair = async () => (await operations(s.pool)).slice(before).flatMap((o) => o.numbers);
  await waitFor(async () => (await plannedSinceRepair()).length >= 2, 15_000, plannedSinceRepair);
  assert.deepEqual((await plannedSinceRepair()).sort(), [A, B]);

  // The running reconciler carries the planned write out.
  await waitFor(
    async () => {
      const aNow = await api.call<{ serviceProvisioningStatus?: string }>('GET', path(A));
      const bNow = await api.call<{ configuration?: { customSipHeader?: string }; serviceProvisioningStatus?: string }>('GET', path(B));
      return (
        aNow.status === 200 &&
        aNow.body.serviceProvisioningStatus === 'synced' &&
        bNow.body.configuration?.customSipHeader === 'contoso-b' &&
        bNow.body.serviceProvisioningStatus === 'synced' &&
        (await operations(s.pool)).every((o) => o.state === 'settled')
      );
    },
    15_000,
    async () => ({
      operations: await operations(s.pool),
      numbers: (await s.pool.query('SELECT telephone_number, sync_state, repair_services, sync_error FROM numbers ORDER BY 1')).rows,
      a: (await api.call('GET', path(A))).body,
      b: (await api.call('GET', path(B))).body,
    }),
  );
  const after = await audit(['--audit']);
  // Only the number we never had is left, and with it ACG's count of the account's Operator Connect numbers.
  assert.deepEqual(summary(after.report), [
    ['account', 'contoso', 'number_count_differs', [], true],
    ['number', STRANGER, 'unexpected_in_backend', [], false],
  ]);
  assert.deepEqual((after.report.differences[0] as { numberCount?: unknown }).numberCount, {
    service: 'teamsOperatorConnect',
    ours: 3,
    backend: 4,
  });
  const states = await s.pool.query<{ sync_state: string; repair_services: string[] }>(
    'SELECT DISTINCT sync_state, repair_services FROM numbers',
  );
  assert.deepEqual(states.rows, [{ sync_state: 'inSync', repair_services: [] }]);

  // Not ours to delete: removed by hand, the audit then finds nothing.
  assert.equal((await api.call('DELETE', path(STRANGER))).status, 204);
  const none = await run(['--audit']);
  assert.equal(none.code, 0, none.lines.join('\n'));
  assert.deepEqual(none.lines, ['0 difference(s) across 3 number(s) of 1 account(s); 2 ACG request(s)']);
  const counters = simulator.counters.snapshot();
  assert.equal(counters.requestViolations, 0);
  assert.equal(counters.responseViolations, 0);
});

test('the ACG audit finds an account changed or deleted behind the worker’s back and hands it to the account sync', async (t) => {
  const env = await setUpAcg(t);
  const { s, simulator, api, audit } = env;
  await orderDone(env, 'acg-drift-2', [ocNumber(A)]);
  await s.submit({ orderId: 'acg-drift-3', account: 'fabrikam', items: [account('fabrikam', TENANT_US), numbersItem([ocNumber(C)])] });
  assert.equal(await waitForOrderState(s.pool, 'acg-drift-3', TERMINAL), 'completed');

  const tenant = (await api.call<{ serviceDetails: Record<string, unknown> }>('GET', '/accounts/contoso')).body.serviceDetails
    .teamsTenantId;
  const put = await api.call('PUT', '/accounts/contoso', {
    name: 'contoso',
    correlationId: 'changed-by-hand',
    serviceDetails: { teamsTenantId: tenant, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
  });
  assert.equal(put.status, 200);
  assert.equal((await api.call('DELETE', '/accounts/fabrikam', undefined, { query: { deleteNumbers: 'true' } })).status, 204);

  const found = await audit(['--audit']);
  assert.equal(found.code, 3);
  assert.deepEqual(summary(found.report), [
    ['account', 'contoso', 'settings_differ', ['correlationId'], true],
    ['account', 'fabrikam', 'missing_in_backend', [], true],
    ['number', C, 'missing_in_backend', [], true],
  ]);
  const gone = await audit(['--audit', '--account', 'fabrikam']);
  assert.equal(gone.report.requests, 1, 'GET /accounts/fabrikam answered 404: its numbers are not listed');

  const repaired = await audit(['--audit', '--repair']);
  assert.equal(repaired.code, 0);
  assert.equal(repaired.report.accountsRepaired, 2);
  assert.equal(repaired.report.repaired, 1);
  // Handed to the account sync: written again (level-triggered), nothing else woken.
  const marked = await s.pool.query<{ name: string }>('SELECT name FROM accounts WHERE synced_order_id IS NULL ORDER BY name');
  assert.ok(marked.rows.length <= 2);
  assert.equal(simulator.counters.snapshot().requestViolations, 0);
});

test('accounts handed to the account sync are written again under a new request id: ACG holds the desired accounts and numbers', async (t) => {
  const env = await setUpAcg(t);
  const { s, api, audit } = env;
  await orderDone(env, 'acg-drift-4', [ocNumber(A)]);
  assert.equal((await api.call('DELETE', '/accounts/contoso', undefined, { query: { deleteNumbers: 'true' } })).status, 204);
  await audit(['--audit', '--repair']);
  // A re-sync is a new write (a resend under the first PUT's id would be answered from ACG's repeatability store).
  await waitFor(async () => (await api.call('GET', '/accounts/contoso')).status === 200, 5_000);
  await waitFor(async () => {
    const n = await api.call<{ serviceProvisioningStatus?: string }>('GET', path(A));
    return (
      n.status === 200 && n.body.serviceProvisioningStatus === 'synced' && (await operations(s.pool)).every((o) => o.state === 'settled')
    );
  }, 5_000);
  assert.deepEqual((await audit(['--audit'])).report.differences, []);
});

test('without ACG_PROVISIONING_BASE_URL the ACG audit stops with one line naming it', async () => {
  const config = testConfig({ BACKEND: 'acg' });
  await assert.rejects(
    reconcileCommand(['--audit'], { config, env: {}, logger: silentLogger(), print: () => {} }),
    (error: unknown) =>
      error instanceof ConfigError && error.problems.length === 1 && /^ACG_PROVISIONING_BASE_URL: /.test(error.problems[0] ?? ''),
  );
});

test('the ACG audit built from ACG_PROVISIONING_* joins the fleet budget while it runs, then leaves', async (t) => {
  const s = await setUp(t, {}, { backend: 'acg' });
  const { endpoints, api } = await startAcgSimulator(t, { defaultPageSize: 1, maxPageSize: 1 });
  trustSimulatorCertificate(t, endpoints);
  // ACG holds an account and numbers we do not know: one page each, paced at half of 10 requests/second.
  assert.equal((await api.call('PUT', '/accounts/stranger', acgWireAccount('stranger'))).status, 201);
  const numbers = Array.from({ length: 20 }, (_, i) => `+1425556${String(2000 + i)}`);
  for (const n of numbers)
    assert.equal((await api.call('PUT', `/accounts/stranger/numbers/${encodeURIComponent(n)}`, acgWireNumber('stranger', n))).status, 201);

  const shares: number[] = [];
  const worker = new FleetBudget({
    pool: s.pool,
    logger: silentLogger(),
    ratePerSecond: 10,
    memberId: 'worker-1',
    apply: (x) => shares.push(x),
  });
  await worker.start();
  t.after(() => worker.stop());
  const { logger, lines } = capturingLogger();
  const printed: string[] = [];
  const config = testConfig({
    DATABASE_URL: s.db.url,
    BACKEND: 'acg',
    ...acgClientEnvironment(endpoints),
    ACG_PROVISIONING_REQUESTS_PER_MINUTE: '600',
    ACG_PROVISIONING_RATE_LIMIT_SCOPE: 'fleet',
    ACG_PROVISIONING_PAGE_SIZE: '1',
  });
  const code = await reconcileCommand(['--audit', '--json'], { config, env: {}, logger, print: (l) => printed.push(l) });
  assert.equal(code, 3, printed.join('\n'));
  const report = JSON.parse(printed[0] ?? '{}') as Report;
  assert.deepEqual(
    report.differences.map((d) => [d.resource, d.kind, d.known]),
    [['account', 'unexpected_in_backend', false], ...numbers.map(() => ['number', 'unexpected_in_backend', false])],
  );
  assert.equal(report.requests, 21, 'one page of accounts and 20 pages of numbers');
  const joined = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'fleet rate budget: live workers changed');
  assert.ok(joined, `the audit joined the budget; its log: ${lines.join('\n')}`);
  assert.equal(joined.members, 2);
  assert.match(String(joined.member), /:reconcile-audit:/);
  assert.equal(shares[0], 5, 'the worker made room while the audit ran');
  assert.deepEqual((await s.pool.query('SELECT member_id FROM api_budget_members ORDER BY member_id')).rows, [{ member_id: 'worker-1' }]);
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 15_000, state?: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time${state ? `: ${JSON.stringify(await state())}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
