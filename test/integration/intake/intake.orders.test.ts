import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTerminal } from '../../../src/core/order-state/states.js';
import { connectedProducer, createTestDatabase, testKafka } from '../../support/test-context.js';
import {
  accountItem,
  collect,
  headerText,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  readExamples,
  resendRejections,
  startIntake,
  statusEvents,
  toMessage,
} from '../../support/intake-harness.js';

const { pool } = await createTestDatabase();
const topics = await intakeTopics();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const status = await collect(topics.status);
const dlt = await collect(topics.deadLetter);
await startIntake(pool, topics);

/**
 * Waits for the order's next status event past its acknowledgement and checks
 * its state, so a wrong outcome fails at once instead of waiting for a timeout.
 */
const seen = new Map<string, number>();
async function stateReached(orderId: string, state: string): Promise<void> {
  const already = seen.get(orderId) ?? 0;
  const later = () => statusEvents(status.received).filter((e) => e.data.orderId === orderId && e.data.state !== 'acknowledged');
  await status.waitFor(() => later().length > already);
  seen.set(orderId, already + 1);
  const event = later()[already];
  assert.equal(event?.data.state, state, `${orderId}: ${JSON.stringify(event?.data.violations ?? event?.data.items)}`);
}

function eventsOf(orderId: string) {
  return statusEvents(status.received).filter((e) => e.data.orderId === orderId);
}

