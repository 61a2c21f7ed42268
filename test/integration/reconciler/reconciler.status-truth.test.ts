import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ordersCommand } from '../../../src/app/cli/commands/inspect-commands.js';
import { Secret } from '../../../src/platform/config/secret.js';
import type { StatusEventData } from '../../../src/core/status/index.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';
import { collect, intakeTopics, orderRecord, startIntake, statusEvents } from '../../support/intake-harness.js';
import { connectedProducer, onCleanup, silentLogger, testConfig } from '../../support/test-context.js';
import { captureIo } from '../../support/ops.js';
import {
  account,
  deleteItem,
  numbersItem,
  ocNumber,
  setUp,
  statusEventsOf,
  TENANT_EU,
  TENANT_NONE,
  TENANT_US,
  waitForOrderState,
  type Setup,
} from '../../support/reconciler.js';

const TERMINAL = ['completed', 'partial', 'failed'];
const READ_TOKEN = 'status-truth-read-token-0123';

/** The whole path on the real broker: orders published to Kafka, the intake, the reconciler, the relay, status events read from Kafka. */
async function overKafka(s: Setup, env: Record<string, string> = {}) {
  const topics = await intakeTopics(1);
  const status = await collect(topics.status);
  await startIntake(s.pool, topics);
  const producer = await connectedProducer();
  const { reconciler, calls } = s.reconciler({ ...env, STATUS_TOPIC: topics.status, STATUS_EVENT_SOURCE: '/flowthrough/test' });
  await reconciler.start();
  const events = (orderId: string): StatusEventData[] =>
    statusEvents(status.received)
      .filter((e) => e.data.orderId === orderId)
      .map((e) => e.data);
  return {
    calls,
    events,
    publish: (data: { orderId: string; account: string; items: unknown[] }) =>
      producer.send({ topic: topics.orders, messages: [orderRecord(data)] }),
    /** Resolves once the order's status events on the topic include one in the given states; returns that event. */
    async until(orderId: string, states: readonly string[]): Promise<StatusEventData> {
      await status.waitFor(() => events(orderId).some((e) => states.includes(e.state)));
      return events(orderId).find((e) => states.includes(e.state)) as StatusEventData;
    },
  };
}

async function showOrder(s: Setup, orderId: string) {
  const config = testConfig({ DATABASE_URL: s.db.url });
  const text = captureIo();
  assert.equal(await ordersCommand(['show', orderId], config, text), 0, text.err());
  const json = captureIo();
  assert.equal(await ordersCommand(['show', orderId, '--json'], config, json), 0, json.err());
  return { text: text.out(), json: JSON.parse(json.out()) as Record<string, unknown> };
}

async function readApi(s: Setup) {
  const server = new HttpServer(silentLogger());
  for (const r of createReadApiRoutes(
    { readApi: { tokens: [new Secret(READ_TOKEN)], maxPageSize: 100, publicUrl: null } },
    { pool: s.pool },
  ))
    server.route(r);
  const port = await server.listen(0, '127.0.0.1');
  onCleanup(() => server.close());
  return async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as Record<string, unknown>;
  };
}

test('an upload superseded by a delete before it reached the backend says superseded, not succeeded; the backend saw no upload', async (t) => {
  const s = await setUp(t);
  // TENANT_NONE has no consent: the upload is held, so it cannot reach the backend before the delete arrives.
  const k = await overKafka(s, { RECONCILER_CONSENT_RECHECK_MS: '600000' });
  const number = '+14255550600';
  await k.publish({ orderId: 'up-1', account: 'newco', items: [account('newco', TENANT_NONE), numbersItem([ocNumber(number)])] });
  await k.until('up-1', ['held']);
  assert.equal(s.simulator.counters.snapshot().mutatingCalls, 0, 'nothing sent while held');

  await k.publish({ orderId: 'del-1', account: 'newco', items: [deleteItem([number])] });
  const upDone = await k.until('up-1', TERMINAL);
  const delDone = await k.until('del-1', TERMINAL);

  // The upload: superseded by del-1, never "succeeded"; its item completes, its reason naming the later order.
  assert.deepEqual([upDone.previousState, upDone.state], ['held', 'completed']);
  const upItem = upDone.items.find((i) => i.id === 'numbers')!;
  assert.equal(upItem.state, 'completed');
  assert.equal(upItem.reason?.code, 'superseded_by_later_order');
  assert.match(upItem.reason?.message ?? '', /1 of 1 number\(s\) superseded by later order del-1/);
  assert.deepEqual(
    upItem.numbers?.map((n) => [n.telephoneNumber, n.state, n.errorCode]),
    [[number, 'superseded', 'superseded_by_later_order']],
  );
  assert.match(upItem.numbers?.[0]?.message ?? '', /not sent: order del-1/);
  assert.ok(
    k.events('up-1').every((e) => e.items.every((i) => (i.numbers ?? []).every((n) => n.state !== 'succeeded'))),
    'no event ever said succeeded',
  );

  // The delete: its release was sent and the backend's answer (the tenant does not hold it) is what makes it succeed.
  assert.equal(delDone.state, 'completed');
  assert.deepEqual(
    delDone.items[0]?.numbers?.map((n) => [n.state, n.errorCode]),
    [['succeeded', undefined]],
  );
  assert.match(delDone.items[0]?.numbers?.[0]?.message ?? '', /NumberNotFound/);

  assert.deepEqual(s.simulator.ledger.entries({ telephoneNumber: number }), [], 'the backend applied nothing for the number');
  const counters = s.simulator.counters.snapshot();
  assert.equal(counters.calls.createUploadOrder, undefined, 'no upload was ever sent');
  assert.equal(
    Object.values(counters.calls.createReleaseOrder ?? {}).reduce((a, b) => a + b, 0),
    1,
    'one release, answered per number',
  );

  const shown = await showOrder(s, 'up-1');
  assert.deepEqual(shown.json.numberOutcomes, { superseded: 1 });
  assert.deepEqual(
    (shown.json.numbers as Array<{ outcome: string; errorCode: string }>).map((n) => [n.outcome, n.errorCode]),
    [['superseded', 'superseded_by_later_order']],
  );
  assert.match(shown.text, /flow-through numbers: 1 superseded/);
  assert.match(shown.text, /upload\s+superseded\s+superseded_by_later_order: not sent: order del-1/);
});

