import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { FleetBudget } from '../../../src/operator-connect/index.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import { createSimulator } from '../../../src/simulator/index.js';
import {
  connectedProducer,
  createTestDatabase,
  createTopics,
  kafkaBrokers,
  onCleanup,
  openPool,
  randomName,
} from '../../support/test-context.js';

/**
 * OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet (issue #12 item 4): three worker
 * processes (`flowthrough worker`) on one database against one simulator,
 * with far more work than the budget allows (orders the simulator never
 * finishes, polled every 200 ms), together send at most
 * OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND calls in any one-second window; after
 * one is SIGKILLed, the other two take its share.
 *
 * Calls are counted at the simulator (its counters, sampled every 25 ms), over
 * sliding one-second windows. Tolerance: the rate + 20 % (three independent
 * pacers whose grid phases and HTTP latencies differ, and a share change on a
 * heartbeat edge, can put one or two calls more into a window).
 */

const CLI = fileURLToPath(new URL('../../../src/app/cli/main.ts', import.meta.url));
const RATE = 15;
const TOLERANCE = 1.2;
const TENANTS = 60;
const silent = pino({ level: 'silent' });

interface Sample {
  readonly at: number;
  readonly calls: number;
}

/** Calls in each sliding one-second window ending at a sample within [from, to). */
function windows(samples: readonly Sample[], from: number, to: number): number[] {
  const counts: number[] = [];
  let j = 0;
  for (const s of samples) {
    if (s.at < from + 1000 || s.at >= to) continue;
    while ((samples[j + 1]?.at ?? Number.POSITIVE_INFINITY) <= s.at - 1000) j++;
    const start = samples[j];
    if (start && start.at <= s.at - 1000) counts.push(s.calls - start.calls);
  }
  return counts;
}

function meanRate(samples: readonly Sample[], from: number, to: number): number {
  const inside = samples.filter((s) => s.at >= from && s.at < to);
  const first = inside[0];
  const last = inside.at(-1);
  if (!first || !last || last.at === first.at) return 0;
  return ((last.calls - first.calls) * 1000) / (last.at - first.at);
}

