import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTestDatabase, randomName, silentLogger } from '../../support/test-context.js';
import { startTestWorker, workerTopics } from '../../support/test-worker.js';

/** The production worker's composition: the lookup index runs where the read API answers, and /v1/lookup reads it. */

const TOKEN = 'lookup-worker-token-0123456789';
const { url, pool } = await createTestDatabase();
// Written before the worker starts: only the index's full load can know it.
await pool.query(`INSERT INTO accounts (name, last_order_id, last_requested_at) VALUES ('preloaded', 'seed', now())`);
await pool.query(
  `INSERT INTO numbers (telephone_number, account_name, service_details, custom_sip_header, last_order_id, last_requested_at)
   VALUES ('+14255550177', 'preloaded', '{"teamsOperatorConnect": {"enabled": true}}', 'pre-1', 'seed', now())`,
);

const { base } = await startTestWorker(
  { DATABASE_URL: url, ...workerTopics(randomName('lookupworker')).env, RECONCILER_ENABLED: 'false', READ_API_TOKENS: TOKEN },
  silentLogger(),
);

describe('the worker runs the lookup index', () => {
  it('reports it ready once loaded and answers /v1/lookup from it', async () => {
    const ready = (await (await fetch(`${base}/readyz`)).json()) as { checks: Array<{ name: string; ok: boolean }> };
    assert.deepEqual(
      ready.checks.find((c) => c.name === 'lookup-index'),
      { name: 'lookup-index', ok: true },
    );
    const res = await fetch(`${base}/v1/lookup?direction=from-operator&calling=anonymous&called=+14255550177`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(body.header, { name: 'X-MS-Operator-Content', value: 'pre-1' });
    assert.equal(body.account, 'preloaded');
  });
});
