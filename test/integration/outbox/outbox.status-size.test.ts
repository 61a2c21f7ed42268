import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ordersCommand } from '../../../src/app/cli/commands/inspect-commands.js';
import { statusEventValue, type StatusEventData } from '../../../src/core/status/index.js';
import { createOutboxRelay, type ParkedOutboxRow } from '../../../src/outbox/index.js';
import { Secret } from '../../../src/platform/config/secret.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';
import { collectRaw, within } from '../../support/intake-kit.js';
import { collect, intakeTopics, orderRecord, startIntake, statusEvents } from '../../support/intake-harness.js';
import { captureIo } from '../../support/ops.js';
import { insertStatusEvents, STATUS_SOURCE, statusData } from '../../support/outbox-kit.js';
import { account, numbersItem, ocNumber, setUp, TENANT_US } from '../../support/reconciler.js';
import { statusSchemaErrors } from '../../support/status-schema.js';
import {
  capturingLogger,
  connectedProducer,
  createTestDatabase,
  createTopics,
  onCleanup,
  silentLogger,
  testConfig,
  testKafka,
} from '../../support/test-context.js';

/**
 * Status events respect STATUS_EVENT_MAX_BYTES (Event Hubs: 1 MB a record):
 * a large order's event carries counts per state instead of its per-number
 * results, still validates against schemas/status.v1.json, and its link
 * (the read API's /v1/orders/{orderId}/numbers, `flowthrough orders show
 * --json`) gives every per-number result. An event too large even summarised
 * is parked by the relay, saying why, never lost.
 */

const MAX_BYTES = 65_536;
const READ_TOKEN = 'status-size-read-token-0123';
const TERMINAL = ['completed', 'partial', 'failed'];

interface OrderNumber {
  readonly itemId: string;
  readonly telephoneNumber: string;
  readonly state: string;
}

async function readApi(pool: import('pg').Pool): Promise<(path: string) => Promise<Record<string, unknown>>> {
  const server = new HttpServer(silentLogger());
  for (const r of createReadApiRoutes({ readApi: { tokens: [new Secret(READ_TOKEN)], maxPageSize: 1_000, publicUrl: null } }, { pool }))
    server.route(r);
  const port = await server.listen(0, '127.0.0.1');
  onCleanup(() => server.close());
  return async (path: string) => {
    const url = path.startsWith('http') ? path : `http://127.0.0.1:${port}${path}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${READ_TOKEN}` } });
    assert.equal(response.status, 200, path);
    return (await response.json()) as Record<string, unknown>;
  };
}