test('a customer-relationship update the backend refuses fails its consent item with the backend’s code and message; the order ends partial', async (t) => {
  const s = await setUp(t);
  const k = await overKafka(s);
  const consent = {
    id: 'consent',
    action: 'update',
    resource: 'consent',
    tenantId: TENANT_NONE,
    consent: { customerRelationship: { status: 'AgreementSigned', comment: 'MSA-1 signed' } },
  };
  await k.publish({ orderId: 'rel-refused', account: 'newco', items: [account('newco', TENANT_NONE), consent] });
  const done = await k.until('rel-refused', TERMINAL);

  assert.deepEqual(
    k.events('rel-refused').map((e) => [e.previousState, e.state]),
    [
      [null, 'acknowledged'],
      ['acknowledged', 'inProgress'],
      ['inProgress', 'partial'],
    ],
    'the consent item keeps the order in progress until the backend answered',
  );
  assert.deepEqual(
    done.items.map((i) => [i.id, i.state, i.reason?.code]),
    [
      ['account', 'completed', undefined],
      ['consent', 'failed', 'ConsentNotFound'],
    ],
  );
  assert.match(done.items[1]?.reason?.message ?? '', /There is no consent from tenant 44444444-4444-4444-8444-444444444444/);
  assert.equal(k.calls.filter((c) => c.operation === 'updateCustomerRelationship').length, 1, 'a permanent refusal is not retried');
  const row = (
    await s.pool.query<{ synced_order_id: string; sync_error: { code: string } }>(
      'SELECT synced_order_id, sync_error FROM consents WHERE tenant_id = $1',
      [TENANT_NONE],
    )
  ).rows[0];
  assert.deepEqual([row?.synced_order_id, row?.sync_error.code], ['rel-refused', 'ConsentNotFound']);

  const shown = await showOrder(s, 'rel-refused');
  assert.equal(shown.json.state, 'partial');
  const items = shown.json.items as Array<{ id: string; state: string; reason: { code: string; message: string } | null }>;
  assert.deepEqual(
    items.map((i) => [i.id, i.state, i.reason?.code ?? null]),
    [
      ['account', 'completed', null],
      ['consent', 'failed', 'ConsentNotFound'],
    ],
  );
  assert.match(shown.text, /consent\s+update\s+consent\s+failed\s+0\s+ConsentNotFound: /);

  const get = await readApi(s);
  const order = await get('/v1/orders/rel-refused');
  assert.deepEqual(
    (order.items as typeof items).map((i) => [i.id, i.state, i.reason?.code ?? null]),
    [
      ['account', 'completed', null],
      ['consent', 'failed', 'ConsentNotFound'],
    ],
  );
  const newco = await get('/v1/accounts/newco');
  assert.equal(newco.serviceProvisioningStatus, 'failed');
  assert.deepEqual(
    (newco.serviceProvisioningErrors as Array<{ code: string; target: string }>).map((e) => [e.code, e.target]),
    [['ConsentNotFound', 'consent']],
  );
});

