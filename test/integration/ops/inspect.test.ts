import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountsCommand, numbersCommand, ordersCommand } from '../../../src/app/cli/commands/inspect-commands.js';
import {
  accountItem,
  collect,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  startIntake,
  statusEvents,
} from '../../support/intake-harness.js';
import { onCleanup, testConfig, testKafka } from '../../support/test-context.js';
import { captureIo, createOpsDatabase } from '../../support/ops.js';

const { url, pool } = await createOpsDatabase();
const topics = await intakeTopics();
const producer = testKafka().producer();
await producer.connect();
onCleanup(() => producer.disconnect());
const status = await collect(topics.status);
await startIntake(pool, topics);
await producer.send({
  topic: topics.orders,
  messages: [
    orderRecord({
      orderId: 'in-1',
      account: 'insp',
      items: [
        accountItem('insp'),
        numbersItem([ocNumber('+14255553001'), ocNumber('+14255553002')]),
        numbersItem(
          [
            {
              telephoneNumber: '+14255553003',
              serviceDetails: { teamsDirectRouting: { enabled: true } },
              configuration: { customSipHeader: 'insp-hq' },
            },
          ],
          'dr',
        ),
      ],
    }),
    orderRecord({ orderId: 'in-2', account: 'other', items: [accountItem('other', { sync: false })] }),
    orderRecord({ orderId: 'in-bad', account: 'ghost', items: [numbersItem([ocNumber('+14255553009')])] }),
  ],
});
await status.waitFor((all) =>
  ['in-1', 'in-2', 'in-bad'].every((id) => statusEvents(all).some((e) => e.data.orderId === id && e.data.state !== 'acknowledged')),
);
await pool.query(
  `UPDATE order_item_numbers SET outcome = 'failed', error_code = 'NumberNotAvailable', message = 'taken' WHERE telephone_number = '+14255553001'`,
);
const config = testConfig({ DATABASE_URL: url });

async function run(command: typeof ordersCommand, ...args: string[]) {
  const io = captureIo();
  const code = await command(args, config, io);
  return { code, out: io.out(), err: io.err(), json: () => JSON.parse(io.out()) as Record<string, unknown> };
}

describe('orders show / list', () => {
  it('shows items, per-number results and the timeline of status events', async () => {
    const text = await run(ordersCommand, 'show', 'in-1');
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /^order in-1: inProgress/);
    assert.match(text.out, /flow-through numbers: 1 failed, 1 pending/);
    assert.match(text.out, /\+14255553001\s+teamsOperatorConnect\s+upload\s+failed\s+NumberNotAvailable: taken/);
    assert.match(text.out, /\(new\) → acknowledged/);
    assert.match(text.out, /acknowledged → inProgress/);
    const json = (await run(ordersCommand, 'show', 'in-1', '--json')).json();
    assert.deepEqual(
      (json.items as Array<{ id: string; state: string }>).map((i) => [i.id, i.state]),
      [
        ['account', 'completed'],
        ['numbers', 'inProgress'],
        ['dr', 'completed'],
      ],
    );
    assert.deepEqual(json.numberOutcomes, { failed: 1, pending: 1 });
    assert.deepEqual(
      (json.timeline as Array<{ state: string }>).map((t) => t.state),
      ['acknowledged', 'inProgress'],
    );
  });

  it('shows an order refused at intake through its dead letter', async () => {
    const text = await run(ordersCommand, 'show', 'in-bad');
    assert.equal(text.code, 0);
    assert.match(text.out, /rejected at intake/);
    assert.match(text.out, /#\d+ account_not_found/);
    assert.equal((await run(ordersCommand, 'show', 'nothing')).code, 1);
  });

  it('lists with filters, newest first', async () => {
    const all = (await run(ordersCommand, 'list', '--json')).json().orders as Array<{ orderId: string }>;
    assert.deepEqual(all.map((o) => o.orderId).sort(), ['in-1', 'in-2']);
    const progressing = (await run(ordersCommand, 'list', '--state', 'inProgress', '--json')).json().orders as Array<{
      orderId: string;
      numbers: number;
    }>;
    assert.deepEqual(
      progressing.map((o) => [o.orderId, o.numbers]),
      [['in-1', 3]],
    );
    assert.equal(((await run(ordersCommand, 'list', '--account', 'other', '--json')).json().orders as unknown[]).length, 1);
    assert.equal(((await run(ordersCommand, 'list', '--until', '1h', '--json')).json().orders as unknown[]).length, 0);
    assert.equal(((await run(ordersCommand, 'list', '--limit', '1', '--json')).json().orders as unknown[]).length, 1);
    const table = await run(ordersCommand, 'list');
    assert.match(table.out, /^ORDER\s+ACCOUNT\s+STATE\s+RECEIVED\s+ITEMS\s+NUMBERS\s+ATTEMPTS/);
  });
});

