import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { IHeaders } from 'kafkajs';
import { DLT_HEADERS } from '../../../src/intake/index.js';
import { connectedProducer, createTestDatabase, randomName, testKafka } from '../../support/test-context.js';
import { accountItem, collect, headerText, intakeTopics, orderRecord, statusEvents } from '../../support/intake-harness.js';
import { fixtureRecord, INVALID_DIRECTORY, jsonFiles, readJson, type InvalidFixture } from '../../unit/core/order/order-records.js';
import { caughtUp, collectRaw, outboxDrained, quickKafka, startWorker, within, type RawRecord } from '../../support/intake-kit.js';

/**
 * Every record of test/support/fixtures/invalid/ goes through the running intake to
 * the dead-letter topic: the original bytes and headers untouched, the reason
 * in headers and in dead_letters, a "rejected" status event where the orderId
 * can be read — and the partition keeps moving.
 */

const { pool } = await createTestDatabase();
const topics = await intakeTopics();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const status = await collect(topics.status, quickKafka());
const dlt = await collectRaw(topics.deadLetter);
const groupId = randomName('intake');
await startWorker(pool, topics, { groupId });

// Headers every fixture record also carries, to prove original headers survive byte for byte:
// a value that is not UTF-8 and a header repeated with two values.
const BINARY_HEADER = Buffer.from([0xff, 0x00, 0xfe, 0x80]);
const extraHeaders = (file: string): IHeaders => ({
  'x-test-fixture': file,
  'x-test-binary': BINARY_HEADER,
  'x-test-hop': ['bss-1', 'gateway-2'],
});

interface Published {
  readonly file: string;
  readonly fixture: InvalidFixture;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly offset: string;
  readonly timestamp: string;
}

// A fixture with limits of its own (a too_large record kept small) needs a worker with those limits: the unit tests cover it.
const files = jsonFiles(INVALID_DIRECTORY).filter((file) => readJson<InvalidFixture>(INVALID_DIRECTORY, file).limits === undefined);
const published: Published[] = [];
const VALID = { orderId: randomName('after-poison'), account: 'afterpoison' };
let startedAt = '';
let settledAt = '';

function rejectedEventId(p: Published): string {
  return `rejected/${topics.orders}/0/${p.offset}`;
}

const hexOrNull = (b: Buffer | null): string | null => b?.toString('hex') ?? null;

/** The value as bytes: kafkajs hands an empty value over as an empty Buffer and a tombstone as null. */
function bytes(value: Buffer | null): string {
  return value === null ? 'null' : value.toString('hex');
}

function dltRecordOf(p: Pick<Published, 'file' | 'offset'>): RawRecord {
  const matches = dlt.received.filter((r) => headerText(r.headers, DLT_HEADERS.originalOffset) === p.offset);
  assert.equal(matches.length, 1, `${p.file}: one dead-letter record for offset ${p.offset}`);
  return matches[0]!;
}

function asBuffers(value: IHeaders[string]): Buffer[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v)));
}