describe('order intake', () => {
  it('accepts every example order and announces it', async () => {
    const examples = readExamples();
    for (const ex of examples) await producer.send({ topic: topics.orders, messages: [toMessage(ex)] });
    for (const ex of examples) {
      // Structured-mode examples carry the order under data.
      const orderId = ((ex.value.data as { orderId?: string } | undefined)?.orderId ?? ex.value.orderId) as string;
      await status.waitFor((all) => statusEvents(all).some((e) => e.data.orderId === orderId && e.data.state !== 'acknowledged'));
      const events = eventsOf(orderId);
      assert.equal(events[0]?.data.state, 'acknowledged', `${ex.file}: first event`);
      assert.equal(events[0]?.data.previousState, null);
      assert.equal(events[0]?.id, `${orderId}:1`);
      const last = events.at(-1);
      assert.ok(last && (last.data.state === 'inProgress' || isTerminal(last.data.state)), `${ex.file}: ${last?.data.state}`);
      assert.equal(last?.data.previousState, 'acknowledged');
    }
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
    assert.equal(rows[0]?.n, examples.length);
    // The northwind account was deleted with its numbers by the last example.
    const northwind = await pool.query<{ deleted: boolean }>(
      `SELECT deleted_at IS NOT NULL AS deleted FROM accounts WHERE name = 'northwind'`,
    );
    assert.equal(northwind.rows[0]?.deleted, true);
    const live = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM numbers WHERE account_name = 'northwind' AND deleted_at IS NULL`,
    );
    assert.equal(live.rows[0]?.n, 0);
    assert.equal(dlt.received.length, 0, 'no example is dead-lettered');
  });

  it('keeps an Operator Connect number inProgress with a pending upload; Direct Routing completes on commit', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'oc-1', account: 'acme', items: [accountItem('acme'), numbersItem([ocNumber('+14255559101')])] })],
    });
    await stateReached('oc-1', 'inProgress');
    const work = await pool.query('SELECT telephone_number, service, operation, outcome FROM order_item_numbers WHERE order_id = $1', [
      'oc-1',
    ]);
    assert.deepEqual(work.rows, [
      { telephone_number: '+14255559101', service: 'teamsOperatorConnect', operation: 'upload', outcome: 'pending' },
    ]);

    const dr = numbersItem([
      {
        telephoneNumber: '+14255559102',
        serviceDetails: { teamsDirectRouting: { enabled: true } },
        configuration: { customSipHeader: 'acme-hq' },
      },
    ]);
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'dr-1', account: 'acme', requestedAt: '2026-11-29T10:01:00Z', items: [dr] })],
    });
    await stateReached('dr-1', 'completed');
    const header = await pool.query('SELECT custom_sip_header FROM numbers WHERE telephone_number = $1', ['+14255559102']);
    assert.equal(header.rows[0]?.custom_sip_header, 'acme-hq');
  });

  it('completes locally when the account has sync disabled', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({
          orderId: 'nosync-1',
          account: 'nosync',
          items: [accountItem('nosync', { sync: false }), numbersItem([ocNumber('+14255559201')])],
        }),
      ],
    });
    await stateReached('nosync-1', 'completed');
    const work = await pool.query('SELECT 1 FROM order_item_numbers WHERE order_id = $1', ['nosync-1']);
    assert.equal(work.rowCount, 0);
  });

  it('ignores the same order delivered again: no second effect, no new event', async () => {
    const record = orderRecord({ orderId: 'dup-1', account: 'dupco', items: [accountItem('dupco')] });
    await producer.send({ topic: topics.orders, messages: [record] });
    await stateReached('dup-1', 'completed');
    // Sent twice more, then a marker order; once the marker is announced the duplicates were processed.
    await producer.send({ topic: topics.orders, messages: [record, record] });
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({ orderId: 'dup-marker', account: 'dupco', requestedAt: '2026-11-29T10:05:00Z', items: [accountItem('dupco')] }),
      ],
    });
    await stateReached('dup-marker', 'completed');
    assert.equal(eventsOf('dup-1').length, 2, 'acknowledged and completed, once each');
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE order_id = $1', ['dup-1']);
    assert.equal(rows[0]?.n, 1);
  });

  it('rejects the same orderId with different content as duplicate_order_conflict', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'conf-1', account: 'confco', items: [accountItem('confco')] })],
    });
    await stateReached('conf-1', 'completed');
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({
          orderId: 'conf-1',
          account: 'confco',
          items: [accountItem('confco', { tenant: '11111111-2222-4333-8444-555555555555' })],
        }),
      ],
    });
    // Not a state change of conf-1: a resend rejection of its own event type; conf-1 stays completed.
    await status.waitFor((all) => resendRejections(all).some((e) => e.data.orderId === 'conf-1'));
    const rejected = resendRejections(status.received).find((e) => e.data.orderId === 'conf-1');
    assert.equal(rejected?.data.state, 'rejected');
    assert.equal(rejected?.data.violations?.[0]?.code, 'duplicate_order_conflict');
    assert.deepEqual(
      eventsOf('conf-1').map((e) => e.data.state),
      ['acknowledged', 'completed'],
    );
    await dlt.waitFor((all) => all.some((r) => headerText(r.headers, 'flowthrough_dlt-order-id') === 'conf-1'));
    const account = await pool.query('SELECT teams_tenant_id FROM accounts WHERE name = $1', ['confco']);
    assert.equal(account.rows[0]?.teams_tenant_id, '3f2b6c1e-8d4a-4e7b-9c5d-1a2b3c4d5e6f', 'state unchanged');
  });

  it('rejects an older order arriving late as stale, unless forced', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({
          orderId: 'new-1',
          account: 'staleco',
          requestedAt: '2026-11-29T12:00:00Z',
          items: [accountItem('staleco'), numbersItem([ocNumber('+14255559301', { configuration: { customSipHeader: 'newer' } })])],
        }),
      ],
    });
    await stateReached('new-1', 'inProgress');
    const late = {
      orderId: 'old-1',
      account: 'staleco',
      requestedAt: '2026-11-29T11:00:00Z',
      items: [numbersItem([ocNumber('+14255559301', { configuration: { customSipHeader: 'older' } })])],
    };
    await producer.send({ topic: topics.orders, messages: [orderRecord(late)] });
    await stateReached('old-1', 'rejected');
    assert.equal(eventsOf('old-1').find((e) => e.data.state === 'rejected')?.data.violations?.[0]?.code, 'stale');
    let header = await pool.query('SELECT custom_sip_header, last_order_id FROM numbers WHERE telephone_number = $1', ['+14255559301']);
    assert.deepEqual(header.rows[0], { custom_sip_header: 'newer', last_order_id: 'new-1' });

    // A producer's header alone cannot force it…
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ ...late, orderId: 'old-1-forced' }, { 'flowthrough-force-stale': 'true' })],
    });
    await stateReached('old-1-forced', 'rejected');
    assert.equal(
      eventsOf('old-1-forced').find((e) => e.data.state === 'rejected')?.data.violations?.[0]?.code,
      'force_stale_not_authorised',
    );
    // …the replay tool's attempt in PostgreSQL does (written as `dlq replay --force-stale` writes it, before producing).
    const { rows: dead } = await pool.query<{ id: string; value: Buffer }>(
      `SELECT id::text AS id, value FROM dead_letters WHERE order_id = 'old-1'`,
    );
    const deadLetter = dead[0];
    assert.ok(deadLetter);
    await pool.query(
      `INSERT INTO dead_letter_replays (dead_letter_id, attempt, status, replayed_by, target_topic, force_stale) VALUES ($1, 1, 'replaying', 'test', $2, true)`,
      [deadLetter.id, topics.orders],
    );
    const replayHeaders = {
      ...orderRecord(late).headers,
      'flowthrough-force-stale': 'true',
      'flowthrough-replay-of': deadLetter.id,
      'flowthrough-replay-attempt': '1',
    };
    await producer.send({ topic: topics.orders, messages: [{ key: 'staleco', value: deadLetter.value, headers: replayHeaders }] });
    await stateReached('old-1', 'completed');
    header = await pool.query('SELECT custom_sip_header, last_order_id, last_requested_at FROM numbers WHERE telephone_number = $1', [
      '+14255559301',
    ]);
    assert.equal(header.rows[0]?.custom_sip_header, 'older');
    assert.equal((header.rows[0]!.last_requested_at as Date).toISOString(), '2026-11-29T12:00:00.000Z', 'the version never moves back');
  });

  it('refuses state-dependent violations with their codes', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['no-account', { account: 'ghost', items: [numbersItem([ocNumber('+14255559401')])] }, 'account_not_found'],
      ['other-owner', { account: 'acme', items: [numbersItem([ocNumber('+14255559201')])] }, 'number_owned_by_other_account'],
      [
        'tenant-change',
        { account: 'acme', items: [accountItem('acme', { tenant: '11111111-2222-4333-8444-555555555555' })] },
        'tenant_change_with_numbers',
      ],
      ['delete-with-numbers', { account: 'acme', items: [{ id: 'del', action: 'delete', resource: 'account' }] }, 'account_has_numbers'],
      ['key-mismatch', { account: 'acme', items: [accountItem('acme')], key: 'not-acme' }, 'partition_key_mismatch'],
    ];
    for (const [orderId, data, _code] of cases) {
      const { key, ...order } = data as { key?: string; account: string; items: unknown[] };
      const message = orderRecord({ orderId, requestedAt: '2026-11-29T13:00:00Z', ...order });
      await producer.send({ topic: topics.orders, messages: [key ? { ...message, key } : message] });
    }
    for (const [orderId, , code] of cases) {
      await stateReached(orderId, 'rejected');
      const codes = eventsOf(orderId)
        .flatMap((e) => e.data.violations ?? [])
        .map((v) => v.code);
      assert.ok(codes.includes(code), `${orderId}: expected ${code}, got ${codes.join(',')}`);
    }
  });

  it('takes a 10,000-number order in one piece', async () => {
    const numbers = Array.from({ length: 10_000 }, (_, i) => ocNumber(`+1206555${String(i).padStart(4, '0')}`));
    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'bulk-10k', account: 'bulkco', items: [accountItem('bulkco'), numbersItem(numbers)] })],
    });
    await stateReached('bulk-10k', 'inProgress');
    const { rows } = await pool.query<{ n: number; pending: number }>(
      `SELECT (SELECT count(*)::int FROM numbers WHERE account_name = 'bulkco') AS n,
              (SELECT count(*)::int FROM order_item_numbers WHERE order_id = 'bulk-10k' AND outcome = 'pending') AS pending`,
    );
    assert.deepEqual(rows[0], { n: 10_000, pending: 10_000 });
  });
  it('keeps each number its own settings and work rows when one order mixes them', async () => {
    const conferencing = {
      teamsOperatorConnect: { enabled: true, configuration: { usage: 'ConferenceAssignment', choosableCapabilities: ['InboundCalling'] } },
    };
    const items = [
      accountItem('mixco'),
      numbersItem(
        [ocNumber('+14255559601'), { telephoneNumber: '+14255559602', serviceDetails: conferencing }, ocNumber('+14255559603')],
        'first',
      ),
      numbersItem(
        [
          { telephoneNumber: '+14255559604', serviceDetails: conferencing },
          { telephoneNumber: '+14255559605', serviceDetails: { teamsDirectRouting: { enabled: true } } },
        ],
        'second',
      ),
    ];
    await producer.send({ topic: topics.orders, messages: [orderRecord({ orderId: 'mix-1', account: 'mixco', items })] });
    await stateReached('mix-1', 'inProgress');
    const stored = await pool.query<{ telephone_number: string; usage: string | null; dr: boolean; sync_state: string }>(
      `SELECT telephone_number, service_details #>> '{teamsOperatorConnect,configuration,usage}' AS usage,
              service_details ? 'teamsDirectRouting' AS dr, sync_state
         FROM numbers WHERE account_name = 'mixco' ORDER BY telephone_number`,
    );
    // Numbers with flow-through work are 'pending' from the intake on; Direct Routing has none.
    assert.deepEqual(
      stored.rows.map((r) => [r.telephone_number, r.usage, r.dr, r.sync_state]),
      [
        ['+14255559601', 'CallingUserAssignment', false, 'pending'],
        ['+14255559602', 'ConferenceAssignment', false, 'pending'],
        ['+14255559603', 'CallingUserAssignment', false, 'pending'],
        ['+14255559604', 'ConferenceAssignment', false, 'pending'],
        ['+14255559605', null, true, 'inSync'],
      ],
    );
    const work = await pool.query<{ item_id: string; telephone_number: string; service: string; operation: string }>(
      `SELECT item_id, telephone_number, service, operation FROM order_item_numbers WHERE order_id = 'mix-1' ORDER BY telephone_number`,
    );
    assert.deepEqual(
      work.rows.map((r) => [r.item_id, r.telephone_number, r.service, r.operation]),
      [
        ['first', '+14255559601', 'teamsOperatorConnect', 'upload'],
        ['first', '+14255559602', 'teamsOperatorConnect', 'upload'],
        ['first', '+14255559603', 'teamsOperatorConnect', 'upload'],
        ['second', '+14255559604', 'teamsOperatorConnect', 'upload'],
      ],
    );
  });

  // The children's foreign keys were dropped for the intake's speed (migration 000005): the relation
  // they enforced is checked here, over everything this file's orders wrote.
  it('leaves no work row without its item and no item without its order', async () => {
    const { rows } = await pool.query<{ items: number; orphan_items: number; orphan_work: number }>(
      `SELECT (SELECT count(*)::int FROM order_items) AS items,
              (SELECT count(*)::int FROM order_items i WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.order_id = i.order_id)) AS orphan_items,
              (SELECT count(*)::int FROM order_item_numbers w
                WHERE NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = w.order_id AND i.item_id = w.item_id)) AS orphan_work`,
    );
    assert.ok((rows[0]?.items ?? 0) > 10, 'the earlier tests wrote items');
    assert.deepEqual({ orphan_items: rows[0]?.orphan_items, orphan_work: rows[0]?.orphan_work }, { orphan_items: 0, orphan_work: 0 });
  });
});