interface Worker {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Array<Record<string, unknown>>;
  waitFor(match: (l: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  readonly exit: Promise<unknown>;
}

function startWorker(env: Record<string, string>): Worker {
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', '--max-semi-space-size=8', '--min-semi-space-size=8', '--import', 'tsx', CLI, 'worker'],
    {
      env: { ...process.env, NODE_OPTIONS: '', ...env },
    },
  );
  const exit = once(child, 'exit');
  onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exit;
    }
  });
  const lines: Array<Record<string, unknown>> = [];
  const waiters = new Set<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  child.stderr.resume();
  createInterface({ input: child.stdout }).on('line', (text) => {
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text) as Record<string, unknown>;
    } catch {
      line = { msg: text };
    }
    lines.push(line);
    for (const w of [...waiters])
      if (w.match(line)) {
        waiters.delete(w);
        w.resolve(line);
      }
  });
  return {
    child,
    lines,
    exit,
    waitFor: (match, timeoutMs) =>
      new Promise((resolve, reject) => {
        const found = lines.find(match);
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching log line within ${timeoutMs} ms; last lines: ${JSON.stringify(lines.slice(-5))}`));
        }, timeoutMs);
        const waiter = {
          match,
          resolve: (l: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(l);
          },
        };
        waiters.add(waiter);
      }),
  };
}

function orderRecord(account: string, orderId: string, sequence: number, items: unknown[]) {
  const requestedAt = new Date(Date.parse('2026-01-01T00:00:00Z') + sequence * 1000).toISOString();
  return {
    key: account,
    value: JSON.stringify({ orderId, account, requestedAt, items }),
    headers: {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_source: '/bss/fleet-budget-test',
      ce_type: 'io.flowthrough.order.v1',
      ce_time: requestedAt,
      ce_subject: account,
      'content-type': 'application/json',
    },
  };
}

describe('fleet-wide Operator Connect rate budget', () => {
  it('heartbeats in PostgreSQL: each member paces at rate / live members, and a member that leaves frees its share', async () => {
    const { pool, url } = await createTestDatabase();
    const bPool = openPool(url, 1);
    const shares = new Map<string, number>();
    const member = (id: string, on = pool) =>
      new FleetBudget({ pool: on, logger: silent, ratePerSecond: 12, memberId: id, heartbeatMs: 100, apply: (s) => shares.set(id, s) });
    const a = member('a');
    await a.start();
    assert.equal(a.share, 12);
    const b = member('b', bPool);
    const c = member('c');
    await Promise.all([b.start(), c.start()]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual([a.share, b.share, c.share], [4, 4, 4]);
    await c.stop();
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.deepEqual([a.share, b.share], [6, 6]);
    // A member that cannot heartbeat any more (killed, or cut off from PostgreSQL) ages out after
    // deadAfterMs (350 ms here); cut off, it keeps its last share.
    await bPool.end();
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(a.share, 12);
    assert.equal(b.share, 6);
    await b.stop();
    await a.stop();
    // A left; b's row (it could not leave) stays until the living prune it (after pruneAfterMs).
    assert.deepEqual((await pool.query('SELECT member_id FROM api_budget_members')).rows, [{ member_id: 'b' }]);
  });

  it('three worker processes stay within the rate together; after one is killed the other two take its share', async (t) => {
    const { url } = await createTestDatabase();
    const [ordersTopic, deadLetterTopic, statusTopic] = await createTopics(['fb_orders', 'fb_dlt', 'fb_status'], 3);
    const tenants = Array.from({ length: TENANTS }, (_, i) => ({
      account: `fleet-${String(i + 1).padStart(3, '0')}`,
      tenantId: randomUUID(),
      number: `+1425${2_000_000 + i}`,
    }));
    // Orders the simulator never finishes: every operation polls on, so the demand is far above the budget.
    const simulator = createSimulator({
      rateLimitPerSecond: 0,
      orderProcessing: 'manual',
      consents: tenants.map((x) => ({ tenantId: x.tenantId, consentedCountries: ['US'] })),
    });
    const endpoints = await simulator.start();
    t.after(() => simulator.stop());
    const dir = await mkdtemp(join(tmpdir(), 'fleet-budget-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const caFile = join(dir, 'simulator-ca.pem');
    await writeFile(caFile, endpoints.caCertificatePem);

    const group = randomName('fb');
    const env: Record<string, string> = {
      ...simulatorClientEnvironment(endpoints),
      NODE_EXTRA_CA_CERTS: caFile,
      DATABASE_URL: url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      KAFKA_GROUP_ID: group,
      ORDERS_TOPIC: ordersTopic ?? '',
      DEAD_LETTER_TOPIC: deadLetterTopic ?? '',
      STATUS_TOPIC: statusTopic ?? '',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      RECONCILER_ENABLED: 'true',
      RECONCILER_LINGER_MS: '0',
      RECONCILER_MAX_LINGER_MS: '0',
      RECONCILER_EXPECTED_PROCESSING_MS: '100',
      RECONCILER_POLL_MAX_MS: '200',
      RECONCILER_LEASE_MS: '5000',
      OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND: String(RATE),
      OPERATOR_CONNECT_RATE_LIMIT_SCOPE: 'fleet',
    };
    const workers = [startWorker(env), startWorker(env), startWorker(env)];
    await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'worker started', 120_000)));
    // Every worker has seen the other two (its share is rate / 3) before any work arrives.
    await Promise.all(workers.map((w) => w.waitFor((l) => l.msg === 'fleet rate budget: live workers changed' && l.members === 3, 10_000)));

    const samples: Sample[] = [];
    const sampler = setInterval(() => samples.push({ at: performance.now(), calls: simulator.counters.snapshot().totalCalls }), 25);
    t.after(() => clearInterval(sampler));

    const producer = await connectedProducer();
    const messages = tenants.flatMap((x, i) => [
      orderRecord(x.account, `FB-${i}-A`, 2 * i, [
        {
          id: 'account',
          action: 'upsert',
          resource: 'account',
          account: {
            name: x.account,
            serviceDetails: { teamsTenantId: x.tenantId, teamsOperatorConnect: { enabled: true, syncEnabled: true } },
          },
        },
      ]),
      orderRecord(x.account, `FB-${i}-N`, 2 * i + 1, [
        {
          id: 'numbers',
          action: 'upsert',
          resource: 'numbers',
          numbers: [
            {
              telephoneNumber: x.number,
              serviceDetails: {
                teamsOperatorConnect: {
                  enabled: true,
                  configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
                },
              },
            },
          ],
        },
      ]),
    ]);
    await producer.send({ topic: ordersTopic ?? '', messages });
    const published = performance.now();

    // Busy: wait until the backend has accepted most of the orders and calls flow steadily.
    const busyBy = published + 60_000;
    while (simulator.counters.snapshot().ordersAccepted < TENANTS / 2 && performance.now() < busyBy)
      await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(simulator.counters.snapshot().ordersAccepted >= TENANTS / 2, 'the workers got busy');
    const fleetFrom = performance.now() + 1000;
    await new Promise((resolve) => setTimeout(resolve, 13_000));
    const fleetTo = performance.now();
    const fleetWindows = windows(samples, fleetFrom, fleetTo);
    const fleetMean = meanRate(samples, fleetFrom, fleetTo);

    // SIGKILL one: its row stops heartbeating and ages out after 3.5 s; the others see it at their next heartbeat.
    const victim = workers[2] as Worker;
    victim.child.kill('SIGKILL');
    await victim.exit;
    const killedAt = performance.now();
    const survivors = workers.slice(0, 2);
    await Promise.all(
      survivors.map((w) => w.waitFor((l) => l.msg === 'fleet rate budget: live workers changed' && l.members === 2, 15_000)),
    );
    const detectedAfterMs = performance.now() - killedAt;
    const afterFrom = performance.now() + 1000;
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    const afterTo = performance.now();
    const afterWindows = windows(samples, afterFrom, afterTo);
    const afterMean = meanRate(samples, afterFrom, afterTo);
    // The dip between the kill and the survivors' new share.
    const gapMean = meanRate(samples, killedAt, killedAt + detectedAfterMs);

    const summary = {
      rate: RATE,
      fleetOf3: { meanPerSecond: Number(fleetMean.toFixed(2)), maxWindow: Math.max(...fleetWindows), minWindow: Math.min(...fleetWindows) },
      killToShareChangeMs: Math.round(detectedAfterMs),
      meanDuringDetection: Number(gapMean.toFixed(2)),
      after: { meanPerSecond: Number(afterMean.toFixed(2)), maxWindow: Math.max(...afterWindows), minWindow: Math.min(...afterWindows) },
      ordersAccepted: simulator.counters.snapshot().ordersAccepted,
    };
    t.diagnostic(JSON.stringify(summary));

    assert.ok(fleetWindows.length > 100, 'enough windows');
    assert.ok(Math.max(...fleetWindows) <= RATE * TOLERANCE, `fleet of 3: ${JSON.stringify(summary)}`);
    assert.ok(fleetMean >= RATE * 0.75, `the fleet of 3 used its budget: ${JSON.stringify(summary)}`);
    assert.ok(Math.max(...afterWindows) <= RATE * TOLERANCE, `after the kill: ${JSON.stringify(summary)}`);
    assert.ok(afterMean >= RATE * 0.75, `the survivors took the share: ${JSON.stringify(summary)}`);

    for (const w of survivors) w.child.kill('SIGTERM');
    const codes = await Promise.all(survivors.map((w) => w.exit));
    assert.deepEqual(
      codes.map((c) => (c as [number | null])[0]),
      [0, 0],
    );
  });
});
