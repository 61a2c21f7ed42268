import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { FuzzReport } from '../../../tools/fuzz/fuzz-report.js';
import { INVARIANTS } from '../../../tools/fuzz/invariants.js';
import { buildPlan } from '../../../tools/fuzz/record-plan.js';
import { runScript, type ScriptRun } from '../../support/run-script.js';

/**
 * The hostile-input run (docs/FUZZ.md), short: 300 records from a fixed
 * seed against the production worker in its own process, on this run's
 * services (KAFKA_BROKERS / DATABASE_URL from the global setup). Each
 * invariant of the run's JSON line is its own test, so a failure names it,
 * with the records that broke it and how to repeat the run.
 */

const MAIN = fileURLToPath(new URL('../../../tools/fuzz/main.ts', import.meta.url));
const SEED = 20_261_202;
const RECORDS = 300;

/** As `npm run fuzz -- …` runs it. */
const runFuzz = (args: readonly string[]): Promise<ScriptRun> => runScript(MAIN, args);

/** What the run says about one failed invariant: its count, the record kinds, examples, and how to repeat it. */
function explain(report: FuzzReport, invariant: string): string {
  const failure = report.failures.find((f) => f.invariant === invariant);
  if (!failure) return `${invariant} is not 0`;
  const kinds = Object.entries(failure.kinds)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const examples = failure.examples.map((e) => `  ${e.record ?? ''}${e.at ? ` [${e.at}]` : ''}: ${e.detail}`).join('\n');
  return `${invariant} = ${failure.count}${kinds ? ` (records: ${kinds})` : ''}\n${examples}\nrepeat: npm run fuzz -- --seed ${report.seed} --records ${report.records}${report.worker_log ? `\nworker log: ${report.worker_log}` : ''}`;
}

describe('the hostile-input plan', () => {
  // Under 60 records: the plan leaves out the multi-megabyte records, which only slow this check down.
  const options = { records: 48, validRatio: 0.25, ordersTopic: 'fuzz.orders.test', maxMessageBytes: 8 * 1024 * 1024 };

  it('is the same, byte for byte, for the same seed', () => {
    const a = buildPlan({ ...options, seed: 7 });
    const b = buildPlan({ ...options, seed: 7 });
    assert.equal(a.records.length, options.records);
    for (const [i, r] of a.records.entries()) {
      const s = b.records[i];
      assert.ok(s);
      assert.deepEqual([s.kind, s.variant, s.partition, s.valid], [r.kind, r.variant, r.partition, r.valid], `record #${i}`);
      assert.deepEqual(
        [s.message.key, s.message.value, Object.entries(s.message.headers)],
        [r.message.key, r.message.value, Object.entries(r.message.headers)],
        `record #${i}`,
      );
    }
  });

  it('differs for another seed, and puts hostile records first on every partition', () => {
    const a = buildPlan({ ...options, seed: 7 });
    const c = buildPlan({ ...options, seed: 8 });
    assert.notDeepEqual(
      a.records.map((r) => r.variant),
      c.records.map((r) => r.variant),
    );
    for (let p = 0; p < 3; p += 1)
      assert.equal(a.records.find((r) => r.partition === p)?.valid, false, `partition ${p} opens with a hostile record`);
  });
});

describe(`npm run fuzz -- --records ${RECORDS} --seed ${SEED} --json`, () => {
  let run: ScriptRun;
  let report: FuzzReport;

  before(async () => {
    run = await runFuzz(['--records', String(RECORDS), '--seed', String(SEED), '--stall-s', '10', '--timeout-s', '150', '--json']);
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    try {
      report = JSON.parse(last) as FuzzReport;
    } catch {
      assert.fail(`the run (exit ${run.code}) printed no JSON line last:\n${run.stdout.slice(-4_000)}\n${run.stderr.slice(-2_000)}`);
    }
  });

  it('ran to the end and accounted for its records', () => {
    assert.equal(report.records, RECORDS);
    assert.equal(report.seed, SEED);
    assert.equal(report.valid + report.hostile, RECORDS);
    assert.equal(
      report.accepted + report.dead_lettered + report.duplicates + report.unaccounted,
      RECORDS,
      'every record has exactly one outcome',
    );
  });

  for (const invariant of INVARIANTS) {
    it(`${invariant} is 0`, () => assert.equal(report[invariant], 0, explain(report, invariant)));
  }

  it('worker_exit is null (the worker kept running)', () => {
    assert.equal(report.worker_exit, null, explain(report, 'ready_failures'));
  });

  it('ok is the conjunction of the invariants, and the exit code says it', () => {
    assert.equal(report.ok, INVARIANTS.every((name) => report[name] === 0) && report.worker_exit === null);
    assert.equal(run.code, report.ok ? 0 : 1);
  });
});
