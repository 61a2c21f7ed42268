import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseChaosArgs } from '../../../tools/chaos/chaos-options.js';
import type { ChaosReport } from '../../../tools/chaos/chaos-report.js';
import { INVARIANTS } from '../../../tools/chaos/invariants.js';
import { buildSchedule } from '../../../tools/chaos/schedule.js';
import { buildWorkload } from '../../../tools/chaos/workload.js';
import { runScript, type ScriptRun } from '../../support/run-script.js';

/**
 * The chaos run (docs/CHAOS.md), short: a few hundred orders, two workers,
 * three SIGKILLs, a broker restart that keeps its data, a PostgreSQL
 * restart, API and token faults, a consent that turns active, and a
 * dead-letter replay killed half-way. The run starts its own broker and
 * PostgreSQL (it restarts them; the suite's shared ones are left alone).
 * Each invariant of its JSON line is its own test, so a failure names it
 * with its examples and the command that repeats the run.
 */

const MAIN = fileURLToPath(new URL('../../../tools/chaos/main.ts', import.meta.url));
const SEED = 20_261_203;
const ARGS = [
  '--orders',
  '300',
  '--workers',
  '2',
  '--kills',
  '3',
  '--seed',
  String(SEED),
  '--window-s',
  '45',
  '--broker-down-s',
  '10',
  '--settle-s',
  '60',
  '--timeout-s',
  '200',
  '--json',
];

/** As `npm run chaos -- …` runs it. */
const runChaos = (args: readonly string[]): Promise<ScriptRun> => runScript(MAIN, args);

function explain(report: ChaosReport, invariant: string): string {
  const failure = report.failures.find((f) => f.invariant === invariant);
  if (!failure) return `${invariant} is not 0`;
  return `${invariant} = ${failure.count}\n${failure.examples.map((e) => `  ${e}`).join('\n')}\nrepeat: ${report.reproduce}${report.logs ? `\nlogs: ${report.logs}` : ''}`;
}

describe('the chaos plan', () => {
  it('is the same for the same seed: orders byte for byte, and the schedule', () => {
    const a = buildWorkload({ seed: 5, orders: 200 });
    const b = buildWorkload({ seed: 5, orders: 200 });
    assert.deepEqual(
      a.records.map((r) => [r.key, r.value.toString('utf8'), r.headers]),
      b.records.map((r) => [r.key, r.value.toString('utf8'), r.headers]),
    );
    assert.deepEqual(a.consents, b.consents);
    const plan = { seed: 5, windowMs: 60_000, publishMs: 50_000, kills: 4, brokerDownMs: [10_000, 30_000] as const };
    assert.deepEqual(buildSchedule(plan), buildSchedule(plan));
    assert.notDeepEqual(buildSchedule({ ...plan, seed: 6 }), buildSchedule(plan));
  });

  it('creates every account before its orders, never reuses a released number, and has a late account', () => {
    const w = buildWorkload({ seed: 9, orders: 400 });
    const created = new Set<string>();
    const released = new Set<string>();
    for (const r of w.records) {
      const order = JSON.parse(r.value.toString('utf8')) as {
        account: string;
        items: Array<{ resource: string; action: string; numbers?: Array<{ telephoneNumber: string }> }>;
      };
      if (r.kind === 'account') created.add(order.account);
      else assert.ok(created.has(order.account), `${r.orderId} comes before its account`);
      for (const item of order.items) {
        if (item.resource !== 'numbers' || r.kind === 'resend') continue;
        for (const n of item.numbers ?? []) {
          if (item.action === 'delete') released.add(n.telephoneNumber);
          else assert.ok(!released.has(n.telephoneNumber), `${n.telephoneNumber} is used again after its release`);
        }
      }
    }
    assert.ok(w.lateRecords.length >= 6);
    assert.ok(!created.has(w.lateAccount.account));
    assert.ok(w.tenants.some((t) => t.heldConsent));
  });

  it('parses its options and refuses bad ones', () => {
    const { options, errors } = parseChaosArgs(['--orders', '300', '--broker-down-s', '12-20', '--seed', '4', '--json']);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      [options.orders, options.brokerDownSeconds, options.seed, options.json, options.workers, options.kills],
      [300, [12, 20], 4, true, 3, 10],
    );
    assert.equal(parseChaosArgs(['--orders', 'many']).errors.length, 1);
    assert.equal(parseChaosArgs(['--broker-down-s', '30-10']).errors.length, 1);
    assert.equal(parseChaosArgs(['--bogus', '1']).errors.length, 1);
  });
});

describe(`npm run chaos -- ${ARGS.join(' ')}`, () => {
  let run: ScriptRun;
  let report: ChaosReport;

  // About 90 s alone on two cores; the run bounds itself (--timeout-s) and this hook waits a little longer.
  before(
    async () => {
      run = await runChaos(ARGS);
      const last = run.stdout.trim().split('\n').at(-1) ?? '';
      try {
        report = JSON.parse(last) as ChaosReport;
      } catch {
        assert.fail(`the run (exit ${run.code}) printed no JSON line last:\n${run.stdout.slice(-6_000)}\n${run.stderr.slice(-2_000)}`);
      }
    },
    { timeout: 230_000 },
  );

  it('did the chaos it promised: kills, broker and PostgreSQL restarts, held consents, the replay killed half-way', () => {
    assert.equal(report.chaos_incomplete, 0, explain(report, 'chaos_incomplete'));
    assert.equal(report.kills_done, 3);
    assert.deepEqual([report.restarts.broker, report.restarts.postgres], [1, 1]);
    assert.ok(report.restarts.workers >= 3, `${report.restarts.workers} worker restarts`);
    assert.ok(report.faults_injected_total > 0, 'the simulator injected faults');
    assert.ok(report.held_orders > 0, 'some orders were held for their consent');
    assert.ok(report.dead_letter_replay?.killedAfter !== null, 'the first replay was killed');
    assert.ok(report.replayed_dead_letters > 0);
  });

  it('settled: every record accounted for, the status topic read', () => {
    assert.equal(report.settled, true, `not settled after ${report.settle_seconds} s\n${run.stdout.slice(-3_000)}`);
    assert.equal(report.seed, SEED);
    assert.equal(
      report.accepted + report.dead_lettered + report.duplicates + report.records_skipped,
      report.records,
      'every record has exactly one outcome',
    );
    assert.ok(report.status_events > report.accepted, 'at least one event per accepted order');
  });

  for (const invariant of INVARIANTS) {
    it(`${invariant} is 0`, () => assert.equal(report[invariant], 0, explain(report, invariant)));
  }

  it('ok is the conjunction of the invariants, and the exit code says it', () => {
    assert.equal(
      report.ok,
      INVARIANTS.every((name) => report[name] === 0),
    );
    assert.equal(run.code, report.ok ? 0 : 1);
  });
});
