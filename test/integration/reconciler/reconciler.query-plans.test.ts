import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as sql from '../../../src/reconciler/sql.js';
import { createTestDatabase } from '../../support/test-context.js';

/**
 * The planner's writes find each work row through its key even on a
 * table without statistics: the intake fills order_item_numbers faster than
 * autovacuum analyses it, and the first planning pass runs right then. With
 * the unplanned test inside the lookup, PostgreSQL took the partial
 * (service, outcome) index instead, a scan of every open row per number:
 * 3.2 s for the first 1,000 numbers of the flow-through benchmark.
 */

const { pool } = await createTestDatabase();
const ROWS = 50_000;
const numbers = Array.from({ length: ROWS }, (_, i) => `+1425${String(i).padStart(7, '0')}`);
// Filled in one statement and never analysed, as the intake leaves it.
await pool.query(
  `INSERT INTO order_item_numbers (order_id, item_id, telephone_number, service, operation)
   SELECT 'order-' || (i / 50), 'numbers', n, 'teamsOperatorConnect', 'upload' FROM unnest($1::text[]) WITH ORDINALITY AS u(n, i)`,
  [numbers],
);

async function indexesUsed(statement: string, params: unknown[]): Promise<string[]> {
  const { rows } = await pool.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statement}`, params);
  const names: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (typeof record['Index Name'] === 'string' && record['Relation Name'] === 'order_item_numbers') names.push(record['Index Name']);
      if (record['Relation Name'] === 'order_item_numbers' && record['Node Type'] === 'Seq Scan') names.push('(seq scan)');
      Object.values(record).forEach(walk);
    }
  };
  walk(rows[0]?.['QUERY PLAN']);
  return names;
}

/** A lookup per row through an index that starts with its key columns; never the open rows' index, never a scan. */
function assertPerRowLookup(used: readonly string[]): void {
  assert.ok(used.length > 0, 'order_item_numbers is read');
  for (const index of used)
    assert.ok(['order_item_numbers_pkey', 'order_item_numbers_by_number'].includes(index), `looked up through ${used.join(', ')}`);
}

describe('work rows are found through their key on a table without statistics', () => {
  const picked = numbers.slice(0, 1_000);
  const orders = picked.map((_, i) => `order-${Math.floor((i + 1) / 50)}`);
  const services = picked.map(() => 'teamsOperatorConnect');

  it('deciding rows without a call (DECIDE_UNPLANNED_ROWS)', async () => {
    const text = picked.map(() => null);
    const used = await indexesUsed(sql.DECIDE_UNPLANNED_ROWS, [orders, picked, services, picked.map(() => 'superseded'), text, text, text]);
    assertPerRowLookup(used);
  });

  it('linking rows to their operation (WRITE_PLAN)', async () => {
    const none: string[] = [];
    const used = await indexesUsed(sql.WRITE_PLAN, [
      ['tenant'],
      ['teamsOperatorConnect'],
      ['upload'],
      ['hash'],
      [JSON.stringify({ numbers: picked.map((telephoneNumber) => ({ telephoneNumber })) })],
      picked.map(() => 1),
      picked,
      services,
      picked.map(() => null),
      none,
      none,
      none,
      orders,
      picked,
      services,
    ]);
    assertPerRowLookup(used);
  });
});
