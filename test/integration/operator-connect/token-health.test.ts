import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, type AccessToken, type TokenCredential } from '@azure/identity';
import { OperatorConnectClient } from '../../../src/operator-connect/index.js';
import { TokenCache } from '../../../src/platform/identity/token-cache.js';
import { TokenHealth } from '../../../src/operator-connect/token-health.js';
import type { TokenSettings } from '../../../src/platform/errors/explain.js';
import { ManualClock } from '../../../src/simulator/index.js';
import { capturingLogger, clientConfig, startSimulator, trustSimulatorCertificate } from '../../support/operator-connect.js';

const SCOPE = 'api://x/.default';
const SETTINGS: TokenSettings = {
  credential: 'client-secret',
  authorityHost: 'https://login.microsoftonline.com',
  disableInstanceDiscovery: false,
  tenantId: 'contoso-tenant',
  clientId: 'contoso-app',
  managedIdentityClientId: '',
  scope: SCOPE,
};

/** Fails with `failWith` while it is set, else hands out token-1, token-2… living an hour. */
class SwitchableCredential implements TokenCredential {
  failWith: unknown;
  calls = 0;
  constructor(private readonly clock: ManualClock) {}
  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    if (this.failWith) throw this.failWith;
    return { token: `token-${this.calls}`, expiresOnTimestamp: this.clock.now() + 3_600_000 };
  }
}

interface LogLine {
  level: number;
  msg: string;
  code?: string;
}

const parsed = (lines: string[]): LogLine[] => lines.map((l) => JSON.parse(l) as LogLine);
const atLeastInfo = (lines: string[]) => parsed(lines).filter((l) => l.level >= 30);

function setup() {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  const { logger, lines } = capturingLogger();
  const health = new TokenHealth({ settings: SETTINGS, clock, logger });
  const credential = new SwitchableCredential(clock);
  const cache = new TokenCache(credential, { clock, logger, health });
  return { clock, lines, health, credential, cache };
}

const badSecret = () =>
  new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });

describe('token failures are told once per streak', () => {
  it('logs the explanation at error once, repeats at debug, reminds at most every minute, and says when tokens come again', async () => {
    const { clock, lines, health, credential, cache } = setup();
    credential.failWith = badSecret();
    // A caller every 6 seconds for 2 minutes, as the reconciler's calls would.
    for (let i = 0; i < 21; i += 1) {
      await assert.rejects(cache.get(SCOPE));
      clock.advance(6_000);
    }
    const loud = atLeastInfo(lines);
    assert.equal(loud.length, 3, loud.map((l) => l.msg).join('\n'));
    assert.equal(loud[0]?.level, 50);
    assert.equal(loud[0]?.code, 'backend_token_failed');
    assert.match(
      loud[0]?.msg ?? '',
      /^cannot get an Operator Connect access token: Entra ID refused the client secret of OPERATOR_CONNECT_CLIENT_ID=contoso-app .*check OPERATOR_CONNECT_CLIENT_SECRET/,
    );
    assert.deepEqual(
      loud.slice(1).map((l) => l.level),
      [40, 40],
      'reminders are warnings',
    );
    assert.match(
      loud[1]?.msg ?? '',
      /^still failing since 2026-01-01T00:00:00\.000Z \(11 attempts\): cannot get an Operator Connect access token: Entra ID refused/,
    );
    assert.equal(parsed(lines).filter((l) => l.level === 20).length, 18, 'the rest at debug');

    const problem = health.problem;
    assert.ok(problem);
    assert.equal(problem.code, 'backend_token_failed');
    assert.equal(problem.since.toISOString(), '2026-01-01T00:00:00.000Z');
    assert.equal(problem.failures, 21);

    credential.failWith = undefined;
    assert.equal(await cache.get(SCOPE), 'token-22');
    assert.equal(health.problem, null);
    const last = atLeastInfo(lines).at(-1);
    assert.equal(last?.level, 30);
    assert.equal(last?.msg, 'Operator Connect access token obtained again after 21 failed attempt(s)');
  });

  it('logs a new cause at once, within a streak', async () => {
    const { clock, lines, credential, cache } = setup();
    credential.failWith = badSecret();
    await assert.rejects(cache.get(SCOPE));
    clock.advance(1_000);
    credential.failWith = new AuthenticationError(401, {
      error: 'unauthorized_client',
      error_description: "AADSTS700016: Application with identifier 'contoso-app' was not found.",
    });
    await assert.rejects(cache.get(SCOPE));
    const errors = atLeastInfo(lines).filter((l) => l.level === 50);
    assert.equal(errors.length, 2);
    assert.match(errors[1]?.msg ?? '', /does not know the application OPERATOR_CONNECT_CLIENT_ID=contoso-app/);
  });

  it('warns, and reports no problem, while a refresh ahead of expiry fails and the current token serves', async () => {
    const { clock, lines, health, credential, cache } = setup();
    assert.equal(await cache.get(SCOPE), 'token-1');
    clock.advance(3_400_000);
    credential.failWith = badSecret();
    assert.equal(await cache.get(SCOPE), 'token-1');
    assert.equal(health.problem, null, 'calls still have a token');
    const warned = atLeastInfo(lines);
    assert.equal(warned.length, 1);
    assert.equal(warned[0]?.level, 40);
    assert.match(warned[0]?.msg ?? '', /check OPERATOR_CONNECT_CLIENT_SECRET .*\(the current token serves until it expires\)$/);
    clock.advance(200_001);
    await assert.rejects(cache.get(SCOPE));
    assert.ok(health.problem, 'once the token expired, calls go without');
  });
});

describe('the client exposes its token problem', () => {
  it('tokenProblem() names the setting after a refused secret, and the call fails with the same line', async (t) => {
    const setup = await startSimulator(t);
    trustSimulatorCertificate(t, setup.endpoints);
    const { logger, lines } = capturingLogger();
    const config = clientConfig(setup.endpoints, { OPERATOR_CONNECT_CLIENT_SECRET: 'wrong-secret' });
    const client = new OperatorConnectClient({ config, logger });
    assert.equal(client.tokenProblem(), null);
    const before = Date.now();
    await assert.rejects(client.listConsents(), (error: Error) => {
      assert.match(
        error.message,
        /^cannot get an Operator Connect access token: Entra ID refused the client secret of OPERATOR_CONNECT_CLIENT_ID=\S+ in OPERATOR_CONNECT_TENANT_ID=\S+ \(AADSTS7000215/,
      );
      return true;
    });
    const problem = client.tokenProblem();
    assert.ok(problem);
    assert.equal(problem.code, 'backend_token_failed');
    assert.match(problem.line, /check OPERATOR_CONNECT_CLIENT_SECRET/);
    assert.ok(problem.since.getTime() >= before - 1_000);
    assert.ok(!lines.some((l) => l.includes('wrong-secret')), 'the secret is never logged');
  });

  it('tokenProblem() tells a client of the simulator without the discovery switch what to set', async (t) => {
    const setup = await startSimulator(t);
    trustSimulatorCertificate(t, setup.endpoints);
    const { logger, lines } = capturingLogger();
    const config = clientConfig(setup.endpoints, { OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY: 'false' });
    const client = new OperatorConnectClient({ config, logger });
    await assert.rejects(client.authenticate(), /set OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true/);
    assert.match(
      client.tokenProblem()?.line ?? '',
      /does not know OPERATOR_CONNECT_AUTHORITY_HOST=https:\/\/127\.0\.0\.1:\d+ \(endpoints_resolution_error\): set OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true/,
    );
    const errors = parsed(lines).filter((l) => l.level === 50);
    assert.equal(errors.length, 1);
  });
});
