import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconcileCommand } from '../../../src/app/cli/commands/reconcile-command.js';
import { silentLogger, testConfig } from '../../support/test-context.js';
import { account, numbersItem, ocNumber, operations, setUp, TENANT_US, waitForOrderState } from '../../support/reconciler.js';

test('the drift audit finds a change made behind the worker’s back, and --repair plans the operation that undoes it', async (t) => {
  const s = await setUp(t);
  const numbers = ['+14255550900', '+14255550901', '+14255550902'];
  await s.submit({
    orderId: 'drift-1',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem(numbers.map((n) => ocNumber(n)))],
  });
  const { reconciler } = s.reconciler();
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'drift-1', ['completed', 'partial', 'failed']), 'completed');

  const config = testConfig({ DATABASE_URL: s.db.url });
  const { client } = s.client();
  const run = async (args: string[]) => {
    const lines: string[] = [];
    const code = await reconcileCommand(args, { config, env: {}, logger: silentLogger(), client, print: (l) => lines.push(l) });
    return { code, lines };
  };
  const clean = await run(['--audit', '--account', 'contoso']);
  assert.equal(clean.code, 0, clean.lines.join('\n'));
  assert.match(clean.lines.at(-1) ?? '', /^0 difference\(s\) across 3 number\(s\) of 1 tenant/);

  // Behind the worker's back: someone reconfigures a number and places one we never had.
  const put = async (telephoneNumber: string, body: unknown) => {
    const answer = await fetch(`${s.endpoints.adminUrl}/numbers/${encodeURIComponent(telephoneNumber)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(answer.ok, true, await answer.text());
  };
  await put('+14255550901', {
    tenantId: TENANT_US,
    configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] },
  });
  await put('+14255550999', {
    tenantId: TENANT_US,
    configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
  });

  const audit = await run(['--audit', '--account', 'contoso', '--json']);
  assert.equal(audit.code, 3);
  const report = JSON.parse(audit.lines[0] ?? '{}') as { differences: Array<{ telephoneNumber: string; kind: string; known: boolean }> };
  assert.deepEqual(
    report.differences.map((d) => [d.telephoneNumber, d.kind, d.known]),
    [
      ['+14255550901', 'configuration_differs', true],
      ['+14255550999', 'unexpected_in_backend', false],
    ],
  );

  const repair = await run(['--audit', '--account', 'contoso', '--repair']);
  assert.equal(repair.code, 0);
  // The running worker's planner may take up the marked number before the audit's own pass does: the pass
  // skips a number another planner holds locked, and that planner's operation may commit after the audit returns.
  assert.match(repair.lines.at(-1) ?? '', /repaired 1 number\(s\), planned [01] operation\(s\)/);
  const updates = async () => (await operations(s.pool)).filter((o) => o.operation === 'update');
  await waitFor(async () => (await updates()).length > 0);
  assert.deepEqual(
    (await updates()).map((o) => o.numbers),
    [['+14255550901']],
  );

  // The running reconciler carries the planned update out.
  const deadline = Date.now() + 10_000;
  while (s.simulator.admin.numberStatus(TENANT_US, '+14255550901').configuration?.usage !== 'CallingUserAssignment') {
    assert.ok(Date.now() < deadline, 'the repair update was not applied');
    await new Promise((r) => setTimeout(r, 20));
  }
  await waitFor(async () => (await operations(s.pool)).every((o) => o.state === 'settled'));
  const after = await run(['--audit', '--account', 'contoso', '--json']);
  const left = (JSON.parse(after.lines[0] ?? '{}') as typeof report).differences.map((d) => d.telephoneNumber);
  assert.deepEqual(left, ['+14255550999'], 'only the number we never had is left (reported, not touched)');
  assert.deepEqual(
    s.simulator.ledger.entries({ telephoneNumber: '+14255550901' }).map((e) => e.operation),
    ['upload', 'update'],
  );
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
