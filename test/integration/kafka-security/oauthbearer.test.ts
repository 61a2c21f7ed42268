import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { errorLines, flowOver } from '../../support/secure-flow.js';
import { startSecureKafka } from '../../support/secure-kafka.js';
import { runCli } from '../../support/run-cli.js';
import { createTestDatabase, randomName } from '../../support/test-context.js';

/**
 * OAUTHBEARER with Entra ID tokens from @azure/identity (the simulator's fake
 * Entra ID issues them; the broker checks them against its JWKS, audience and
 * issuer). Tokens live 15 s, so the worker's tokens expire several times
 * during the test: its connections re-authenticate (KIP-368) with fresh
 * tokens and stay open. A token for the wrong audience fails in one line.
 */

const TOKEN_SECONDS = 15;
const kafka = await startSecureKafka({ tokenLifetimeSeconds: TOKEN_SECONDS, reauthMs: 60_000 });
const example = (name: string): string => fileURLToPath(new URL(`../../../examples/${name}`, import.meta.url));

const messageOf = (line: string): string => {
  try {
    return String((JSON.parse(line) as { msg?: unknown }).msg ?? '');
  } catch {
    return '';
  }
};

/** `flowthrough publish` over OAUTHBEARER with some settings changed, and its stderr without the start-up line. */
async function publishRefused(overrides: Record<string, string>) {
  const { url } = await createTestDatabase();
  const env = { ...kafka.env('oauthbearer'), ...overrides, DATABASE_URL: url, ORDERS_TOPIC: randomName('orders'), LOG_LEVEL: 'info' };
  const result = await runCli(['publish', example('01-contoso-account.json')], env, 60_000);
  const lines = result.stderr.split('\n').filter((l) => l.length > 0 && !/^flowthrough [a-z]+: Kafka /.test(l));
  return { result, lines };
}

describe('Kafka security: OAUTHBEARER (Entra ID tokens)', () => {
  it('runs intake, relay and replay over OAUTHBEARER while tokens expire, re-authenticating its connections', async (t) => {
    const extra = { LOG_LEVEL: 'debug', KAFKAJS_LOG_LEVEL: 'debug', KAFKA_REAUTHENTICATION_THRESHOLD_MS: '4000' };
    const { worker, events, env, terminal } = await flowOver(kafka, 'oauthbearer', extra);
    const state = (orderId: string) =>
      events()
        .filter((e) => e.data.orderId === orderId)
        .at(-1)?.data.state;
    assert.equal(state('ORD-2026-000101'), 'completed');
    assert.equal(state('ORD-2026-000103'), 'partial');

    // Run on until the worker has taken its third token (at half the second one's life): the first has expired by then.
    const tokens = (lines: readonly string[]) =>
      lines
        .filter((l) => l.includes('"subcomponent":"kafka-oauth"') || l.includes('"component":"kafka-oauth"'))
        .filter((l) => messageOf(l) === 'access token obtained').length;
    await worker.waitFor((lines) => tokens(lines) >= 3);
    const published = await runCli(['publish', example('04-fabrikam-teams-phone-mobile.json')], env, 60_000);
    assert.equal(published.code, 0, published.stderr);
    await terminal('ORD-2026-000104');

    const messages = worker.lines.map(messageOf);
    const connects = messages.filter((m) => m === 'Connecting').length;
    const logins = messages.filter((m) => m === 'SASL OAUTHBEARER authentication successful').length;
    t.diagnostic(
      `${tokens(worker.lines)} tokens of ${TOKEN_SECONDS} s, ${logins} logins on ${connects} connections, 0 closed by the broker`,
    );
    // More logins than sockets: connections were re-authenticated in place, not closed and reopened.
    assert.ok(logins > connects, `${logins} logins on ${connects} connections`);
    assert.equal(messages.filter((m) => m === 'Kafka server has closed connection').length, 0);
    assert.deepEqual(errorLines(worker.lines), []);
    assert.equal(await worker.stop(), 0);
  });

  it('fails with one line naming KAFKA_OAUTH_SCOPE when the broker refuses the token (another audience)', async () => {
    const { result, lines } = await publishRefused({ KAFKA_OAUTH_SCOPE: kafka.endpoints.scope });
    assert.equal(result.code, 1);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(
      lines[0] ?? '',
      /refused the SASL login \(KAFKA_SASL_MECHANISM=oauthbearer, KAFKA_OAUTH_CLIENT_ID=\S+, KAFKA_OAUTH_SCOPE=/,
    );
    assert.match(lines[0] ?? '', /check KAFKA_OAUTH_SCOPE/);
  });

  it('fails with one line naming KAFKA_OAUTH_CLIENT_SECRET when Entra ID refuses the secret, never showing it', async () => {
    const { result, lines } = await publishRefused({ KAFKA_OAUTH_CLIENT_SECRET: 'wrong-secret-value' });
    assert.equal(result.code, 1);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /cannot get a Kafka OAUTHBEARER token: .*check KAFKA_OAUTH_CLIENT_SECRET/);
    assert.doesNotMatch(result.stderr, /wrong-secret-value/);
  });
});
