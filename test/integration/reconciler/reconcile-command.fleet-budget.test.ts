import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type pg from 'pg';
import { reconcileCommand } from '../../../src/app/cli/commands/reconcile-command.js';
import { FleetBudget } from '../../../src/operator-connect/index.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import { CLI } from '../../support/run-cli.js';
import { capturingLogger, silentLogger, testConfig } from '../../support/test-context.js';
import { account, numbersItem, ocNumber, setUp, TENANT_US, type Setup } from '../../support/reconciler.js';

/**
 * `flowthrough reconcile --audit` shares the fleet-wide Operator Connect budget
 * (OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet) with the workers: it joins
 * api_budget_members while it runs, so a worker's share halves and the audit
 * paces at the other half; it leaves when done, and a killed audit's row ages
 * out like a killed worker's.
 *
 * The worker is a FleetBudget member with the worker's defaults (a heartbeat a
 * second); its share changes are the events the tests wait for. The backend
 * lists one number per page, so the audit of one tenant is PAGES calls.
 */

const RATE = 20;
const PAGES = 40;

async function setUpAudit(t: TestContext): Promise<Setup> {
  const s = await setUp(t, {
    defaultPageSize: 1,
    maxPageSize: 1,
    numbers: Array.from({ length: PAGES }, (_, i) => ({
      tenantId: TENANT_US,
      telephoneNumber: `+1425556${String(1000 + i)}`,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
    })),
  });
  // One account on TENANT_US with one number the backend does not hold: the audit lists that tenant.
  await s.submit({
    orderId: 'audit-budget-1',
    account: 'contoso',
    items: [account('contoso', TENANT_US), numbersItem([ocNumber('+14255550900')])],
  });
  return s;
}

/** A worker's budget member whose share changes can be awaited. */
async function workerMember(t: TestContext, pool: pg.Pool) {
  const shares: number[] = [];
  const waiters: Array<{ share: number; resolve: () => void }> = [];
  const member = new FleetBudget({
    pool,
    logger: silentLogger(),
    ratePerSecond: RATE,
    memberId: 'worker-1',
    apply: (share) => {
      shares.push(share);
      for (const w of waiters.filter((x) => x.share === share)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
  });
  await member.start();
  t.after(() => member.stop());
  assert.equal(member.share, RATE, 'alone, the worker has the whole rate');
  /** Resolves at the first share change to `share` from the `after`-th change on. */
  const shareBecomes = (share: number, after: number) =>
    shares.slice(after).includes(share) ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ share, resolve }));
  return { member, shares, shareBecomes };
}

function auditEnvironment(s: Setup): Record<string, string> {
  return {
    ...simulatorClientEnvironment(s.endpoints),
    OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: String(RATE),
    OPERATOR_CONNECT_RATE_LIMIT_SCOPE: 'fleet',
    OPERATOR_CONNECT_PAGE_SIZE: '1',
  };
}