describe('accounts show / numbers show', () => {
  it('shows an account with its numbers per service and open work', async () => {
    const json = (await run(accountsCommand, 'show', 'insp', '--json')).json();
    assert.equal(json.liveNumbers, 3);
    assert.deepEqual(json.numberCounts, { teamsOperatorConnect: 2, teamsDirectRouting: 1 });
    assert.deepEqual(json.openWork, { pending: 1 });
    assert.equal(json.openOrders, 1);
    assert.deepEqual(json.backend, {
      syncedOrderId: null,
      serviceProvisioningStatus: null,
      subdomainStatus: 'notProvisioned',
      observedAt: null,
      syncError: null,
    });
    const text = (await run(accountsCommand, 'show', 'insp')).out;
    assert.match(text, /^account insp/);
    assert.match(text, /subdomain status: +notProvisioned/);
    assert.match(text, /backend status: +-/);
    assert.equal((await run(accountsCommand, 'show', 'nobody')).code, 1);
  });

  it('shows what a backend that holds accounts (ACG) reported: status, subdomainStatus, sync error', async () => {
    try {
      await pool.query(
        `UPDATE accounts SET synced_order_id = 'in-2',
                backend_observed = '{"etag": "\\"e1\\"", "serviceProvisioningStatus": "failed", "serviceProvisioningErrors": [{"code": "TenantNotFound", "message": "no such tenant"}], "subdomainStatus": "provisioned", "requestedOrderId": "in-2", "at": "2026-12-01T10:00:00.000Z"}',
                sync_error = '{"code": "TenantNotFound", "message": "no such tenant", "orderId": "in-2", "at": "2026-12-01T10:00:00.000Z"}'
          WHERE name = 'other'`,
      );
      const json = (await run(accountsCommand, 'show', 'other', '--json')).json();
      assert.deepEqual(json.backend, {
        syncedOrderId: 'in-2',
        serviceProvisioningStatus: 'failed',
        serviceProvisioningErrors: [{ code: 'TenantNotFound', message: 'no such tenant' }],
        subdomainStatus: 'provisioned',
        etag: '"e1"',
        observedAt: '2026-12-01T10:00:00.000Z',
        syncError: { code: 'TenantNotFound', message: 'no such tenant', orderId: 'in-2', at: '2026-12-01T10:00:00.000Z' },
      });
      const text = (await run(accountsCommand, 'show', 'other')).out;
      assert.match(text, /backend status: +failed: TenantNotFound no such tenant \(2026-12-01T10:00:00.000Z\)/);
      assert.match(text, /synced order: +in-2/);
      assert.match(text, /subdomain status: +provisioned/);
      assert.match(text, /sync error: +TenantNotFound: no such tenant \(order in-2, 2026-12-01T10:00:00.000Z\)/);
    } finally {
      await pool.query(`UPDATE accounts SET synced_order_id = NULL, backend_observed = NULL, sync_error = NULL WHERE name = 'other'`);
    }
  });

  it('shows a number: desired, observed where the schema has it, work rows, last order and custom header', async () => {
    const json = (await run(numbersCommand, 'show', '+14255553003', '--json')).json();
    assert.deepEqual(json.customHeader, { name: 'X-MS-Operator-Content', value: 'insp-hq' });
    assert.deepEqual((json.lastOrder as { orderId: string }).orderId, 'in-1');
    const failed = (await run(numbersCommand, 'show', '+14255553001', '--json')).json();
    assert.deepEqual(
      (failed.work as Array<{ outcome: string; errorCode: string }>).map((w) => [w.outcome, w.errorCode]),
      [['failed', 'NumberNotAvailable']],
    );
    assert.equal(typeof failed.observed, 'object');
    const text = await run(numbersCommand, 'show', '+14255553001');
    assert.match(text.out, /desired services:/);
    assert.equal((await run(numbersCommand, 'show', '12345')).code, 2);
    assert.equal((await run(numbersCommand, 'show', '+19999999999')).code, 1);
  });
});
