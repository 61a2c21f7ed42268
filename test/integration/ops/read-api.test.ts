import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { Secret } from '../../../src/platform/config/secret.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';
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
import { onCleanup, silentLogger, testKafka } from '../../support/test-context.js';
import { createOpsDatabase } from '../../support/ops.js';

const TOKEN = 'read-api-token-0123456789';
const swagger = JSON.parse(
  readFileSync(new URL('../../support/fixtures/acg-swagger-2024-02-29-preview.json', import.meta.url), 'utf8'),
) as { definitions: Record<string, unknown> };

// OpenAPI 2 schemas are draft-04 with x-ms-* extensions: compiled by a lenient
// draft-07 ajv (the keywords used here mean the same in both), formats known.
const ajv = new Ajv.default({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const f of ['int32', 'int64']) ajv.addFormat(f, { type: 'number', validate: (n: number) => Number.isInteger(n) });
const schema = (name: string) => ajv.compile({ definitions: swagger.definitions, $ref: `#/definitions/${name}` });
const validators = {
  AccountResource: schema('AccountResource'),
  NumberResource: schema('NumberResource'),
  PagedAccountResource: schema('PagedAccountResource'),
  PagedNumberResource: schema('PagedNumberResource'),
};

function assertValid(name: keyof typeof validators, body: unknown): void {
  const validate = validators[name];
  assert.ok(validate(body), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body, null, 1)}`);
}

const { pool } = await createOpsDatabase();
const topics = await intakeTopics();
const producer = testKafka().producer();
await producer.connect();
onCleanup(() => producer.disconnect());
const status = await collect(topics.status);
await startIntake(pool, topics);

const drConfig = { callScreening: true, subdomain: 'beta', subdomainTokens: { region1Token: 'tok1', region2Token: 'tok2' } };
const alphaNumbers = Array.from({ length: 5 }, (_, i) => `+1425555100${i}`);
const seed = [
  orderRecord({
    orderId: 'seed-alpha',
    account: 'alpha',
    items: [
      {
        ...accountItem('alpha'),
        account: {
          name: 'alpha',
          correlationId: 'CRM-1',
          serviceDetails: {
            teamsTenantId: '3f2b6c1e-8d4a-4e7b-9c5d-1a2b3c4d5e6f',
            teamsOperatorConnect: { enabled: true, syncEnabled: true },
            teamsDirectRouting: { enabled: true, syncEnabled: false },
          },
        },
      },
      numbersItem(alphaNumbers.map((n) => ocNumber(n))),
      numbersItem(
        [
          {
            telephoneNumber: '+14255552000',
            serviceDetails: { teamsDirectRouting: { enabled: true } },
            configuration: { customSipHeader: 'alpha-hq' },
          },
        ],
        'dr',
      ),
    ],
  }),
  orderRecord({
    orderId: 'seed-beta',
    account: 'beta',
    items: [
      {
        id: 'account',
        action: 'upsert',
        resource: 'account',
        account: {
          name: 'beta',
          serviceDetails: {
            teamsDirectRouting: { enabled: true, syncEnabled: false, configuration: drConfig },
            zoomPhoneCloudPeering: { enabled: true, syncEnabled: false },
          },
        },
      },
    ],
  }),
  ...['gamma', 'delta', 'epsilon'].map((name) =>
    orderRecord({ orderId: `seed-${name}`, account: name, items: [accountItem(name, { sync: false })] }),
  ),
];
await producer.send({ topic: topics.orders, messages: seed });
await status.waitFor((all) =>
  ['seed-alpha', 'seed-beta', 'seed-gamma', 'seed-delta', 'seed-epsilon'].every((id) =>
    statusEvents(all).some((e) => e.data.orderId === id && e.data.state !== 'acknowledged'),
  ),
);
// The reconciler's word on one number: failed at the backend.
await pool.query(
  `UPDATE order_item_numbers SET outcome = 'failed', error_code = 'NumberNotAvailable', message = 'the number is held by another operator', updated_at = now() WHERE telephone_number = $1`,
  [alphaNumbers[0]],
);
// And on another: uploaded.
await pool.query(`UPDATE order_item_numbers SET outcome = 'succeeded', updated_at = now() WHERE telephone_number = $1`, [alphaNumbers[1]]);

async function serve(tokens: string[], maxPageSize = 100, publicUrl: string | null = null): Promise<string> {
  const server = new HttpServer(silentLogger());
  for (const r of createReadApiRoutes({ readApi: { tokens: tokens.map((t) => new Secret(t)), maxPageSize, publicUrl } }, { pool }))
    server.route(r);
  const port = await server.listen(0, '127.0.0.1');
  onCleanup(() => server.close());
  return `http://127.0.0.1:${port}`;
}

