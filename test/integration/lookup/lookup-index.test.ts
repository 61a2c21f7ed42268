import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { after, describe, it } from 'node:test';
import type { Producer } from 'kafkajs';
import { LookupIndex, type LookupApplied } from '../../../src/lookup/index.js';
import { Secret } from '../../../src/platform/config/secret.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';
import { intakeTopics, numbersItem, orderRecord, startIntake } from '../../support/intake-harness.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase, onCleanup, silentLogger, testKafka } from '../../support/test-context.js';

/**
 * The call-time lookup on the real write path: orders through Kafka and the
 * intake, notices at commit, the index applying them, lookups over HTTP.
 */

const TOKEN = 'lookup-api-token-0123456789';
const ACCOUNT = 'lookupco';
const OC = '+14255550100';
const DR = '+14255550101';
const MOVING = '+14255550102';

const { pool, url } = await createTestDatabase();
const topics = await intakeTopics();
const producer: Producer = testKafka().producer();
await producer.connect();
onCleanup(() => producer.disconnect());
await startIntake(pool, topics);

// A reconnect after a lost LISTEN connection waits 1–2 s: long enough for the test to change a row unannounced first.
const index = new LookupIndex({ pool, logger: silentLogger(), pageSize: 2, retry: { baseMs: 2_000, capMs: 2_000 } });
await index.start();
onCleanup(() => index.stop());

const server = new HttpServer(silentLogger());
const routes = createReadApiRoutes(
  {
    readApi: {
      tokens: [new Secret(TOKEN)],
      maxPageSize: 100,
      publicUrl: null,
      directRouting: { baseDomain: 'abc123.commsgw.azure.com', regions: 2 },
    },
    customHeaderName: 'X-Test-Header',
  },
  { pool, lookup: index },
);
// Counts the lookups the read API's shortcut answered (a connection that already proved its token), to tell the two ways apart.
let shortcutAnswers = 0;
for (const r of routes) {
  const { shortcut } = r;
  if (!shortcut) {
    server.route(r);
    continue;
  }
  const answer: typeof shortcut.answer = (request, search) => {
    const reply = shortcut.answer(request, search);
    if (reply) shortcutAnswers += 1;
    return reply;
  };
  server.route(Object.assign((request: Parameters<typeof r>[0], u: URL) => r(request, u), { shortcut: { path: shortcut.path, answer } }));
}
const port = await server.listen(0, '127.0.0.1');
onCleanup(() => server.close());
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
after(() => agent.destroy());