describe('status events under STATUS_EVENT_MAX_BYTES', () => {
  it('summarise a large order: counts and a link instead of numbers, valid against the schema; the link gives every result', async (t) => {
    const s = await setUp(t);
    const env = { STATUS_EVENT_MAX_BYTES: String(MAX_BYTES) };
    const topics = await intakeTopics(1);
    const status = await collect(topics.status);
    await startIntake(s.pool, topics, { overrides: env });
    const { reconciler } = s.reconciler({ ...env, STATUS_TOPIC: topics.status, STATUS_EVENT_SOURCE: STATUS_SOURCE });
    await reconciler.start();
    const producer = await connectedProducer();

    const orderId = 'ORD-large-1';
    const big = Array.from({ length: 1_500 }, (_, i) => `+1425${String(7_000_000 + i)}`);
    const small = ['+14258880001', '+14258880002', '+14258880003'];
    const items = [
      account('bigco', TENANT_US),
      numbersItem(
        big.map((n) => ocNumber(n)),
        'big',
      ),
      numbersItem(
        small.map((n) => ocNumber(n)),
        'small',
      ),
    ];
    await producer.send({ topic: topics.orders, messages: [orderRecord({ orderId, account: 'bigco', items })] });

    const events = (): StatusEventData[] =>
      statusEvents(status.received)
        .filter((e) => e.data.orderId === orderId)
        .map((e) => e.data);
    await within(
      status.waitFor(() => events().some((e) => TERMINAL.includes(e.state))),
      120_000,
      `the terminal status event of ${orderId}`,
    );

    // Every event of the order on the topic is within the limit and valid; the terminal one is summarised.
    const records = status.received.filter((r) => r.headers.ce_subject?.toString() === orderId);
    assert.ok(records.length >= 2, 'acknowledged and terminal');
    for (const r of records) assert.ok((r.value?.length ?? 0) <= MAX_BYTES, `${r.value?.length} bytes`);
    for (const e of events()) assert.deepEqual(statusSchemaErrors(e), [], e.state);
    const terminal = events().find((e) => TERMINAL.includes(e.state)) as StatusEventData;
    assert.equal(terminal.state, 'completed');
    const bigItem = terminal.items.find((i) => i.id === 'big');
    assert.equal(bigItem?.numbers, undefined);
    assert.deepEqual(bigItem?.numberCounts, { pending: 0, succeeded: 1_500, failed: 0, held: 0, superseded: 0 });
    const smallItem = terminal.items.find((i) => i.id === 'small');
    assert.deepEqual(
      smallItem?.numbers?.map((n) => [n.telephoneNumber, n.state]),
      small.map((n) => [n, 'succeeded']),
      'the smaller array fits, so it stays',
    );
    assert.deepEqual(terminal.numbersOmitted, {
      maxBytes: MAX_BYTES,
      readApiPath: `/v1/orders/${orderId}/numbers`,
      command: `flowthrough orders show ${orderId} --json`,
    });

    // The read API link, page by page (nextLink), gives every per-number result with the states the counts count.
    const get = await readApi(s.pool);
    const listed: OrderNumber[] = [];
    let next: string | undefined = `${terminal.numbersOmitted?.readApiPath}?maxpagesize=400`;
    while (next !== undefined) {
      const page = await get(next);
      listed.push(...(page.value as OrderNumber[]));
      next = page.nextLink as string | undefined;
    }
    assert.equal(listed.length, big.length + small.length);
    assert.deepEqual(
      listed
        .filter((n) => n.itemId === 'big')
        .map((n) => n.telephoneNumber)
        .sort(),
      [...big].sort(),
    );
    assert.ok(listed.every((n) => n.state === 'succeeded'));
    assert.equal(
      new Set(listed.map((n) => `${n.telephoneNumber}/${(n as unknown as { service: string }).service}`)).size,
      listed.length,
      'no row twice',
    );

    // The CLI command lists them all too.
    const io = captureIo();
    assert.equal(await ordersCommand(['show', orderId, '--json'], testConfig({ DATABASE_URL: s.db.url }), io), 0, io.err());
    const shown = JSON.parse(io.out()) as { numbers: Array<{ itemId: string; outcome: string }>; numberOutcomes: Record<string, number> };
    assert.equal(shown.numbers.length, big.length + small.length);
    assert.deepEqual(shown.numberOutcomes, { succeeded: big.length + small.length });
  });

  it('the relay summarises a row written whole under a higher limit, and parks one too large even summarised at once, saying why; the rest flow', async () => {
    const { pool } = await createTestDatabase();
    const [topic] = (await createTopics(['status.size'], 1)) as [string];
    const collector = await collectRaw(topic);
    // Thousands of violations: no per-number results to drop, far over the limit.
    const huge: StatusEventData = {
      ...statusData('ORD-huge', 'rejected'),
      violations: Array.from({ length: 2_000 }, (_, i) => ({
        code: 'invalid_value',
        path: `/items/${i}/id`,
        message: 'not a valid item id',
      })),
    };
    assert.ok(!statusEventValue(huge, MAX_BYTES).fits);
    // Written with no limit (as before STATUS_EVENT_MAX_BYTES was lowered): 2,000 per-number results, over it.
    const numbers = Array.from({ length: 2_000 }, (_, i) => ({
      telephoneNumber: `+1425${String(6_000_000 + i)}`,
      state: 'succeeded' as const,
    }));
    const whole: StatusEventData = {
      ...statusData('ORD-old', 'completed'),
      previousState: 'inProgress',
      items: [{ id: 'numbers', action: 'upsert', resource: 'numbers', state: 'completed', numbers }],
    };
    assert.ok(statusEventValue(whole, Number.POSITIVE_INFINITY).bytes > MAX_BYTES);
    await insertStatusEvents(pool, topic, [
      [{ id: 'ORD-huge:1', data: huge }],
      [{ id: 'ORD-old:2', data: whole }],
      [{ id: 'ORD-after:1', data: statusData('ORD-after', 'acknowledged') }],
    ]);

    const parked: ParkedOutboxRow[] = [];
    let announce: () => void = () => undefined;
    const parkedOne = new Promise<void>((resolve) => {
      announce = resolve;
    });
    const { logger, lines } = capturingLogger({ level: 'info' });
    const config = testConfig({
      STATUS_EVENT_SOURCE: STATUS_SOURCE,
      OUTBOX_POLL_INTERVAL_MS: '50',
      STATUS_EVENT_MAX_BYTES: String(MAX_BYTES),
    });
    const relay = createOutboxRelay(
      config,
      { kafka: testKafka(), pool, logger },
      {
        onParked: (rows) => {
          parked.push(...rows);
          announce();
        },
      },
    );
    onCleanup(() => relay.stop());
    await relay.start();
    await within(parkedOne, 60_000, 'the oversized event to be parked');
    await within(
      collector.waitFor((all) => all.length >= 2),
      60_000,
      'the events behind it',
    );

    assert.equal(parked.length, 1);
    assert.deepEqual(parked[0]?.eventIds, ['ORD-huge:1']);
    assert.equal(parked[0]?.attempts, 1, 'parked at once, not after OUTBOX_MAX_ATTEMPTS');
    assert.match(parked[0]?.error ?? '', /^status_event_too_large: a status event of \d+ bytes exceeds STATUS_EVENT_MAX_BYTES \(65536\)/);
    const line = lines.find((l) => l.includes('status_event_too_large'));
    assert.ok(line, 'an error is logged');
    assert.match(line, /"level":50/);
    assert.match(line, /raise STATUS_EVENT_MAX_BYTES/);
    assert.match(line, /flowthrough outbox retry/);
    // The events behind it reached the topic, the one written whole summarised on the way out.
    const published = collector.received.map((r) => JSON.parse(r.value?.toString('utf8') ?? 'null') as StatusEventData);
    assert.deepEqual(
      published.map((e) => e.orderId),
      ['ORD-old', 'ORD-after'],
    );
    assert.ok((collector.received[0]?.value?.length ?? 0) <= MAX_BYTES);
    assert.deepEqual(published[0]?.items[0]?.numberCounts, { pending: 0, succeeded: 2_000, failed: 0, held: 0, superseded: 0 });
    assert.equal(published[0]?.numbersOmitted?.readApiPath, '/v1/orders/ORD-old/numbers');
    assert.deepEqual(statusSchemaErrors(published[0]), []);
    const { rows } = await pool.query<{ parked: boolean }>(
      `SELECT parked_at IS NOT NULL AS parked FROM outbox WHERE order_id = 'ORD-huge' AND published_at IS NULL`,
    );
    assert.deepEqual(rows, [{ parked: true }]);
  });
});