const base = await serve([TOKEN, 'second-token-abcdefghij']);
const auth = { authorization: `Bearer ${TOKEN}` };

async function get(path: string, headers: Record<string, string> = auth) {
  const response = await fetch(`${base}${path}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('read API authentication', () => {
  it('answers 401 without a bearer token, 403 with a wrong one, 200 with either configured token', async () => {
    const none = await get('/v1/accounts', {});
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="flowthrough"');
    assert.deepEqual(Object.keys(none.body.error as object).sort(), ['code', 'message']);
    assert.equal((await get('/v1/accounts', { authorization: 'Basic abc' })).status, 401);
    const wrong = await get('/v1/accounts', { authorization: 'Bearer not-the-token-at-all' });
    assert.equal(wrong.status, 403);
    assert.equal((wrong.body.error as { code: string }).code, 'Forbidden');
    assert.equal((await get('/v1/accounts', { authorization: 'Bearer second-token-abcdefghij' })).status, 200);
  });

  it('is off (404) when no token is configured', async () => {
    const off = await serve([]);
    const response = await fetch(`${off}/v1/accounts`, { headers: auth });
    assert.equal(response.status, 404);
  });
});

describe('read API resources', () => {
  it('pages accounts with maxpagesize and an opaque nextLink, every page valid against PagedAccountResource', async () => {
    const names: string[] = [];
    let path: string | undefined = '/v1/accounts?maxpagesize=2';
    let pages = 0;
    while (path) {
      const page = await get(path);
      assert.equal(page.status, 200);
      assertValid('PagedAccountResource', page.body);
      const value = page.body.value as Array<{ name: string }>;
      assert.ok(value.length <= 2);
      names.push(...value.map((a) => a.name));
      const next = page.body.nextLink as string | undefined;
      path = next ? new URL(next).pathname + new URL(next).search : undefined;
      pages++;
    }
    assert.deepEqual(names, ['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
    assert.equal(pages, 3);
  });

  it("builds nextLink on the request's Host by default, and on READ_API_PUBLIC_URL (scheme and path prefix kept) when set", async () => {
    const direct = await fetch(`${base}/v1/accounts?maxpagesize=2`, { headers: auth });
    assert.ok(((await direct.json()) as { nextLink: string }).nextLink.startsWith(`${base}/v1/accounts?`));
    const proxied = await serve([TOKEN], 100, 'https://api.example.com/provisioning');
    const answer = await fetch(`${proxied}/v1/accounts?maxpagesize=2&api-version=2024-02-29-preview`, { headers: auth });
    const nextLink = ((await answer.json()) as { nextLink: string }).nextLink;
    assert.match(nextLink, /^https:\/\/api\.example\.com\/provisioning\/v1\/accounts\?/);
    assert.equal(new URL(nextLink).searchParams.get('api-version'), '2024-02-29-preview');
  });

  it('rejects a bad maxpagesize or a forged continuation token with 400', async () => {
    assert.equal((await get('/v1/accounts?maxpagesize=0')).status, 400);
    const bad = await get('/v1/accounts?continuationToken=not-ours');
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { code: string }).code, 'InvalidContinuationToken');
  });

  it('shows an account as ACG does, with its provisioning status', async () => {
    const alpha = await get('/v1/accounts/alpha');
    assert.equal(alpha.status, 200);
    assertValid('AccountResource', alpha.body);
    assert.equal(alpha.body.correlationId, 'CRM-1');
    assert.equal(alpha.body.serviceProvisioningStatus, 'pending', 'its order is still in progress');
    assert.deepEqual((alpha.body.serviceDetails as Record<string, unknown>).teamsOperatorConnect, {
      enabled: true,
      syncEnabled: true,
      numberCount: 5,
    });

    const beta = await get('/v1/accounts/beta');
    assertValid('AccountResource', beta.body);
    assert.equal(beta.body.serviceProvisioningStatus, 'synced');
    const dr = (beta.body.serviceDetails as Record<string, { configuration?: unknown; subdomainStatus?: string }>).teamsDirectRouting;
    assert.deepEqual(dr?.configuration, drConfig);
    assert.equal(dr?.subdomainStatus, 'notProvisioned', 'nothing reported by a backend: no DNS provisioned');

    assert.equal((await get('/v1/accounts/nobody')).status, 404);
    assert.equal((await get('/v1/accounts/bad%20name')).status, 400);
  });

  it('shows the subdomainStatus a backend that provisions DNS (ACG) reported', async () => {
    const subdomainStatus = async (): Promise<string | undefined> => {
      const beta = await get('/v1/accounts/beta');
      assertValid('AccountResource', beta.body);
      return (beta.body.serviceDetails as Record<string, { subdomainStatus?: string }>).teamsDirectRouting?.subdomainStatus;
    };
    try {
      await pool.query(`UPDATE accounts SET backend_observed = '{"subdomainStatus": "provisioned"}' WHERE name = 'beta'`);
      assert.equal(await subdomainStatus(), 'provisioned');
      await pool.query(`UPDATE accounts SET backend_observed = '{"subdomainStatus": "inconsistent"}' WHERE name = 'beta'`);
      assert.equal(await subdomainStatus(), 'inconsistent');
      const page = await get('/v1/accounts?maxpagesize=100');
      const listed = (page.body.value as Array<{ name: string; serviceDetails: Record<string, { subdomainStatus?: string }> }>).find(
        (a) => a.name === 'beta',
      );
      assert.equal(listed?.serviceDetails.teamsDirectRouting?.subdomainStatus, 'inconsistent', 'pages say the same');
      await pool.query(`UPDATE accounts SET backend_observed = '{"serviceProvisioningStatus": "pending"}' WHERE name = 'beta'`);
      assert.equal(await subdomainStatus(), 'notProvisioned');
    } finally {
      await pool.query(`UPDATE accounts SET backend_observed = NULL WHERE name = 'beta'`);
    }
  });

  it('pages an account’s numbers; each number reflects its flow-through state', async () => {
    const all: Array<Record<string, unknown>> = [];
    let path: string | undefined = '/v1/accounts/alpha/numbers?maxpagesize=4';
    while (path) {
      const page = await get(path);
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assertValid('PagedNumberResource', page.body);
      all.push(...(page.body.value as Array<Record<string, unknown>>));
      const next = page.body.nextLink as string | undefined;
      path = next ? new URL(next).pathname + new URL(next).search : undefined;
    }
    assert.deepEqual(
      all.map((n) => n.telephoneNumber),
      [...alphaNumbers, '+14255552000'],
    );
    const byNumber = new Map(all.map((n) => [n.telephoneNumber as string, n]));
    assert.equal(byNumber.get(alphaNumbers[0] ?? '')?.serviceProvisioningStatus, 'failed');
    assert.deepEqual(byNumber.get(alphaNumbers[0] ?? '')?.serviceProvisioningErrors, [
      { code: 'NumberNotAvailable', message: 'the number is held by another operator', target: 'teamsOperatorConnect' },
    ]);
    assert.equal(byNumber.get(alphaNumbers[1] ?? '')?.serviceProvisioningStatus, 'synced');
    assert.equal(byNumber.get(alphaNumbers[2] ?? '')?.serviceProvisioningStatus, 'pending');
    assert.equal(byNumber.get('+14255552000')?.serviceProvisioningStatus, 'synced', 'Direct Routing needs no backend work');
    assert.deepEqual(byNumber.get('+14255552000')?.configuration, { customSipHeader: 'alpha-hq' });
    assert.equal((await get('/v1/accounts/nobody/numbers')).status, 404);
  });

  it('shows one number (the plus percent-encoded or not) valid against NumberResource', async () => {
    for (const path of [`/v1/numbers/%2B${alphaNumbers[0]?.slice(1)}`, `/v1/numbers/${alphaNumbers[0]}`]) {
      const n = await get(path);
      assert.equal(n.status, 200);
      assertValid('NumberResource', n.body);
      assert.equal(n.body.accountName, 'alpha');
      assert.equal(n.body.serviceProvisioningStatus, 'failed');
    }
    assert.equal((await get('/v1/numbers/+19999999999')).status, 404);
    assert.equal((await get('/v1/numbers/12345')).status, 400);
  });

  it('shows an order with its items and failed numbers', async () => {
    const order = await get('/v1/orders/seed-alpha');
    assert.equal(order.status, 200);
    assert.equal(order.body.state, 'inProgress');
    assert.deepEqual(
      (order.body.items as Array<{ id: string }>).map((i) => i.id),
      ['account', 'numbers', 'dr'],
    );
    assert.deepEqual(
      (order.body.failedNumbers as Array<{ telephoneNumber: string }>).map((n) => n.telephoneNumber),
      [alphaNumbers[0]],
    );
    assert.equal((await get('/v1/orders/unknown')).status, 404);
  });

  it('pages an order’s per-number results (where a summarised status event links), each with its state, code and message', async () => {
    const listed: Array<Record<string, unknown>> = [];
    let next: string | undefined = '/v1/orders/seed-alpha/numbers?maxpagesize=2';
    while (next !== undefined) {
      const page = await get(next.replace(base, ''));
      assert.equal(page.status, 200, next);
      assert.ok((page.body.value as unknown[]).length <= 2);
      listed.push(...(page.body.value as Array<Record<string, unknown>>));
      next = page.body.nextLink as string | undefined;
    }
    const { rows } = await pool.query<{ telephone_number: string; service: string }>(
      `SELECT telephone_number, service FROM order_item_numbers WHERE order_id = 'seed-alpha' ORDER BY telephone_number, service`,
    );
    assert.ok(rows.length >= alphaNumbers.length);
    assert.deepEqual(
      listed.map((n) => [n.telephoneNumber, n.service]),
      rows.map((r) => [r.telephone_number, r.service]),
    );
    const [failed, succeeded] = [alphaNumbers[0], alphaNumbers[1]].map((t) => listed.find((n) => n.telephoneNumber === t));
    assert.deepEqual(
      { ...failed, updatedAt: undefined },
      {
        itemId: 'numbers',
        telephoneNumber: alphaNumbers[0],
        service: failed?.service,
        operation: failed?.operation,
        state: 'failed',
        errorCode: 'NumberNotAvailable',
        message: 'the number is held by another operator',
        updatedAt: undefined,
      },
    );
    assert.equal(succeeded?.state, 'succeeded');
    assert.equal((await get('/v1/orders/unknown/numbers')).status, 404);
    const forged = Buffer.from(JSON.stringify({ v: 1, a: 'not-a-key', n: 2 })).toString('base64url');
    const bad = await get(`/v1/orders/seed-alpha/numbers?continuationToken=${forged}`);
    assert.equal(bad.status, 400);
    assert.equal((bad.body.error as { code: string }).code, 'InvalidContinuationToken');
  });
});