function getText(path: string, token: string | null = TOKEN, via: Agent = agent): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, agent: via, headers: token === null ? {} : { authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function get(path: string, token: string | null = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> {
  const { status, text } = await getText(path, token);
  return { status, body: JSON.parse(text) as Record<string, unknown> };
}

const lookup = (called: string, calling = '+12065550199') => get(`/v1/lookup?direction=from-operator&calling=${calling}&called=${called}`);

/** Resolves at the first 'applied' event after which `check` holds (at once if it already does). */
function appliedUntil(check: (event: LookupApplied | null) => boolean): Promise<LookupApplied | null> {
  if (check(null)) return Promise.resolve(null);
  return new Promise((resolve) => {
    const listener = (event: LookupApplied): void => {
      if (!check(event)) return;
      index.off('applied', listener);
      resolve(event);
    };
    index.on('applied', listener);
  });
}

let minute = 0;
/** Publishes an order of the account; each one later than the last (the version guard). */
async function publish(orderId: string, items: unknown[]): Promise<void> {
  minute += 1;
  const requestedAt = new Date(Date.UTC(2026, 10, 29, 10, minute)).toISOString();
  await producer.send({ topic: topics.orders, messages: [orderRecord({ orderId, account: ACCOUNT, requestedAt, items })] });
}

const account = (subdomain: string) => ({
  id: 'account',
  action: 'upsert',
  resource: 'account',
  account: {
    name: ACCOUNT,
    serviceDetails: {
      teamsTenantId: '3f2b6c1e-8d4a-4e7b-9c5d-1a2b3c4d5e6f',
      teamsOperatorConnect: { enabled: true, syncEnabled: false },
      teamsDirectRouting: {
        enabled: true,
        syncEnabled: false,
        configuration: { callScreening: true, subdomain, subdomainTokens: { region1Token: 'tok1', region2Token: 'tok2' } },
      },
    },
  },
});
const ocNumber = (telephoneNumber: string, header: string | null) => ({
  telephoneNumber,
  serviceDetails: {
    teamsOperatorConnect: {
      enabled: true,
      configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
    },
  },
  ...(header === null ? {} : { configuration: { customSipHeader: header } }),
});
const drNumber = (telephoneNumber: string, header: string) => ({
  telephoneNumber,
  serviceDetails: { teamsDirectRouting: { enabled: true } },
  configuration: { customSipHeader: header },
});

describe('the call-time lookup index', () => {
  it('loads at start, then applies what orders change, and answers over HTTP', async () => {
    assert.equal(index.ready, true);
    assert.deepEqual(index.health(), { ready: true });
    await publish('seed', [account('lookco'), numbersItem([ocNumber(OC, 'oc-0'), drNumber(DR, 'dr-0')])]);
    await appliedUntil(() => index.recordOf(OC) !== undefined && index.recordOf(DR) !== undefined && index.size.accounts === 1);

    const oc = await lookup(OC);
    assert.equal(oc.status, 200);
    assert.deepEqual(oc.body, {
      direction: 'from-operator',
      provisioned: true,
      decidingParty: 'called',
      number: OC,
      header: { name: 'X-Test-Header', value: 'oc-0' },
      reason: 'contents',
      account: ACCOUNT,
      services: ['teamsOperatorConnect'],
    });
    // Towards the operator's network the calling number decides; tel: and sip: URIs are read as their number.
    const dr = await get(
      `/v1/lookup?direction=to-operator&calling=sip:${encodeURIComponent(DR)}@sbc.example.com;user=phone&called=anonymous`,
    );
    assert.equal(dr.status, 200);
    assert.deepEqual(dr.body.header, { name: 'X-Test-Header', value: 'dr-0' });
    assert.deepEqual(dr.body.directRouting, {
      subdomain: 'lookco',
      subdomainFqdns: ['lookco.1r1.abc123.commsgw.azure.com', 'lookco.1r2.abc123.commsgw.azure.com'],
    });
  });

  it('flowthrough header answers as the lookup does: the same record, read by the same query, and the same rule', async () => {
    const env = {
      DATABASE_URL: url,
      RECONCILER_ENABLED: 'false',
      CUSTOM_HEADER_NAME: 'X-Test-Header',
      DIRECT_ROUTING_BASE_DOMAIN: 'abc123.commsgw.azure.com',
      OPERATOR_CONNECT_BASE_URL: 'http://127.0.0.1:1/api',
      OPERATOR_CONNECT_TENANT_ID: 'tenant',
      OPERATOR_CONNECT_CLIENT_ID: 'client',
      OPERATOR_CONNECT_CLIENT_SECRET: 'client-secret-value',
    };
    for (const [direction, calling, called] of [
      ['to-operator', DR, 'anonymous'],
      ['from-operator', '+12065550199', OC],
      ['from-operator', '+12065550199', '+14255559999'],
    ] as const) {
      const cli = await runCli(['header', '--direction', direction, '--calling', calling, '--called', called, '--json'], env);
      assert.equal(cli.code, 0, cli.stderr);
      const { telephoneNumber, ...answer } = JSON.parse(cli.stdout) as Record<string, unknown>;
      const api = await get(
        `/v1/lookup?direction=${direction}&calling=${encodeURIComponent(calling)}&called=${encodeURIComponent(called)}`,
      );
      assert.deepEqual(answer, api.body);
      assert.equal(telephoneNumber, api.body.number);
    }
    const text = await runCli(['header', '--direction', 'from-operator', '--calling', '+12065550199', '--called', OC], env);
    assert.equal(text.stdout.trim(), 'X-Test-Header: oc-0');
    const refused = await runCli(['header', '--direction', 'constructor', '--calling', OC, '--called', OC], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /--direction must be from-operator or to-operator, not "constructor"/);
  });

  it('answers a number it does not have with 200, provisioned false and no header', async () => {
    const res = await lookup('+14255559999');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {
      direction: 'from-operator',
      provisioned: false,
      decidingParty: 'called',
      number: '+14255559999',
      header: null,
      reason: 'not_provisioned',
      account: null,
      services: [],
    });
  });

  it('refuses bad requests with one clear 400, and callers without a token', async () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        `/v1/lookup?direction=sideways&calling=${OC}&called=${OC}`,
        'InvalidQueryParameterValue',
        /direction must be from-operator or to-operator/,
      ],
      [`/v1/lookup?direction=from-operator&calling=${OC}`, 'MissingQueryParameter', /called is missing/],
      [`/v1/lookup?calling=${OC}&called=${OC}`, 'MissingQueryParameter', /direction is missing/],
      ['/v1/lookup?direction=from-operator&calling=%2B1&called=4255550100', 'InvalidTelephoneNumber', /called number "4255550100"/],
      [
        `/v1/lookup?direction=to-operator&calling=${OC}&calling=${DR}&called=x`,
        'InvalidQueryParameterValue',
        /calling is given more than once/,
      ],
      ['/v1/lookup?direction=to-operator&calling=%E0%A4%A&called=x', 'InvalidQuery', /percent-encoding/],
      // An object's own properties are not directions.
      [`/v1/lookup?direction=constructor&calling=${OC}&called=${OC}`, 'InvalidQueryParameterValue', /not "constructor"/],
    ];
    for (const [path, code, message] of cases) {
      const res = await get(path);
      assert.equal(res.status, 400, path);
      const error = res.body.error as { code: string; message: string };
      assert.equal(error.code, code, path);
      assert.match(error.message, message, path);
    }
    assert.equal((await get(`/v1/lookup?direction=from-operator&calling=${OC}&called=${OC}`, null)).status, 401);
  });

  it("answers a connection's first lookup (authenticated in full) and its next ones (the shortcut) with the same bytes", async () => {
    const paths = [
      `/v1/lookup?direction=from-operator&calling=%2B12065550199&called=${encodeURIComponent(OC)}`,
      `/v1/lookup?direction=to-operator&calling=${encodeURIComponent(DR)}&called=anonymous`,
      '/v1/lookup?direction=from-operator&calling=anonymous&called=%2B14255559999',
      `/v1/lookup?direction=sideways&calling=${OC}&called=${OC}`,
    ];
    for (const path of paths) {
      const connection = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const before = shortcutAnswers;
        const first = await getText(path, TOKEN, connection);
        assert.equal(shortcutAnswers, before, `${path}: a new connection is authenticated in full`);
        const next = await getText(path, TOKEN, connection);
        assert.equal(shortcutAnswers, before + 1, `${path}: the proven connection takes the shortcut`);
        assert.deepEqual(next, first, path);
        // Another token on the proven connection is not waved through.
        assert.equal((await getText(path, 'not-the-token', connection)).status, 403);
        assert.equal(shortcutAnswers, before + 1);
      } finally {
        connection.destroy();
      }
    }
  });

  it('stays correct while orders change numbers: every lookup after a change was applied sees it', async () => {
    const rounds = 12;
    // Lookups run all along; each records when it started and what it saw.
    const seen: Array<{ startedAt: number; value: string | null; provisioned: boolean }> = [];
    let running = true;
    const hammer = (async () => {
      while (running) {
        const startedAt = performance.now();
        const res = await lookup(MOVING);
        assert.equal(res.status, 200);
        const header = res.body.header as { value: string } | null;
        seen.push({ startedAt, value: header?.value ?? null, provisioned: res.body.provisioned === true });
      }
    })();

    // Round i: the number gets header v<i>; every third round it is deleted instead, then created again.
    const appliedAt: Array<{ publishedAt: number; at: number; expect: string | null }> = [];
    for (let i = 1; i <= rounds; i++) {
      const deleting = i % 3 === 0;
      const items = deleting
        ? [{ id: 'release', action: 'delete', resource: 'numbers', numbers: [{ telephoneNumber: MOVING }] }]
        : [numbersItem([ocNumber(MOVING, `v${i}`)])];
      const expect = deleting ? null : `v${i}`;
      const applied = appliedUntil((e) => e?.numbers.includes(MOVING) === true);
      const publishedAt = performance.now();
      await publish(`round-${i}`, items);
      await applied;
      appliedAt.push({ publishedAt, at: performance.now(), expect });
      const now = await lookup(MOVING);
      assert.equal(now.body.provisioned, !deleting, `round ${i}`);
      assert.equal((now.body.header as { value: string } | null)?.value ?? null, expect, `round ${i}`);
      assert.equal(index.recordOf(MOVING)?.number.customSipHeader ?? null, expect, `round ${i}`);
    }
    running = false;
    await hammer;

    // Every lookup that started after round i was applied (and before round i+1 was published) saw round i's state.
    let checked = 0;
    for (const [i, round] of appliedAt.entries()) {
      const next = appliedAt[i + 1]?.publishedAt ?? Number.POSITIVE_INFINITY;
      for (const s of seen.filter((x) => x.startedAt >= round.at && x.startedAt < next)) {
        assert.equal(s.value, round.expect, `a lookup after round ${i + 1} was applied`);
        assert.equal(s.provisioned, round.expect !== null);
        checked++;
      }
    }
    assert.ok(checked >= rounds, `only ${checked} lookups fell after an applied change`);
    // And none ever went back: the values seen only move forward through the rounds.
    const order = new Map(appliedAt.map((r, i) => [r.expect, i]));
    let last = -1;
    for (const s of seen) {
      if (s.value === null) continue;
      const position = order.get(s.value) ?? -1;
      assert.ok(position >= last, `a lookup saw ${s.value} after a later value`);
      last = position;
    }
  });

  it('applies an account change (the Direct Routing subdomain) without touching its numbers', async () => {
    const applied = appliedUntil((e) => e?.accounts.includes(ACCOUNT) === true);
    await publish('rename-subdomain', [account('newsub')]);
    await applied;
    const res = await get(`/v1/lookup?direction=from-operator&calling=x&called=${encodeURIComponent(DR)}`);
    assert.deepEqual((res.body.directRouting as { subdomain: string }).subdomain, 'newsub');
  });

  it('reloads everything after its LISTEN connection was lost, and is not ready until then', async () => {
    // A change whose notice is lost: the connection is cut first, and this row changes without a notice.
    const reloaded = appliedUntil((e) => e?.reload === true);
    const { rowCount } = await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN flowthrough_lookup'`,
    );
    assert.equal(rowCount, 1);
    await pool.query(`UPDATE numbers SET custom_sip_header = 'unannounced' WHERE telephone_number = $1`, [OC]);
    await appliedUntil(() => index.health().ready === false);
    await reloaded;
    assert.equal(index.recordOf(OC)?.number.customSipHeader, 'unannounced');
    await appliedUntil(() => index.health().ready);
    const res = await lookup(OC);
    assert.deepEqual(res.body.header, { name: 'X-Test-Header', value: 'unannounced' });
  });
});
