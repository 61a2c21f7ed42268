import pg from 'pg';
import type { NumberRow } from './order-generator.js';
import { perSecond } from './stats.js';

/**
 * The PostgreSQL ceiling of the intake's number writes: batched
 * `INSERT … SELECT FROM unnest(…) ON CONFLICT DO UPDATE` into a table shaped
 * exactly like `numbers` (same columns, defaults, primary key and indexes),
 * one statement (one commit) per batch of de-duplicated keys, on one or more
 * connections at once. No orders, no outbox, no validation.
 */

export const RAW_UPSERT_TABLE = 'bench_numbers_raw';

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function checkedTable(table: string): string {
  if (!IDENTIFIER.test(table)) throw new Error(`raw upsert table ${JSON.stringify(table)}: must be a plain lower-case identifier`);
  return table;
}

/** A scratch twin of `numbers` in the bench database (LIKE … INCLUDING ALL: defaults, keys, indexes). */
export async function prepareRawUpsertTable(pool: pg.Pool, table = RAW_UPSERT_TABLE): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS ${checkedTable(table)} (LIKE numbers INCLUDING ALL)`);
}

/** The batched upsert: one row per element of six parallel arrays (see planUpsertBatches). */
export function upsertStatement(table: string): string {
  return `
    INSERT INTO ${checkedTable(table)} (telephone_number, account_name, service_details, custom_sip_header, last_order_id, last_requested_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::text[], $5::text[], $6::timestamptz[])
    ON CONFLICT (telephone_number) DO UPDATE SET
      account_name      = EXCLUDED.account_name,
      service_details   = EXCLUDED.service_details,
      custom_sip_header = EXCLUDED.custom_sip_header,
      last_order_id     = EXCLUDED.last_order_id,
      last_requested_at = EXCLUDED.last_requested_at,
      deleted_at        = NULL,
      updated_at        = now()`;
}

export interface RawUpsertOptions {
  readonly databaseUrl: string;
  readonly rows: readonly NumberRow[];
  /** Connections writing at once; rows are split among them by account, as Kafka partitions split them. */
  readonly connections: number;
  /** Rows per statement before de-duplication. */
  readonly batchSize: number;
  readonly table?: string;
}

export interface RawUpsertResult {
  readonly rows: number;
  readonly batches: number;
  readonly connections: number;
  readonly batchSize: number;
  readonly elapsedMs: number;
  readonly rowsPerSec: number;
}

/** Six parallel arrays, the statement's $1…$6. */
export type UpsertColumns = [string[], string[], string[], (string | null)[], string[], string[]];

/** FNV-1a: a stable spread of accounts over connections (the account is the Kafka key). */
function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/** Splits rows into per-connection lists of batches, each de-duplicated on telephone_number (last wins). */
export function planUpsertBatches(rows: readonly NumberRow[], connections: number, batchSize: number): UpsertColumns[][] {
  const shards: NumberRow[][] = Array.from({ length: connections }, () => []);
  for (const row of rows) shards[shardOf(row.accountName, connections)]?.push(row);
  return shards.map((shard) => {
    const batches: UpsertColumns[] = [];
    for (let start = 0; start < shard.length; start += batchSize) {
      const unique = new Map<string, NumberRow>();
      for (const row of shard.slice(start, start + batchSize)) {
        unique.delete(row.telephoneNumber);
        unique.set(row.telephoneNumber, row);
      }
      const columns: UpsertColumns = [[], [], [], [], [], []];
      for (const row of unique.values()) {
        columns[0].push(row.telephoneNumber);
        columns[1].push(row.accountName);
        columns[2].push(row.serviceDetails);
        columns[3].push(row.customSipHeader);
        columns[4].push(row.lastOrderId);
        columns[5].push(row.lastRequestedAt);
      }
      batches.push(columns);
    }
    return batches;
  });
}

/** Empties the table, then times writing every row; checks the count afterwards and empties it again. */
export async function measureRawUpsert(options: RawUpsertOptions): Promise<RawUpsertResult> {
  const table = checkedTable(options.table ?? RAW_UPSERT_TABLE);
  const { connections, batchSize } = options;
  if (!(Number.isInteger(connections) && connections >= 1 && connections <= 64))
    throw new RangeError(`raw upsert connections ${connections}: must be 1–64`);
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`raw upsert batch size ${batchSize}: must be ≥ 1`);
  const plan = planUpsertBatches(options.rows, connections, batchSize);
  const expected = new Set(options.rows.map((r) => r.telephoneNumber)).size;
  const text = upsertStatement(table);
  const name = `bench_upsert_${table}`;
  const clients = Array.from(
    { length: connections },
    () => new pg.Client({ connectionString: options.databaseUrl, application_name: 'flowthrough-bench-upsert' }),
  );
  try {
    await Promise.all(clients.map((c) => c.connect()));
    const first = clients[0] as pg.Client;
    await first.query(`TRUNCATE ${table}`);
    const started = performance.now();
    await Promise.all(
      plan.map(async (batches, i) => {
        const client = clients[i] as pg.Client;
        for (const values of batches) await client.query({ name, text, values });
      }),
    );
    const elapsedMs = performance.now() - started;
    const { rows } = await first.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    if (rows[0]?.n !== expected) throw new Error(`raw upsert: ${table} holds ${rows[0]?.n} rows, expected ${expected}`);
    await first.query(`TRUNCATE ${table}`);
    return {
      rows: expected,
      batches: plan.reduce((sum, b) => sum + b.length, 0),
      connections,
      batchSize,
      elapsedMs,
      rowsPerSec: perSecond(expected, elapsedMs),
    };
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  }
}