test('consent items: written → completed; an account that syncs neither OC nor TPM → recorded only; an older update replaced before it was written → superseded', async (t) => {
  const s = await setUp(t);
  const consent = (tenantId: string, status: string) => ({
    id: 'consent',
    action: 'update',
    resource: 'consent',
    tenantId,
    consent: { customerRelationship: { status } },
  });
  // Two updates of one tenant before the reconciler runs: only the later one reaches the backend.
  await s.submit({
    orderId: 'rel-old',
    account: 'contoso',
    items: [account('contoso', TENANT_US), consent(TENANT_US, 'CustomerContacted')],
  });
  await s.submit({ orderId: 'rel-new', account: 'contoso', items: [consent(TENANT_US, 'ConsentAcknowledged')] });
  // An account managed in Microsoft's portal (no service synchronised): the relationship is recorded, not written.
  await s.submit({
    orderId: 'rel-portal',
    account: 'portalco',
    items: [
      {
        id: 'account',
        action: 'upsert',
        resource: 'account',
        account: {
          name: 'portalco',
          serviceDetails: { teamsTenantId: TENANT_EU, teamsOperatorConnect: { enabled: true, syncEnabled: false } },
        },
      },
      consent(TENANT_EU, 'CustomerContacted'),
    ],
  });
  assert.deepEqual(
    (await statusEventsOf(s.pool, 'rel-portal')).map((e) => e.data.state),
    ['acknowledged', 'completed'],
    'complete at intake',
  );
  assert.equal(await waitForOrderState(s.pool, 'rel-new', ['inProgress']), 'inProgress');

  const { reconciler, calls } = s.reconciler();
  await reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'rel-new', TERMINAL), 'completed');
  assert.equal(await waitForOrderState(s.pool, 'rel-old', TERMINAL), 'completed');
  const old = (await statusEventsOf(s.pool, 'rel-old')).at(-1)!.data.items.find((i) => i.id === 'consent')!;
  assert.equal(old.state, 'completed');
  assert.equal(old.reason?.code, 'superseded_by_later_order');
  assert.match(old.reason?.message ?? '', /order rel-new set tenant/);
  const fresh = (await statusEventsOf(s.pool, 'rel-new')).at(-1)!.data.items[0]!;
  assert.deepEqual([fresh.state, fresh.reason], ['completed', undefined]);

  const { client } = s.client();
  assert.equal((await client.getConsent(TENANT_US)).customerRelationship.status, 'ConsentAcknowledged');
  // The portal account's consent is done with, unwritten.
  const deadline = Date.now() + 10_000;
  const readPortal = async (): Promise<{ synced_order_id: string | null; sync_error: { code: string } | null } | undefined> =>
    (await s.pool.query('SELECT synced_order_id, sync_error FROM consents WHERE tenant_id = $1', [TENANT_EU])).rows[0];
  let portal = await readPortal();
  while (portal?.synced_order_id !== 'rel-portal') {
    assert.ok(Date.now() < deadline, 'the consent sync never looked at the portal account’s consent');
    await new Promise((r) => setTimeout(r, 20));
    portal = await readPortal();
  }
  assert.equal(portal?.sync_error?.code, 'not_synchronised');
  assert.deepEqual(
    calls.filter((c) => c.operation === 'updateCustomerRelationship').map((c) => c.operation),
    ['updateCustomerRelationship'],
    'one write: rel-new for TENANT_US; none for rel-old or the portal account',
  );
  assert.equal((await client.getConsent(TENANT_EU)).customerRelationship.status, 'ConsentAcknowledged', 'the seed: untouched');
});

test('a number moved to another tenant: the upload there succeeds only through its own upload, after the release', async (t) => {
  const s = await setUp(t);
  s.simulator.admin.setConsent(TENANT_EU, { consentedCountries: ['DE', 'GB', 'US'] });
  const number = '+14255550650';
  await s.submit({ orderId: 'mv-up', account: 'contoso', items: [account('contoso', TENANT_US), numbersItem([ocNumber(number)])] });
  const first = s.reconciler();
  await first.reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'mv-up', TERMINAL), 'completed');
  await first.reconciler.stop();

  // Both changes wait together: the number leaves contoso's tenant and joins fabrikam's.
  await s.submit({ orderId: 'mv-leave', account: 'contoso', items: [deleteItem([number])] });
  await s.submit({ orderId: 'mv-join', account: 'fabrikam', items: [account('fabrikam', TENANT_EU), numbersItem([ocNumber(number)])] });
  const second = s.reconciler();
  await second.reconciler.start();
  assert.equal(await waitForOrderState(s.pool, 'mv-leave', TERMINAL), 'completed');
  assert.equal(await waitForOrderState(s.pool, 'mv-join', TERMINAL), 'completed');

  assert.deepEqual(
    s.simulator.ledger.entries({ telephoneNumber: number }).map((e) => [e.operation, e.tenantId]),
    [
      ['upload', TENANT_US],
      ['release', TENANT_US],
      ['upload', TENANT_EU],
    ],
  );
  assert.equal(s.simulator.admin.numberStatus(TENANT_EU, number).status, 'assigned');
  const join = (await statusEventsOf(s.pool, 'mv-join')).at(-1)!.data.items.find((i) => i.id === 'numbers')!;
  assert.deepEqual(
    join.numbers?.map((n) => n.state),
    ['succeeded'],
  );
  const work = (
    await s.pool.query<{ order_id: string; operation: string }>(
      `SELECT w.order_id, b.operation FROM order_item_numbers w JOIN backend_operations b ON b.id = w.operation_id WHERE w.telephone_number = $1 ORDER BY w.order_id`,
      [number],
    )
  ).rows;
  assert.deepEqual(
    work.map((w) => Object.values(w)),
    [
      ['mv-join', 'upload'],
      ['mv-leave', 'release'],
      ['mv-up', 'upload'],
    ],
    'each row settled by the operation that made its change',
  );
});
