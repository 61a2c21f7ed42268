import assert from 'node:assert/strict';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FlowthroughError } from '../../../src/core/errors.js';
import { createSimulator, loadSeedFile, resolveOptions, type Consent } from '../../../src/simulator/index.js';
import { paths, startSimulator } from '../../support/simulator.js';

const EXAMPLE_SEED = fileURLToPath(new URL('../../../simulator/consents.example.json', import.meta.url));

test('defaults: 1,000 numbers per order, 10 calls/s, one registered client, the Project Synergy audience', () => {
  const options = resolveOptions();
  assert.equal(options.maxNumbersPerOrder, 1000);
  assert.equal(options.rateLimitPerSecond, 10);
  assert.equal(options.rateLimitBurst, 10);
  assert.equal(options.port, 0);
  assert.equal(options.basePath, '/api');
  assert.equal(options.audience, 'eb63d611-525e-4a31-abd7-0cb33f679599');
  assert.equal(options.clients.length, 1);
  assert.equal(options.clients[0]?.registered, true);
  assert.ok(Object.isFrozen(options));
});

test('invalid options are refused at construction, every problem listed', () => {
  assert.throws(
    () =>
      createSimulator({
        port: 70_000,
        maxNumbersPerOrder: 0,
        faults: { probabilities: { reset: 1.5 } },
        clients: [{ clientId: 'not-a-guid', clientSecret: 'x' }],
        // @ts-expect-error an unknown option is a typo the simulator reports
        latency: 5,
      }),
    (error: unknown) => {
      assert.ok(error instanceof FlowthroughError);
      assert.equal(error.code, 'invalid_simulator_options');
      for (const part of ['port', 'maxNumbersPerOrder', 'faults.probabilities.reset', 'clients[0].clientId', 'latency'])
        assert.match(error.message, new RegExp(part.replace(/[.[\]]/g, '\\$&')));
      return true;
    },
  );
});

test('the example seed file loads and drives the consents and numbers', async (t) => {
  const seed = await loadSeedFile(EXAMPLE_SEED);
  assert.equal(seed.consents.length, 5);
  const { api, simulator } = await startSimulator(t, { consents: [], seedFile: EXAMPLE_SEED });
  const list = await api.get<{ value: Consent[] }>(paths.consents);
  assert.equal(list.body.value.length, 5);
  const held = simulator.admin.numberStatus('7b1c3e2a-4d5f-4a6b-8c9d-0e1f2a3b4c5d', '+14255550100');
  assert.equal(held.status, 'assigned');
  assert.equal(held.assignedToUser, true);
});

test('a broken seed file is refused with the place of each problem', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'simulator-seed-'));
  const path = join(dir, 'seed.json');
  await writeFile(path, JSON.stringify({ consents: [{ tenantId: 'x', consentedCountries: ['USA'], status: 'gone' }] }));
  await assert.rejects(loadSeedFile(path), (error: Error) => {
    assert.match(error.message, /consents\[0\]\.tenantId/);
    assert.match(error.message, /consents\[0\]\.consentedCountries\[0\]/);
    assert.match(error.message, /consents\[0\]\.status/);
    return true;
  });
  await assert.rejects(loadSeedFile(join(dir, 'missing.json')), /cannot read seed file/);
});

test('paths and base path are configurable, as a client keeps them in configuration', async (t) => {
  const { endpoints, simulator } = await startSimulator(t, { basePath: '/oc/v1', paths: { consents: '/rfis' } });
  assert.match(endpoints.url, /\/oc\/v1$/);
  const response = await fetch(`${endpoints.url}/rfis?api-version=${endpoints.apiVersion}`, {
    headers: { authorization: `Bearer ${simulator.admin.issueToken()}` },
  });
  assert.equal(response.status, 200);
});

test('stop() then start() is an outage on the same ports; open orders carry on', async (t) => {
  const { simulator, endpoints, api } = await startSimulator(t, { processingDelayMs: 60_000 });
  const accepted = await api.post<{ id: string }>(paths.upload('11111111-1111-4111-8111-111111111111'), {
    numbers: [{ telephoneNumber: '+14255550800', usage: 'CallingUserAssignment', choosableCapabilities: [] }],
  });
  await simulator.stop();
  await assert.rejects(fetch(`${endpoints.url}/consents`));
  const again = await simulator.start();
  assert.equal(again.url, endpoints.url);
  assert.equal(again.tokenUrl, endpoints.tokenUrl);
  assert.equal((await api.get(paths.order(accepted.body.id))).status, 200);
  simulator.admin.processOrders();
  assert.equal((await simulator.admin.whenOrderSettled(accepted.body.id)).status, 'complete');
});
