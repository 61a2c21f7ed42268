import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consentsCommand } from '../../../src/app/cli/commands/consents-command.js';
import { createSimulator } from '../../../src/simulator/index.js';
import { simulatorClientEnvironment } from '../../../src/simulator/client-environment.js';
import { accountItem, collect, numbersItem, ocNumber, orderRecord, statusEvents } from '../../support/intake-harness.js';
import { quickKafka, within } from '../../support/intake-kit.js';
import { captureIo } from '../../support/ops.js';
import { QUICK_RECONCILER, startTestWorker, trustSimulatorCa, workerTopics } from '../../support/test-worker.js';
import { capturingLogger, connectedProducer, createTestDatabase, onCleanup, randomName, testKafka } from '../../support/test-context.js';
import {
  assertAccessible,
  follow,
  followLink,
  launchBrowser,
  openPage,
  pasteToken,
  PHONE,
  screenshot,
  signIn,
  textOf,
} from '../../support/console-browser.js';

/**
 * The web console in a real browser (Debian's Chromium, headless) against a
 * real worker: Kafka, PostgreSQL, the reconciler uploading to the simulator,
 * the read API's authentication with the simulator's fake Entra ID. Every
 * flow saves screenshots under test-artifacts/console/.
 */

const TENANT = '11111111-1111-4111-8111-111111111111';
const SUSPENDED_TENANT = '33333333-3333-4333-8333-333333333333';
const AUDIENCE = 'api://flowthrough-console-test';
const STATIC_TOKEN = 'console-static-reader-token-0123456789';

const simulator = createSimulator({
  processingDelayMs: 20,
  rateLimitPerSecond: 0,
  consents: [
    { tenantId: TENANT, consentedCountries: ['US'] },
    // A consent the enterprise suspended: uploads for the tenant wait (held) until it is active again.
    { tenantId: SUSPENDED_TENANT, consentedCountries: ['US'], status: 'suspended' },
  ],
});
const endpoints = await simulator.start();
onCleanup(() => simulator.stop());
trustSimulatorCa(endpoints);

const { url, pool } = await createTestDatabase();
const { topics, env } = workerTopics(randomName('console'));
const { logger, lines } = capturingLogger({ level: 'debug' });
const { worker, base } = await startTestWorker(
  {
    DATABASE_URL: url,
    HTTP_PORT: '0',
    ...env,
    OUTBOX_POLL_INTERVAL_MS: '200',
    ...QUICK_RECONCILER,
    READ_API_TOKENS: STATIC_TOKEN,
    READ_API_ENTRA_TENANT_ID: endpoints.tenantId,
    READ_API_ENTRA_AUTHORITY_HOST: endpoints.authorityHost,
    READ_API_ENTRA_AUDIENCE: AUDIENCE,
    ...simulatorClientEnvironment(endpoints),
  },
  logger,
);

const producer = await connectedProducer(testKafka());
const status = await collect(topics.status, quickKafka());
const deadLetterTopic = await collect(topics.deadLetter, quickKafka());
const TERMINAL = ['completed', 'partial', 'failed', 'rejected'];
const statesOf = (orderId: string): string[] =>
  statusEvents(status.received)
    .filter((e) => e.data.orderId === orderId)
    .map((e) => e.data.state);
const reaches = (orderId: string, states: readonly string[], times = 1): Promise<void> =>
  within(
    status.waitFor(() => statesOf(orderId).filter((s) => states.includes(s)).length >= times),
    60_000,
    `${orderId} to reach ${states.join('|')}`,
  );
const publish = (orderId: string, account: string, requestedAt: string, items: unknown[]) =>
  producer.send({ topic: topics.orders, messages: [orderRecord({ orderId, account, requestedAt, items })] });

/** Tokens of the simulator's fake Entra ID for the console's audience; every one is checked against the logs at the end. */
const issued: string[] = [STATIC_TOKEN];
function token(roles: readonly string[]): string {
  const t = simulator.admin.issueToken(undefined, { audience: AUDIENCE, roles });
  issued.push(t);
  return t;
}
const operatorToken = token(['Flowthrough.Operate']);
const readerToken = token(['Flowthrough.Read']);

