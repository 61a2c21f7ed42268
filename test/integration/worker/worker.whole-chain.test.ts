import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setDefaultCACertificates, getCACertificates } from 'node:tls';
import { Worker } from '../../../src/app/worker/worker.js';
import { workerServices } from '../../../src/app/worker/services.js';
import { createSimulator, ManualClock } from '../../../src/simulator/index.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import type { StatusEventData } from '../../../src/core/status/index.js';
import { accountItem, collect, numbersItem, ocNumber, orderRecord, statusEvents } from '../../support/intake-harness.js';
import {
  capturingLogger,
  connectedProducer,
  createTestDatabase,
  onCleanup,
  randomName,
  testConfig,
  testKafka,
} from '../../support/test-context.js';
import { statusSchemaErrors } from '../../support/status-schema.js';
import { quickKafka, within } from '../../support/intake-kit.js';

/**
 * The whole chain as production assembles it (Worker + workerServices): order
 * records on Kafka → intake → reconciler → the simulator over HTTPS with the real
 * ClientSecretCredential → outbox relay → status topic. Every order's status
 * events are read back from Kafka and checked end to end.
 */

const TENANT = '11111111-1111-4111-8111-111111111111';
const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
const simulator = createSimulator({
  processingDelayMs: 20,
  rateLimitPerSecond: 0,
  clock: new ManualClock(Date.now()),
  consents: [{ tenantId: TENANT, consentedCountries: ['US'] }],
});
const endpoints = await simulator.start();
onCleanup(() => simulator.stop());
const previousCAs = getCACertificates('default');
setDefaultCACertificates([...previousCAs, endpoints.caCertificatePem]);
onCleanup(async () => setDefaultCACertificates(previousCAs));

const { url } = await createTestDatabase();
const run = randomName('chain');
const topics = { orders: `${run}.orders`, deadLetter: `${run}.orders.dlt`, status: `${run}.status` };
const { logger } = capturingLogger({ level: 'warn' });
const worker = new Worker({
  config: testConfig({
    DATABASE_URL: url,
    KAFKA_CREATE_TOPICS: 'true',
    ORDERS_TOPIC: topics.orders,
    DEAD_LETTER_TOPIC: topics.deadLetter,
    STATUS_TOPIC: topics.status,
    KAFKA_GROUP_ID: run,
    OUTBOX_POLL_INTERVAL_MS: '200',
    RECONCILER_LINGER_MS: '0',
    RECONCILER_MAX_LINGER_MS: '0',
    RECONCILER_IDLE_POLL_MS: '50',
    RECONCILER_EXPECTED_PROCESSING_MS: '30',
    RECONCILER_POLL_MAX_MS: '200',
    ...simulatorClientEnvironment(endpoints),
  }),
  logger,
  ...workerServices(),
});
onCleanup(() => worker.stop());
await worker.start();
const producer = await connectedProducer(testKafka());
const status = await collect(topics.status, quickKafka());
const deadLetters = await collect(topics.deadLetter, quickKafka());

const TERMINAL = ['completed', 'partial', 'failed', 'rejected'];
const eventsOf = (orderId: string): StatusEventData[] =>
  statusEvents(status.received)
    .filter((e) => e.data.orderId === orderId)
    .map((e) => e.data);
const terminal = (orderId: string): Promise<void> =>
  within(
    status.waitFor(() => eventsOf(orderId).some((e) => TERMINAL.includes(e.state))),
    60_000,
    `${orderId} to reach a terminal state`,
  );

type Step = [state: string, items: Array<[id: string, state: string]>];
const steps = (orderId: string): Step[] => eventsOf(orderId).map((e) => [e.state, e.items.map((i): [string, string] => [i.id, i.state])]);
const numbersOf = (orderId: string, itemId: string) =>
  eventsOf(orderId)
    .at(-1)
    ?.items.find((i) => i.id === itemId)
    ?.numbers?.map((n) => [n.telephoneNumber, n.state, n.errorCode ?? null]);
