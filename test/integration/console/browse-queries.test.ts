import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listOrders } from '../../../src/ops/index.js';
import { accountPage, numberPage, orderPage } from '../../../src/ops/inspect/browse-queries.js';
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
import { connectedProducer, testKafka } from '../../support/test-context.js';
import { createOpsDatabase } from '../../support/ops.js';

/**
 * The console's paged lists (src/ops/inspect/browse-queries.ts) on real
 * PostgreSQL: page by page they give exactly the rows of one unpaged query,
 * in its order, also when many rows share a received_at (one intake chunk).
 */

const { pool } = await createOpsDatabase();
const topics = await intakeTopics();
const producer = await connectedProducer(testKafka());
const status = await collect(topics.status);
await startIntake(pool, topics);

const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
await producer.send({
  topic: topics.orders,
  messages: [
    orderRecord({
      orderId: 'setup',
      account: 'under_score',
      items: [
        accountItem('under_score', { sync: false }),
        numbersItem(['+14255550100', '+14255550101', '+14265550100'].map((n) => ocNumber(n))),
      ],
    }),
    orderRecord({ orderId: 'other', account: 'underXscore', items: [accountItem('underXscore', { sync: false })] }),
    // One send, one partition (one key): one chunk, one transaction, one received_at for all seven.
    ...ids.map((orderId) => orderRecord({ orderId, account: 'under_score', items: [numbersItem([ocNumber('+14255550100')])] })),
  ],
});
await status.waitFor((all) => [...ids, 'setup', 'other'].every((id) => statusEvents(all).some((e) => e.data.orderId === id)));

async function allPages<T>(read: (cursor: string | undefined) => Promise<{ rows: T[]; next: string | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    pages.push(page.rows);
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('console paging queries', () => {
  it('pages orders newest first exactly as the unpaged list orders them, ties on received_at included', async () => {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(DISTINCT received_at)::int AS n FROM orders WHERE order_id = ANY($1::text[])`,
      [ids],
    );
    assert.equal(rows[0]?.n, 1, 'the seven orders share one received_at');
    const pages = await allPages((cursor) => orderPage(pool, { account: 'under_score' }, 3, cursor));
    assert.deepEqual(
      pages.map((p) => p.length),
      [3, 3, 2],
    );
    const unpaged = await listOrders(pool, { account: 'under_score', limit: 100 });
    assert.deepEqual(
      pages.flat().map((o) => o.order_id),
      unpaged.map((o) => o.order_id),
    );
    assert.equal((await orderPage(pool, { state: 'rejected' }, 10)).rows.length, 0);
    assert.equal((await orderPage(pool, {}, 10, 'not-a-cursor')).rows.length, 9, 'a foreign cursor starts from the top');
  });

  it('searches accounts by a literal name prefix (an underscore is not a wildcard), pages them by name', async () => {
    assert.deepEqual(
      (await accountPage(pool, 'under_', 10)).rows.map((a) => a.name),
      ['under_score'],
    );
    // Ordered by the database's collation (where "_" may sort after letters), as the paging compares with it too.
    const both = (await accountPage(pool, 'UNDER', 10)).rows.map((a) => a.name);
    assert.deepEqual([...both].sort(), ['underXscore', 'under_score']);
    const first = await accountPage(pool, undefined, 1);
    const rest = await accountPage(pool, undefined, 10, first.next ?? undefined);
    assert.deepEqual(
      [...first.rows, ...rest.rows].map((a) => a.name),
      both,
      'page by page, the same rows in the same order',
    );
    assert.equal(rest.next, null);
  });

  it('finds numbers by E.164 prefix and by account, a page at a time', async () => {
    assert.deepEqual(
      (await numberPage(pool, { prefix: '+1425' }, 10)).rows.map((n) => n.telephone_number),
      ['+14255550100', '+14255550101'],
    );
    const first = await numberPage(pool, { account: 'under_score' }, 2);
    assert.equal(first.next, '+14255550101');
    assert.deepEqual(
      (await numberPage(pool, { account: 'under_score' }, 2, first.next ?? undefined)).rows.map((n) => n.telephone_number),
      ['+14265550100'],
    );
  });
});
