import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dlqCommand } from '../../../src/app/cli/commands/dlq-command.js';
import {
  accountItem,
  collect,
  headerText,
  intakeTopics,
  numbersItem,
  ocNumber,
  orderRecord,
  startIntake,
  statusEvents,
} from '../../support/intake-harness.js';
import { connectedProducer, testConfig, testKafka } from '../../support/test-context.js';
import { captureIo, createOpsDatabase } from '../../support/ops.js';

const { url, pool } = await createOpsDatabase();
const topics = await intakeTopics();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const status = await collect(topics.status);
const orders = await collect(topics.orders);
await startIntake(pool, topics);
const config = testConfig({ DATABASE_URL: url, ORDERS_TOPIC: topics.orders });

async function run(...args: string[]) {
  const io = captureIo({ user: 'alice' });
  const code = await dlqCommand(args, config, io);
  return { code, io, json: () => JSON.parse(io.out()) as Record<string, unknown> };
}

function eventsOf(orderId: string) {
  return statusEvents(status.received).filter((e) => e.data.orderId === orderId);
}

async function terminal(orderId: string, count = 1): Promise<void> {
  await status.waitFor(
    (all) =>
      statusEvents(all).filter((e) => e.data.orderId === orderId && ['rejected', 'completed', 'failed', 'partial'].includes(e.data.state))
        .length >= count,
  );
}

async function deadLetterIds(orderId: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text AS id FROM dead_letters WHERE order_id = $1 ORDER BY id', [orderId]);
  return rows.map((r) => r.id);
}

function replaysOf(id: string) {
  return orders.received.filter((r) => headerText(r.headers, 'flowthrough-replay-of') === id);
}