test('reconcile --audit joins the fleet budget while it runs: the worker’s share halves, the audit paces at the other half, then leaves', async (t) => {
  const s = await setUpAudit(t);
  const worker = await workerMember(t, s.pool);

  const samples: Array<{ at: number; reads: number }> = [];
  const sample = () => samples.push({ at: performance.now(), reads: s.simulator.counters.snapshot().statusReads });
  const sampler = setInterval(sample, 10);
  t.after(() => clearInterval(sampler));

  const { logger, lines } = capturingLogger();
  const printed: string[] = [];
  const code = await reconcileCommand(['--audit', '--json'], {
    config: testConfig({ DATABASE_URL: s.db.url }),
    env: auditEnvironment(s),
    logger,
    print: (l) => printed.push(l),
  });
  sample();
  clearInterval(sampler);
  assert.equal(code, 3, printed.join('\n'));
  const report = JSON.parse(printed[0] ?? '{}') as { tenants: number; differences: unknown[] };
  assert.equal(report.tenants, 1);
  assert.equal(report.differences.length, PAGES, 'every number the backend lists is unknown to us');

  // The audit was a member next to the worker, at half the rate.
  const joined = lines
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((l) => l.msg === 'fleet rate budget: live workers changed');
  assert.ok(joined, `the audit joined the budget; its log: ${lines.join('\n')}`);
  assert.equal(joined.members, 2);
  assert.equal(joined.share, RATE / 2);
  assert.match(String(joined.member), /:reconcile-audit:/);
  assert.equal(worker.shares[0], RATE / 2, 'the worker made room while the audit ran');

  // Its calls, over every sliding second (counted as the simulator answers them): within its share.
  // The limiter grants no burst, so a closed second holds at most share + 1 grants; 20 % on top
  // absorbs answer latencies that differ (alone at the full rate, the audit would send ~RATE).
  const first = samples.find((x) => x.reads > 0);
  const last = samples.at(-1);
  assert.ok(first && last);
  assert.equal(last.reads, PAGES, 'one list call per page');
  let busiest = 0;
  for (const end of samples) {
    const start = samples.findLast((x) => x.at <= end.at - 1000) ?? { reads: 0 };
    busiest = Math.max(busiest, end.reads - start.reads);
  }
  const seconds = (last.at - first.at) / 1000;
  t.diagnostic(
    JSON.stringify({ rate: RATE, auditShare: RATE / 2, busiestSecond: busiest, calls: PAGES, seconds: Number(seconds.toFixed(2)) }),
  );
  assert.ok(busiest <= Math.ceil((RATE / 2) * 1.2), `the audit sent ${busiest} calls in one second, more than its share ${RATE / 2}`);
  assert.ok(seconds >= (PAGES - RATE / 2 - 1) / (RATE / 2), `${PAGES} calls took ${seconds.toFixed(2)} s: not paced at ${RATE / 2}/s`);

  // Done, it left: its row is gone and the worker takes the whole rate again at its next heartbeat.
  assert.deepEqual((await s.pool.query('SELECT member_id FROM api_budget_members ORDER BY member_id')).rows, [{ member_id: 'worker-1' }]);
  await worker.shareBecomes(RATE, 1);
});

/** `flowthrough reconcile --audit --json` as its own process (the CLI as an operator starts it). */
async function spawnAudit(t: TestContext, s: Setup) {
  const dir = await mkdtemp(join(tmpdir(), 'audit-budget-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'simulator-ca.pem');
  await writeFile(caFile, s.endpoints.caCertificatePem);
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', CLI, 'reconcile', '--audit', '--json'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: s.db.url,
        NODE_EXTRA_CA_CERTS: caFile,
        ...auditEnvironment(s),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exit;
    }
  });
  return { child, output, exit };
}

test('a reconcile --audit process in the budget prints only its report on stdout (LOG_LEVEL info)', async (t) => {
  const s = await setUpAudit(t);
  const worker = await workerMember(t, s.pool);
  const audit = await spawnAudit(t, s);
  const [code] = await audit.exit;
  assert.equal(code, 3, audit.output.stderr);
  const report = JSON.parse(audit.output.stdout) as { differences: unknown[] };
  assert.equal(report.differences.length, PAGES);
  assert.doesNotMatch(audit.output.stderr, /fleet|budget/i, 'no word about the budget when all went well');
  assert.equal(worker.shares[0], RATE / 2, 'it was a member');
  await worker.shareBecomes(RATE, 1);
});

test('a killed reconcile --audit stops counting: its row ages out and the worker takes the whole rate back', async (t) => {
  const s = await setUpAudit(t);
  const worker = await workerMember(t, s.pool);
  const audit = await spawnAudit(t, s);

  // The audit process joined (the worker made room), and is killed mid-audit.
  await Promise.race([
    worker.shareBecomes(RATE / 2, 0),
    audit.exit.then(() => assert.fail(`the audit ended before it joined the budget: ${audit.output.stderr}`)),
  ]);
  const members = (await s.pool.query<{ member_id: string }>('SELECT member_id FROM api_budget_members ORDER BY member_id')).rows;
  assert.equal(members.length, 2);
  assert.match(members.find((m) => m.member_id !== 'worker-1')?.member_id ?? '', /:reconcile-audit:/);
  audit.child.kill('SIGKILL');
  await audit.exit;
  assert.ok(s.simulator.counters.snapshot().statusReads < PAGES, 'killed mid-audit');

  // It could not leave; once its heartbeat is older than deadAfterMs, the worker's share is the whole rate again.
  const killedAt = performance.now();
  await worker.shareBecomes(RATE, 1);
  t.diagnostic(`share back ${Math.round(performance.now() - killedAt)} ms after the kill`);
});