// The data every flow looks at: a completed order, an order rejected for a missing account (a dead letter), a held order.
await publish('setup-1', 'chainco', '2026-11-29T10:00:00Z', [
  accountItem('chainco', { tenant: TENANT }),
  numbersItem([ocNumber('+14255550100'), ocNumber('+14255550101')]),
]);
await publish('ghost-1', 'ghostco', '2026-11-29T10:05:00Z', [numbersItem([ocNumber('+14255550901')])]);
await publish('held-1', 'heldco', '2026-11-29T10:00:00Z', [
  accountItem('heldco', { tenant: SUSPENDED_TENANT }),
  numbersItem([ocNumber('+14255550300')]),
]);
await Promise.all([reaches('setup-1', ['completed']), reaches('ghost-1', ['rejected']), reaches('held-1', ['held'])]);

const browser = await launchBrowser();

describe('web console in a browser', () => {
  it('signs in with an operator token and shows the overview, refreshed live from the /metrics figures', async () => {
    const page = await openPage(browser);
    await page.goto(`${base}/console/orders`);
    assert.match(page.url(), /\/console\/sign-in\?next=%2Fconsole%2Forders$/, 'signed out: to the sign-in page');
    await assertAccessible(page);
    await screenshot(page, 'sign-in');
    await pasteToken(page, operatorToken);
    await follow(page, 'form button[type=submit]');
    assert.match(page.url(), /\/console\/orders$/, 'back where it was going');

    const cookies = await page.browserContext().cookies();
    const session = cookies.find((c) => c.name === 'flowthrough_console');
    assert.ok(session, 'a session cookie');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.ok(!cookies.some((c) => c.value.includes(operatorToken.slice(0, 20))), 'the token never reaches the browser');

    await page.goto(`${base}/console`);
    assert.match(await textOf(page, 'header'), /Signed in: app .+ \(operator\)/);
    const figures = async () => page.$eval('[data-figure=orders]', (el) => el.textContent);
    assert.equal(await figures(), '2', 'two orders: one completed, one held (an order rejected at intake is stored as none)');
    await assertAccessible(page);
    assert.equal(await page.$eval('[data-poll]', (el) => el.getAttribute('aria-live')), 'polite');
    // A new order: the figure changes in place, without a reload, when the page polls.
    await publish('setup-2', 'chainco', '2026-11-29T10:10:00Z', [numbersItem([ocNumber('+14255550102')])]);
    await reaches('setup-2', TERMINAL);
    await page.waitForFunction(`document.querySelector('[data-figure=orders]')?.textContent === '3'`, { timeout: 20_000 });
    assert.match(await page.$eval('[data-breakdown=ordersByState]', (el) => el.textContent ?? ''), /completed: 2/);
    const localised = await page.$eval('time[data-updated]', (el) => [el.textContent, el.getAttribute('title')]);
    assert.match(localised[1] ?? '', /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/, 'the UTC value on hover');
    assert.doesNotMatch(localised[0] ?? '', /UTC/, 'shown in the viewer time zone');
    await screenshot(page, 'overview');
  });

  it('finds a number and opens its order, on a desktop and on a phone', async () => {
    for (const [viewport, suffix] of [
      [undefined, ''],
      [PHONE, '-phone'],
    ] as const) {
      const page = await openPage(browser, viewport);
      await signIn(page, base, readerToken);
      await page.goto(`${base}/console/numbers`);
      await page.type('input[name=q]', '+14255550101');
      await follow(page, 'form[role=search] button');
      await assertAccessible(page);
      await screenshot(page, `number-search${suffix}`);
      await followLink(page, '+14255550101');
      const number = await textOf(page);
      assert.match(number, /Number \+14255550101/);
      assert.match(number, /teamsOperatorConnect/);
      assert.match(number, /Desired and observed state/);
      await screenshot(page, `number-detail${suffix}`);
      await followLink(page, 'setup-1');
      const order = await textOf(page);
      assert.match(order, /Order setup-1\s+completed/);
      assert.match(order, /Per-number results/);
      assert.match(order, /\+14255550100/);
      assert.match(order, /Status-event timeline/);
      assert.match(order, /acknowledged[\s\S]*inProgress[\s\S]*completed/);
      await assertAccessible(page);
      await screenshot(page, `order-detail${suffix}`);
      const overflow = (await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
      assert.ok(overflow <= 0, `no sideways scrolling of the page (${overflow}px)`);
    }
  });

  it('filters dead letters, dry-runs a replay, confirms it, and the order completes', async () => {
    await publish('ghost-account', 'ghostco', '2026-11-29T10:00:00Z', [accountItem('ghostco', { sync: false })]);
    await reaches('ghost-account', TERMINAL);

    const page = await openPage(browser);
    await signIn(page, base, operatorToken);
    await page.goto(`${base}/console/dead-letters`);
    await page.type('input[name=code]', 'account_not_found');
    await follow(page, 'form.filters button[type=submit]');
    assert.match(page.url(), /code=account_not_found/);
    const list = await textOf(page);
    assert.match(list, /account_not_found\s+1/, 'the count per code');
    assert.match(list, /ghost-1/);
    await assertAccessible(page);
    await screenshot(page, 'dead-letters');

    await followLink(page, 'Dry-run a replay');
    const dry = await textOf(page);
    assert.match(dry, /Dry run of 1 dead letter/);
    assert.match(dry, /would-replay/);
    assert.equal(
      await page.$eval('input[name=force-stale]', (el) => (el as unknown as { checked: boolean }).checked),
      false,
      'force-stale is opt-in',
    );
    assert.equal(statesOf('ghost-1').length, 1, 'a dry run publishes nothing');
    await assertAccessible(page);
    await screenshot(page, 'replay-confirmation');

    await follow(page, 'button[name=confirm]');
    const done = await textOf(page);
    assert.match(done, /Replay finished: 1 re-published/);
    await reaches('ghost-1', ['completed']);
    assert.deepEqual(statesOf('ghost-1'), ['rejected', 'acknowledged', 'completed']);
    await screenshot(page, 'replay-done');

    await followLink(page, 'ghost-1');
    assert.match(await textOf(page), /Order ghost-1\s+completed/);
    await screenshot(page, 'replayed-order');

    // Who replayed is in the history, as `dlq show` prints it.
    const { rows } = await pool.query<{ replayed_by: string }>(
      `SELECT r.replayed_by FROM dead_letter_replays r JOIN dead_letters d ON d.id = r.dead_letter_id WHERE d.order_id = 'ghost-1'`,
    );
    assert.deepEqual(
      rows.map((r) => r.replayed_by),
      [`console: app ${endpoints.clientId}`],
    );
    await followLink(page, '#');
    assert.match(await textOf(page), new RegExp(`replayed.*console: app ${endpoints.clientId}`));
    await screenshot(page, 'dead-letter-detail');
  });

  it('shows a held order, its account and the consent it waits for', async () => {
    const page = await openPage(browser);
    await signIn(page, base, readerToken);
    await page.goto(`${base}/console/orders`);
    await page.select('select[name=state]', 'held');
    await follow(page, 'form.filters button[type=submit]');
    const list = await textOf(page);
    assert.match(list, /held-1\s+heldco\s+held/);
    assert.doesNotMatch(list, /setup-1/);
    await screenshot(page, 'orders-held');
    await followLink(page, 'held-1');
    const order = await textOf(page);
    assert.match(order, /Order held-1\s+held/);
    assert.match(order, /\+14255550300[\s\S]*held/);
    await screenshot(page, 'held-order');
    await followLink(page, 'heldco');
    const account = await textOf(page);
    assert.match(account, new RegExp(SUSPENDED_TENANT));
    assert.match(account, /Subdomain status\s+notProvisioned/);
    await screenshot(page, 'held-account');

    await page.goto(`${base}/console/accounts`);
    await page.type('input[name=q]', 'held');
    await follow(page, 'form[role=search] button');
    const accounts = await textOf(page);
    assert.match(accounts, new RegExp(`heldco\\s+–\\s+${SUSPENDED_TENANT}\\s+1`));
    assert.doesNotMatch(accounts, /chainco/);
    await followLink(page, 'heldco');

    // The consent as the backend reports it: read on demand, as `flowthrough consents show --refresh` does.
    const io = captureIo();
    assert.equal(await consentsCommand(['show', SUSPENDED_TENANT, '--refresh'], { config: worker.deps.config, logger, io }), 0, io.err());
    await followLink(page, 'consent');
    const consent = await textOf(page);
    assert.match(consent, new RegExp(`Consent of tenant ${SUSPENDED_TENANT}\\s+suspended`));
    assert.match(consent, /Consented countries\s+US/);
    assert.match(consent, /Numbers held waiting for this consent \(1\)/);
    assert.match(consent, /\+14255550300\s+held-1/);
    await assertAccessible(page);
    await screenshot(page, 'held-consent');
    await page.goto(`${base}/console/consents`);
    assert.match(await textOf(page), new RegExp(`${SUSPENDED_TENANT}\\s+suspended\\s+US`));
    await screenshot(page, 'consents');
  });

  it('refuses replay to a reader token, and a forged or missing form token', async () => {
    const page = await openPage(browser);
    await signIn(page, base, readerToken);
    assert.match(await textOf(page, 'header'), /\(reader\)/);
    await page.goto(`${base}/console/dead-letters`);
    assert.doesNotMatch(await textOf(page), /Dry-run a replay/, 'no replay button for a reader');
    const refused = await page.goto(`${base}/console/dead-letters/replay?code=account_not_found`);
    assert.equal(refused?.status(), 403);
    assert.match(await textOf(page), /Not allowed[\s\S]*needs the operate permission/);
    await screenshot(page, 'replay-refused-reader');
    // The confirmation POST itself, with the session's own form token: still refused.
    const csrf = await page.$eval('input[name=csrf]', (el) => (el as unknown as { value: string }).value);
    const posted = await page.evaluate(
      async (form) => {
        const response = await fetch('/console/dead-letters/replay', { method: 'POST', body: new URLSearchParams(form) });
        return response.status;
      },
      { csrf, code: 'account_not_found', confirm: 'yes' },
    );
    assert.equal(posted, 403);

    // Signing out ends the session on the server: the old cookie no longer opens a page.
    const before = (await page.browserContext().cookies()).find((c) => c.name === 'flowthrough_console');
    await follow(page, 'header form button[type=submit]');
    assert.match(page.url(), /\/console\/sign-in$/);
    const replayed = await fetch(`${base}/console/orders`, {
      headers: { cookie: `flowthrough_console=${before?.value}` },
      redirect: 'manual',
    });
    assert.equal(replayed.status, 303);
    assert.match(replayed.headers.get('location') ?? '', /^\/console\/sign-in/);

    // An operator without the form token: refused before anything runs.
    const operator = await openPage(browser);
    await signIn(operator, base, operatorToken);
    await operator.goto(`${base}/console`);
    const forged = await operator.evaluate(async () => {
      const response = await fetch('/console/dead-letters/replay', {
        method: 'POST',
        body: new URLSearchParams({ csrf: 'forged', all: '1', confirm: 'yes' }),
      });
      return response.status;
    });
    assert.equal(forged, 403);

    // A token the read API refuses is refused at sign-in with the read API's reason.
    const stranger = await openPage(browser);
    await signIn(stranger, base, token([]));
    assert.match(await textOf(stranger), /The token is refused: .*Flowthrough\.Read/);
    await screenshot(stranger, 'sign-in-refused');
    assert.equal((await fetch(`${base}/console/overview.json`)).status, 401);
  });

  it('shows hostile record content as text, never as markup', async () => {
    const hostile = '{"orderId": "<img src=x onerror=\\"window.pwned=1\\">", "account": "<script>window.pwned=2</script>"';
    await producer.send({
      topic: topics.orders,
      messages: [{ key: '<b>key</b>', value: hostile, headers: { ce_id: '<i>id</i>', 'content-type': 'application/json' } }],
    });
    // On the dead-letter topic means in PostgreSQL: the relay publishes what the intake wrote.
    await within(
      deadLetterTopic.waitFor((all) => all.some((r) => r.key === '<b>key</b>')),
      60_000,
      'the hostile record on the dead-letter topic',
    );
    const { rows } = await pool.query<{ id: string }>(`SELECT id::text AS id FROM dead_letters WHERE message_key = $1`, [
      Buffer.from('<b>key</b>'),
    ]);
    const id = rows[0]?.id;
    assert.ok(id, 'the dead letter');
    const page = await openPage(browser);
    await signIn(page, base, readerToken);
    await page.goto(`${base}/console/dead-letters/${id}`);
    const text = await textOf(page);
    assert.ok(text.includes('<script>window.pwned=2</script>'), 'the record as text');
    assert.ok(text.includes('<b>key</b>'));
    assert.equal(await page.evaluate('window.pwned'), undefined, 'no script ran');
    assert.equal(await page.$$eval('main img, main script, main b, main i', (found) => found.length), 0, 'no element from the record');
    await screenshot(page, 'hostile-record');
  });

  it('never logs a token', () => {
    for (const t of issued) assert.ok(!lines.some((l) => l.includes(t)), 'a token in the logs');
  });
});