describe('dlq replay', () => {
  it('replays an order rejected for a missing account once the account exists: it completes, once', async () => {
    const ghost = orderRecord(
      { orderId: 'ghost-1', account: 'ghostco', items: [numbersItem([ocNumber('+14255550901')])] },
      { 'x-bss-trace': 'trace-77' },
    );
    await producer.send({ topic: topics.orders, messages: [ghost] });
    await terminal('ghost-1');
    assert.equal(eventsOf('ghost-1').at(-1)?.data.state, 'rejected');
    const [id] = await deadLetterIds('ghost-1');
    assert.ok(id);

    // Dry run: the record parses today; the missing account is a state rule only the intake checks.
    const dry = await run('replay', id, '--dry-run');
    assert.equal(dry.code, 0);
    assert.match(dry.io.out(), /would be re-published; state rules are checked by the intake/);

    await producer.send({
      topic: topics.orders,
      messages: [orderRecord({ orderId: 'ghost-account', account: 'ghostco', items: [accountItem('ghostco', { sync: false })] })],
    });
    await terminal('ghost-account');

    const replay = await run('replay', '--code', 'account_not_found', '--order', 'ghost-1');
    assert.equal(replay.code, 0, replay.io.err());
    assert.match(
      replay.io.out(),
      new RegExp(
        `#${id} ghost-1 \\[account_not_found\\] replayed: re-published to ${topics.orders.replaceAll('.', '\\.')} partition \\d+ offset \\d+`,
      ),
    );
    await terminal('ghost-1', 2);
    assert.deepEqual(
      eventsOf('ghost-1').map((e) => e.data.state),
      ['rejected', 'acknowledged', 'completed'],
    );

    // The original bytes, key and headers, plus the links to the dead letter; no DLT headers.
    const [copy] = replaysOf(id);
    assert.equal(copy?.key, 'ghostco');
    assert.equal(copy?.value?.toString(), ghost.value);
    assert.equal(headerText(copy?.headers ?? {}, 'x-bss-trace'), 'trace-77');
    assert.equal(headerText(copy?.headers ?? {}, 'ce_id'), (ghost.headers as Record<string, string>).ce_id);
    assert.ok(headerText(copy?.headers ?? {}, 'flowthrough-replayed-at'));
    assert.equal(Object.keys(copy?.headers ?? {}).filter((h) => h.includes('dlt')).length, 0);

    // The history says who, when, where it landed and what became of it.
    const shown = await run('show', id, '--json');
    const replays = shown.json().replays as Array<{
      attempt: number;
      status: string;
      by: string;
      landedAs: { kind: string; orderId: string; state: string };
    }>;
    assert.deepEqual(
      replays.map((r) => [r.attempt, r.status, r.by]),
      [[1, 'replayed', 'alice']],
    );
    assert.deepEqual(replays[0]?.landedAs, { kind: 'order', orderId: 'ghost-1', state: 'completed' });
    assert.equal((await run('list', '--status', 'replayed', '--json')).json().total as number, 1);

    // Not twice by accident: a second run skips it, and produces nothing.
    const again = await run('replay', id);
    assert.equal(again.code, 0);
    assert.match(again.io.out(), /already-replayed: already replayed \(attempt 1 by alice/);
    assert.equal(replaysOf(id).length, 1);

    // --again does replay it; the intake recognises the orderId and ignores the copy.
    const forced = await run('replay', id, '--again', '--by', 'bob');
    assert.equal(forced.code, 0);
    await orders.waitFor(() => replaysOf(id).length === 2);
    const marker = orderRecord({
      orderId: 'ghost-marker',
      account: 'ghostco',
      items: [accountItem('ghostco', { sync: false })],
      requestedAt: '2026-11-29T10:10:00Z',
    });
    await producer.send({ topic: topics.orders, messages: [marker] });
    await terminal('ghost-marker');
    assert.deepEqual(
      eventsOf('ghost-1').map((e) => e.data.state),
      ['rejected', 'acknowledged', 'completed'],
      'no second effect',
    );
    const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE order_id = 'ghost-1'`);
    assert.equal(rows[0]?.n, 1);
  });

  it('refuses a stale order again without --force-stale and applies it with it', async () => {
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({
          orderId: 'st-new',
          account: 'staleco',
          requestedAt: '2026-11-29T12:00:00Z',
          items: [
            accountItem('staleco', { sync: false }),
            numbersItem([ocNumber('+14255550911', { configuration: { customSipHeader: 'newer' } })]),
          ],
        }),
      ],
    });
    await terminal('st-new');
    await producer.send({
      topic: topics.orders,
      messages: [
        orderRecord({
          orderId: 'st-old',
          account: 'staleco',
          requestedAt: '2026-11-29T11:00:00Z',
          items: [numbersItem([ocNumber('+14255550911', { configuration: { customSipHeader: 'older' } })])],
        }),
      ],
    });
    await terminal('st-old');
    const [id] = await deadLetterIds('st-old');
    assert.ok(id);
    assert.equal((await pool.query(`SELECT error_code FROM dead_letters WHERE id = $1`, [id])).rows[0]?.error_code, 'stale');

    const plain = await run('replay', id);
    assert.equal(plain.code, 0);
    await terminal('st-old', 2);
    assert.deepEqual(
      eventsOf('st-old').map((e) => e.data.state),
      ['rejected', 'rejected'],
    );
    const again = await deadLetterIds('st-old');
    assert.equal(again.length, 2, 'rejected again as a new dead letter');
    const shown = (await run('show', id, '--json')).json();
    assert.deepEqual((shown.replays as Array<{ landedAs: unknown }>)[0]?.landedAs, {
      kind: 'dead_letter',
      id: again[1],
      errorCode: 'stale',
    });
    assert.equal((await run('show', again[1] ?? '', '--json')).json().replayOf, id, 'the new dead letter names the one it replays');

    const forced = await run('replay', id, '--again', '--force-stale');
    assert.equal(forced.code, 0, forced.io.err());
    await terminal('st-old', 3);
    assert.equal(eventsOf('st-old').at(-1)?.data.state, 'completed');
    assert.equal(headerText(replaysOf(id).at(-1)?.headers ?? {}, 'flowthrough-force-stale'), 'true');
    assert.equal(headerText(replaysOf(id)[0]?.headers ?? {}, 'flowthrough-force-stale'), undefined);
    const number = await pool.query(`SELECT custom_sip_header FROM numbers WHERE telephone_number = '+14255550911'`);
    assert.equal(number.rows[0]?.custom_sip_header, 'older');
  });

  it('keeps to --rate: no one-second window of record timestamps holds more than the rate', async () => {
    const count = 12;
    const rate = 5;
    await producer.send({
      topic: topics.orders,
      messages: Array.from({ length: count }, (_, i) =>
        orderRecord({
          orderId: `rate-${i}`,
          account: `nobody${i}`,
          items: [numbersItem([ocNumber(`+1425555097${String(i).padStart(2, '0')}`)])],
        }),
      ),
    });
    for (let i = 0; i < count; i++) await terminal(`rate-${i}`);
    const ids = (await Promise.all(Array.from({ length: count }, (_, i) => deadLetterIds(`rate-${i}`)))).flat();
    const replay = await run('replay', ...ids, '--rate', String(rate));
    assert.equal(replay.code, 0, replay.io.err());
    await orders.waitFor(() => ids.every((id) => replaysOf(id).length === 1));
    // Record timestamps are the limiter's grant times.
    const times = ids
      .map((id) => Date.parse(headerText(replaysOf(id)[0]?.headers ?? {}, 'flowthrough-replayed-at') ?? ''))
      .sort((a, b) => a - b);
    const first = times[0] ?? 0;
    for (const start of times) {
      const inWindow = times.filter((t) => t >= start && t < start + 1_000).length;
      assert.ok(inWindow <= rate, `${inWindow} records in the second after ${new Date(start).toISOString()} (rate ${rate})`);
    }
    const windows = new Map<number, number>();
    for (const t of times) windows.set(Math.floor((t - first) / 1_000), (windows.get(Math.floor((t - first) / 1_000)) ?? 0) + 1);
    assert.deepEqual([...windows.values()].slice(0, 2), [rate, rate], 'the limiter does not starve either');
  });
});