describe('dead letters: every invalid fixture through the running intake', () => {
  before(async () => {
    startedAt = new Date().toISOString();
    // All on partition 0, in file order, one send each (so each offset is known), then a valid order last:
    // it is accepted only if no poison record stalled the partition.
    for (const file of files) {
      const fixture = readJson<InvalidFixture>(INVALID_DIRECTORY, file);
      const record = fixtureRecord(fixture);
      const value = record.value === null ? null : Buffer.from(record.value);
      const key = fixture.headers.ce_subject ?? null;
      const headers: IHeaders = { ...fixture.headers, ...extraHeaders(file) };
      const timestamp = String(Date.now());
      const [meta] = await producer.send({ topic: topics.orders, messages: [{ partition: 0, key, value, headers, timestamp }] });
      assert.equal(meta?.partition, 0);
      published.push({ file, fixture, key, value, headers, offset: meta.baseOffset ?? '', timestamp });
    }
    await producer.send({
      topic: topics.orders,
      messages: [{ ...orderRecord({ ...VALID, items: [accountItem(VALID.account)] }), partition: 0 }],
    });

    const expectedIds = published.filter((p) => p.fixture.expect.orderId !== undefined).map(rejectedEventId);
    await within(
      dlt.waitFor((all) => all.length >= published.length),
      30_000,
      `${published.length} dead-letter records`,
    );
    await within(
      status.waitFor((all) => {
        const ids = new Set(statusEvents(all).map((e) => e.id));
        return expectedIds.every((id) => ids.has(id)) && ids.has(`${VALID.orderId}:2`);
      }),
      30_000,
      'the rejected status events and the valid order completion',
    );
    await outboxDrained(pool);
    await caughtUp(status, topics.status);
    await caughtUp(dlt, topics.deadLetter);
    settledAt = new Date().toISOString();
  });

  it('publishes every fixture, the large one included', () => {
    assert.equal(published.length, files.length);
    assert.ok(files.includes('too-many-numbers.json'));
    const large = published.find((p) => p.file === 'too-many-numbers.json');
    assert.ok((large?.value?.length ?? 0) > 300_000, 'the 10,001-number order went through the broker');
  });

  for (const file of files) {
    it(`${file}: dead-lettered with its original bytes, headers and every reason`, async () => {
      const p = published.find((x) => x.file === file);
      assert.ok(p, `${file} was published`);
      const { expect } = p.fixture;
      const record = dltRecordOf(p);

      assert.equal(bytes(record.value), bytes(p.value), 'the value, byte for byte');
      assert.equal(hexOrNull(record.rawKey), hexOrNull(p.key === null ? null : Buffer.from(p.key)), 'the key, byte for byte');
      for (const [name, value] of Object.entries(p.headers)) {
        assert.deepEqual(asBuffers(record.headers[name]), asBuffers(value), `original header ${name}`);
      }

      const h = (name: string) => headerText(record.headers, name);
      assert.equal(h(DLT_HEADERS.originalTopic), topics.orders);
      assert.equal(h(DLT_HEADERS.originalPartition), '0');
      assert.equal(h(DLT_HEADERS.originalOffset), p.offset);
      assert.equal(h(DLT_HEADERS.originalTimestamp), new Date(Number(p.timestamp)).toISOString());
      assert.equal(h(DLT_HEADERS.originalConsumerGroup), groupId);
      assert.equal(h(DLT_HEADERS.errorCode), expect.codes[0]);
      const violations = JSON.parse(h(DLT_HEADERS.violations) ?? 'null') as Array<{ code: string; path: string; message: string }>;
      assert.deepEqual(
        [...new Set(violations.map((v) => v.code))].sort(),
        [...expect.codes].sort(),
        'every reason in the violations header',
      );
      for (const v of violations) assert.ok(v.message.length > 0, `${v.code} says why`);
      const message = h(DLT_HEADERS.exceptionMessage) ?? '';
      assert.ok(message.length > 0, 'an exception message');
      if (violations.length === 1) assert.equal(message, violations[0]?.message);
      const failedAt = h(DLT_HEADERS.failedAt) ?? '';
      assert.ok(failedAt >= startedAt && failedAt <= settledAt, `failed-at ${failedAt} within the test`);
      assert.equal(h(DLT_HEADERS.orderId), expect.orderId, 'the order id header when the orderId is readable, none otherwise');

      const { rows } = await pool.query<{
        error_code: string;
        error_message: string;
        violations: Array<{ code: string }>;
        order_id: string | null;
        account_name: string | null;
        consumer_group: string;
        value: Buffer | null;
        message_key: Buffer | null;
      }>(
        `SELECT error_code, error_message, violations, order_id, account_name, consumer_group, value, message_key
           FROM dead_letters WHERE source_topic = $1 AND source_partition = 0 AND source_offset = $2`,
        [topics.orders, p.offset],
      );
      assert.equal(rows.length, 1, 'one dead_letters row');
      const row = rows[0]!;
      assert.equal(row.error_code, expect.codes[0]);
      assert.equal(row.error_message, message);
      assert.deepEqual([...new Set(row.violations.map((v) => v.code))].sort(), [...expect.codes].sort());
      assert.equal(row.order_id, expect.orderId ?? null);
      if (expect.account !== undefined) assert.equal(row.account_name, expect.account);
      assert.equal(row.consumer_group, groupId);
      assert.equal(bytes(row.value), bytes(p.value), 'the stored value, byte for byte');
      assert.equal(row.message_key?.toString() ?? null, p.key);

      const events = statusEvents(status.received).filter((e) => e.id === rejectedEventId(p));
      if (expect.orderId === undefined) {
        assert.equal(events.length, 0);
        return;
      }
      assert.equal(events.length, 1, 'one rejected status event');
      const event = events[0]!;
      assert.equal(event.data.orderId, expect.orderId);
      assert.equal(event.data.state, 'rejected');
      assert.equal(event.data.previousState, null);
      if (expect.account !== undefined) assert.equal(event.data.account, expect.account);
      assert.deepEqual(
        [...new Set((event.data.violations ?? []).map((v) => v.code))].sort(),
        [...expect.codes].sort(),
        'the event names every violation',
      );
    });
  }

  it('sends a rejected status event only for the fixtures whose orderId is readable', () => {
    const withOrderId = published.filter((p) => p.fixture.expect.orderId !== undefined);
    const rejected = statusEvents(status.received).filter((e) => e.data.state === 'rejected');
    assert.deepEqual(rejected.map((e) => e.id).sort(), withOrderId.map(rejectedEventId).sort());
    assert.ok(withOrderId.length < published.length, 'some fixtures have no readable orderId');
  });

  it('never stalls the partition: the valid order published after them all is accepted', async () => {
    const events = statusEvents(status.received).filter((e) => e.data.orderId === VALID.orderId);
    assert.deepEqual(
      events.map((e) => [e.id, e.data.state]),
      [
        [`${VALID.orderId}:1`, 'acknowledged'],
        [`${VALID.orderId}:2`, 'completed'],
      ],
    );
    const { rows } = await pool.query<{ source_offset: string }>('SELECT source_offset::text FROM orders WHERE order_id = $1', [
      VALID.orderId,
    ]);
    assert.equal(rows[0]?.source_offset, String(published.length), 'the valid order came after every poison record on partition 0');
    assert.equal(dlt.received.length, published.length, 'nothing but the fixtures was dead-lettered');
  });

  // Known bug, kept visible: the outbox stores a dead letter's key as text (outbox.message_key
  // text, write-intake.ts: r.key?.toString('utf8')), so key bytes that are not UTF-8 come out
  // replaced by U+FFFD. dead_letters.message_key (bytea) keeps them.
  it('keeps a key that is not UTF-8 byte for byte', async () => {
    const key = Buffer.from([0xff, 0xfe, 0x41]);
    const [meta] = await producer.send({
      topic: topics.orders,
      messages: [{ partition: 0, key, value: 'not json', headers: { ce_specversion: '1.0', 'content-type': 'application/json' } }],
    });
    const offset = meta?.baseOffset ?? '';
    await within(
      dlt.waitFor((all) => all.some((r) => headerText(r.headers, DLT_HEADERS.originalOffset) === offset)),
      30_000,
      'the binary-key record on the dead-letter topic',
    );
    const { rows } = await pool.query<{ message_key: Buffer }>(
      'SELECT message_key FROM dead_letters WHERE source_topic = $1 AND source_offset = $2',
      [topics.orders, offset],
    );
    assert.equal(hexOrNull(rows[0]?.message_key ?? null), key.toString('hex'), 'dead_letters keeps the key');
    assert.equal(
      hexOrNull(dltRecordOf({ file: 'binary key', offset }).rawKey),
      key.toString('hex'),
      'the dead-letter record keeps the key',
    );
  });
});