const publish = (orderId: string, items: unknown[]) =>
  producer.send({ topic: topics.orders, messages: [orderRecord({ orderId, account: 'chain', items })] });

describe('the whole chain: Kafka → intake → reconciler → backend → relay → status topic', () => {
  it('an account with two numbers: acknowledged, in progress, completed; both uploads in the backend once', async () => {
    await publish('setup', [accountItem('chain', { tenant: TENANT }), numbersItem([ocNumber('+14255550100'), ocNumber('+14255550101')])]);
    await terminal('setup');
    assert.deepEqual(steps('setup'), [
      [
        'acknowledged',
        [
          ['account', 'acknowledged'],
          ['numbers', 'acknowledged'],
        ],
      ],
      [
        'inProgress',
        [
          ['account', 'completed'],
          ['numbers', 'inProgress'],
        ],
      ],
      [
        'completed',
        [
          ['account', 'completed'],
          ['numbers', 'completed'],
        ],
      ],
    ]);
    assert.deepEqual(numbersOf('setup', 'numbers'), [
      ['+14255550100', 'succeeded', null],
      ['+14255550101', 'succeeded', null],
    ]);
    assert.deepEqual(
      simulator.ledger.entries({ tenantId: TENANT }).map((e) => [e.telephoneNumber, e.operation]),
      [
        ['+14255550100', 'upload'],
        ['+14255550101', 'upload'],
      ],
    );
  });

  it('a number another tenant holds: the order ends partial, that number failed with the backend code, the other uploaded', async () => {
    simulator.admin.placeNumber({
      telephoneNumber: '+14255550199',
      tenantId: OTHER_TENANT,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
    });
    await publish('partial', [numbersItem([ocNumber('+14255550102'), ocNumber('+14255550199')])]);
    await terminal('partial');
    assert.deepEqual(steps('partial'), [
      ['acknowledged', [['numbers', 'acknowledged']]],
      ['inProgress', [['numbers', 'inProgress']]],
      ['partial', [['numbers', 'partial']]],
    ]);
    assert.deepEqual(numbersOf('partial', 'numbers'), [
      ['+14255550102', 'succeeded', null],
      ['+14255550199', 'failed', 'NumberHeldByAnotherTenant'],
    ]);
    assert.equal(simulator.ledger.entries({ telephoneNumber: '+14255550199' }).length, 0, 'the backend applied nothing for it');
  });

  it('a release: completed, released in the backend', async () => {
    await publish('release', [{ id: 'release', action: 'delete', resource: 'numbers', numbers: [{ telephoneNumber: '+14255550101' }] }]);
    await terminal('release');
    assert.deepEqual(
      steps('release').map(([state]) => state),
      ['acknowledged', 'inProgress', 'completed'],
    );
    assert.deepEqual(numbersOf('release', 'release'), [['+14255550101', 'succeeded', null]]);
    assert.deepEqual(
      simulator.ledger.entries({ telephoneNumber: '+14255550101' }).map((e) => e.operation),
      ['upload', 'release'],
    );
  });

  it('an invalid order: one rejected event naming the problem, a dead letter, nothing sent to the backend', async () => {
    const before = simulator.ledger.size;
    await publish('bad', [numbersItem([ocNumber('+1 425 bad')])]);
    await terminal('bad');
    const events = eventsOf('bad');
    assert.deepEqual(
      events.map((e) => e.state),
      ['rejected'],
    );
    assert.match(JSON.stringify(events[0]), /invalid_e164/);
    await within(
      deadLetters.waitFor((all) => all.length === 1),
      30_000,
      'the dead letter',
    );
    assert.equal(simulator.ledger.size, before);
  });

  it('every event on the status topic is valid against schemas/status.v1.json and none repeats', () => {
    const all = statusEvents(status.received);
    assert.equal(all.length, 3 + 3 + 3 + 1);
    assert.equal(new Set(all.map((e) => e.id)).size, all.length, 'ce_id unique');
    for (const event of all) assert.deepEqual(statusSchemaErrors(event.data), [], JSON.stringify(event.data));
  });
});
