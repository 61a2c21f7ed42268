import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import type { AcgClientSettings } from '../../../../src/acg/provisioning-client.js';
import { acgClientEnvironment } from '../../../../src/acg-simulator/client-environment.js';
import type { AcgSimulatorEndpoints } from '../../../../src/acg-simulator/acg-simulator.js';
import { ACG_PROVISIONING_VARIABLES, loadAcgConfig, type AcgConfig } from '../../../../src/platform/config/acg-variables.js';
import { ConfigError, loadConfig } from '../../../../src/platform/config/load-config.js';
import { RECONCILER_VARIABLES } from '../../../../src/platform/config/reconciler-variables.js';
import { createLogger } from '../../../../src/platform/logging/logger.js';

const SECRET = 'acg-very-secret-value';

const MINIMAL = {
  ACG_PROVISIONING_BASE_URL: 'https://provapi.contoso.example/',
  ACG_PROVISIONING_TENANT_ID: '0c0ffee0-0000-4000-8000-00000000000a',
  ACG_PROVISIONING_CLIENT_ID: '0c0ffee0-0000-4000-8000-0000000000c1',
  ACG_PROVISIONING_CLIENT_SECRET: SECRET,
};

// The configuration is what the client takes: a structural match, checked by the compiler.
const asClientSettings = (config: AcgConfig): AcgClientSettings => config;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadAcgConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return [...error.problems];
  }
  assert.fail('expected a ConfigError');
}

/** The one problem `env` (over MINIMAL) causes: a single line naming `name`. */
function onlyProblem(env: Record<string, string>, name: string): string {
  const problems = problemsOf({ ...MINIMAL, ...env });
  assert.equal(problems.length, 1, `${JSON.stringify(env)}: ${problems.join(' / ')}`);
  const [problem = ''] = problems;
  assert.ok(problem.startsWith(`${name}`) && /^[A-Z_]+[=:]/.test(problem), problem);
  assert.ok(!problem.includes('\n'), problem);
  return problem;
}

describe('ACG Provisioning API settings', () => {
  it('applies the documented defaults', () => {
    const config = loadAcgConfig(MINIMAL);
    assert.equal(config.baseUrl, 'https://provapi.contoso.example', 'a trailing slash is dropped');
    assert.equal(config.apiVersion, '2024-02-29-preview');
    assert.equal(config.auth.credential, 'client-secret');
    assert.equal(config.auth.authorityHost, 'https://login.microsoftonline.com');
    assert.equal(config.auth.disableInstanceDiscovery, false);
    assert.equal(config.auth.tenantId, MINIMAL.ACG_PROVISIONING_TENANT_ID);
    assert.equal(config.auth.clientId, MINIMAL.ACG_PROVISIONING_CLIENT_ID);
    assert.equal(config.auth.managedIdentityClientId, '');
    assert.equal(config.auth.scope, 'https://func-voiceservice-rp-prod-eastuseuap.azurewebsites.net/.default');
    assert.equal(config.requestsPerMinute, 100);
    assert.equal(config.rateLimitScope, 'fleet');
    assert.equal(config.requestTimeoutMs, 30_000);
    assert.equal(config.tokenTimeoutMs, 30_000);
    assert.deepEqual(config.retry, { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 });
    assert.deepEqual(config.circuitBreaker, { failureThreshold: 5, coolDownMs: 30_000 });
    assert.equal(config.pageSize, 100);
    assert.equal(config.pollIntervalMs, 1000);
    assert.equal(asClientSettings(config).baseUrl, config.baseUrl);
  });

  it('reads every setting given', () => {
    const config = loadAcgConfig({
      ...MINIMAL,
      ACG_PROVISIONING_API_VERSION: '2025-01-01',
      ACG_PROVISIONING_AUTHORITY_HOST: 'https://127.0.0.1:8443',
      ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY: 'true',
      ACG_PROVISIONING_SCOPE: 'api://acg/.default',
      ACG_PROVISIONING_REQUESTS_PER_MINUTE: '0',
      ACG_PROVISIONING_RATE_LIMIT_SCOPE: 'process',
      ACG_PROVISIONING_REQUEST_TIMEOUT_MS: '1000',
      ACG_PROVISIONING_TOKEN_TIMEOUT_MS: '2000',
      ACG_PROVISIONING_RETRY_ATTEMPTS: '3',
      ACG_PROVISIONING_RETRY_BASE_MS: '10',
      ACG_PROVISIONING_RETRY_CAP_MS: '10',
      ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD: '7',
      ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS: '900',
      ACG_PROVISIONING_PAGE_SIZE: '1000',
      ACG_PROVISIONING_POLL_INTERVAL_MS: '250',
    });
    assert.equal(config.apiVersion, '2025-01-01');
    assert.equal(config.auth.authorityHost, 'https://127.0.0.1:8443');
    assert.equal(config.auth.disableInstanceDiscovery, true);
    assert.equal(config.auth.scope, 'api://acg/.default');
    assert.equal(config.requestsPerMinute, 0);
    assert.equal(config.rateLimitScope, 'process');
    assert.equal(config.requestTimeoutMs, 1000);
    assert.equal(config.tokenTimeoutMs, 2000);
    assert.deepEqual(config.retry, { attempts: 3, baseDelayMs: 10, maxDelayMs: 10 });
    assert.deepEqual(config.circuitBreaker, { failureThreshold: 7, coolDownMs: 900 });
    assert.equal(config.pageSize, 1000);
    assert.equal(config.pollIntervalMs, 250);
  });

  it('keeps the client secret a Secret: redacted when serialised or inspected, listed among the secrets', () => {
    const config = loadAcgConfig(MINIMAL);
    assert.equal(config.auth.clientSecret.reveal(), SECRET);
    assert.ok(!JSON.stringify(config).includes(SECRET));
    assert.ok(!inspect(config, { depth: 10 }).includes(SECRET));
    assert.deepEqual(
      config.secrets.map((s) => s.reveal()),
      [SECRET],
    );
  });

  it('is deeply frozen', () => {
    const config = loadAcgConfig(MINIMAL);
    assert.ok(
      Object.isFrozen(config) &&
        Object.isFrozen(config.auth) &&
        Object.isFrozen(config.retry) &&
        Object.isFrozen(config.circuitBreaker) &&
        Object.isFrozen(config.secrets),
    );
  });

  it('needs the base URL when loaded on its own', () => {
    assert.match(problemsOf({})[0] ?? '', /^ACG_PROVISIONING_BASE_URL: required \(/);
  });

  it('needs the app registration for the client-secret credential', () => {
    assert.deepEqual(problemsOf({ ACG_PROVISIONING_BASE_URL: 'https://provapi.contoso.example' }), [
      'ACG_PROVISIONING_TENANT_ID: required when ACG_PROVISIONING_CREDENTIAL is client-secret',
      'ACG_PROVISIONING_CLIENT_ID: required when ACG_PROVISIONING_CREDENTIAL is client-secret',
      'ACG_PROVISIONING_CLIENT_SECRET: required when ACG_PROVISIONING_CREDENTIAL is client-secret',
    ]);
  });

  it('needs no app registration for a managed identity or the default credential', () => {
    const config = loadAcgConfig({
      ACG_PROVISIONING_BASE_URL: 'https://provapi.contoso.example',
      ACG_PROVISIONING_CREDENTIAL: 'managed-identity',
      ACG_PROVISIONING_MANAGED_IDENTITY_CLIENT_ID: 'b0b0b0b0-0000-4000-8000-000000000001',
    });
    assert.equal(config.auth.credential, 'managed-identity');
    assert.equal(config.auth.managedIdentityClientId, 'b0b0b0b0-0000-4000-8000-000000000001');
    assert.deepEqual(config.secrets, []);
    assert.equal(
      loadAcgConfig({ ACG_PROVISIONING_BASE_URL: 'https://provapi.contoso.example', ACG_PROVISIONING_CREDENTIAL: 'default' }).auth
        .credential,
      'default',
    );
  });

  it('does not list a secret too short to scrub from log lines', () => {
    assert.deepEqual(loadAcgConfig({ ...MINIMAL, ACG_PROVISIONING_CLIENT_SECRET: 'abc' }).secrets, []);
  });

  it('refuses each bad value in one line naming its variable', () => {
    const cases: readonly [Record<string, string>, string, RegExp][] = [
      [{ ACG_PROVISIONING_BASE_URL: 'not a url' }, 'ACG_PROVISIONING_BASE_URL', /="not a url": must be a URL$/],
      [{ ACG_PROVISIONING_BASE_URL: 'ftp://provapi.example' }, 'ACG_PROVISIONING_BASE_URL', /: must be an http\(s\) URL$/],
      [{ ACG_PROVISIONING_API_VERSION: '2024 02' }, 'ACG_PROVISIONING_API_VERSION', /: must match/],
      [{ ACG_PROVISIONING_CREDENTIAL: 'password' }, 'ACG_PROVISIONING_CREDENTIAL', /="password": must be one of/],
      [{ ACG_PROVISIONING_AUTHORITY_HOST: 'nowhere' }, 'ACG_PROVISIONING_AUTHORITY_HOST', /: must be a URL$/],
      [{ ACG_PROVISIONING_AUTHORITY_HOST: 'file:///etc' }, 'ACG_PROVISIONING_AUTHORITY_HOST', /: must be an http\(s\) URL$/],
      [{ ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY: 'maybe' }, 'ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY', /: must be true or false$/],
      [{ ACG_PROVISIONING_TENANT_ID: '' }, 'ACG_PROVISIONING_TENANT_ID', /: required when ACG_PROVISIONING_CREDENTIAL is client-secret$/],
      [{ ACG_PROVISIONING_CLIENT_ID: '' }, 'ACG_PROVISIONING_CLIENT_ID', /: required when ACG_PROVISIONING_CREDENTIAL is client-secret$/],
      [
        { ACG_PROVISIONING_CLIENT_SECRET: '' },
        'ACG_PROVISIONING_CLIENT_SECRET',
        /: required when ACG_PROVISIONING_CREDENTIAL is client-secret$/,
      ],
      [{ ACG_PROVISIONING_SCOPE: 'api://acg' }, 'ACG_PROVISIONING_SCOPE', /="api:\/\/acg": must match/],
      [{ ACG_PROVISIONING_REQUESTS_PER_MINUTE: '-1' }, 'ACG_PROVISIONING_REQUESTS_PER_MINUTE', /: must be ≥ 0$/],
      [{ ACG_PROVISIONING_REQUESTS_PER_MINUTE: '100001' }, 'ACG_PROVISIONING_REQUESTS_PER_MINUTE', /: must be ≤ 100000$/],
      [{ ACG_PROVISIONING_REQUESTS_PER_MINUTE: 'lots' }, 'ACG_PROVISIONING_REQUESTS_PER_MINUTE', /: must be an integer$/],
      [{ ACG_PROVISIONING_RATE_LIMIT_SCOPE: 'region' }, 'ACG_PROVISIONING_RATE_LIMIT_SCOPE', /: must be one of "fleet", "process"$/],
      [{ ACG_PROVISIONING_REQUEST_TIMEOUT_MS: '99' }, 'ACG_PROVISIONING_REQUEST_TIMEOUT_MS', /: must be ≥ 100$/],
      [{ ACG_PROVISIONING_REQUEST_TIMEOUT_MS: '600001' }, 'ACG_PROVISIONING_REQUEST_TIMEOUT_MS', /: must be ≤ 600000$/],
      [{ ACG_PROVISIONING_TOKEN_TIMEOUT_MS: '99' }, 'ACG_PROVISIONING_TOKEN_TIMEOUT_MS', /: must be ≥ 100$/],
      [{ ACG_PROVISIONING_TOKEN_TIMEOUT_MS: '600001' }, 'ACG_PROVISIONING_TOKEN_TIMEOUT_MS', /: must be ≤ 600000$/],
      [{ ACG_PROVISIONING_RETRY_ATTEMPTS: '0' }, 'ACG_PROVISIONING_RETRY_ATTEMPTS', /: must be ≥ 1$/],
      [{ ACG_PROVISIONING_RETRY_ATTEMPTS: '51' }, 'ACG_PROVISIONING_RETRY_ATTEMPTS', /: must be ≤ 50$/],
      [{ ACG_PROVISIONING_RETRY_BASE_MS: '0' }, 'ACG_PROVISIONING_RETRY_BASE_MS', /: must be ≥ 1$/],
      [
        { ACG_PROVISIONING_RETRY_BASE_MS: '60001', ACG_PROVISIONING_RETRY_CAP_MS: '600000' },
        'ACG_PROVISIONING_RETRY_BASE_MS',
        /: must be ≤ 60000$/,
      ],
      [{ ACG_PROVISIONING_RETRY_CAP_MS: '600001' }, 'ACG_PROVISIONING_RETRY_CAP_MS', /: must be ≤ 600000$/],
      [
        { ACG_PROVISIONING_RETRY_BASE_MS: '5000', ACG_PROVISIONING_RETRY_CAP_MS: '1000' },
        'ACG_PROVISIONING_RETRY_CAP_MS',
        /^ACG_PROVISIONING_RETRY_CAP_MS: must be ≥ ACG_PROVISIONING_RETRY_BASE_MS$/,
      ],
      [{ ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD: '0' }, 'ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD', /: must be ≥ 1$/],
      [{ ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD: '1001' }, 'ACG_PROVISIONING_CIRCUIT_BREAKER_THRESHOLD', /: must be ≤ 1000$/],
      [{ ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS: '0' }, 'ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS', /: must be ≥ 1$/],
      [{ ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS: '3600001' }, 'ACG_PROVISIONING_CIRCUIT_BREAKER_COOLDOWN_MS', /: must be ≤ 3600000$/],
      [{ ACG_PROVISIONING_PAGE_SIZE: '0' }, 'ACG_PROVISIONING_PAGE_SIZE', /: must be ≥ 1$/],
      [{ ACG_PROVISIONING_PAGE_SIZE: '1001' }, 'ACG_PROVISIONING_PAGE_SIZE', /="1001": must be ≤ 1000$/],
      [{ ACG_PROVISIONING_POLL_INTERVAL_MS: '0' }, 'ACG_PROVISIONING_POLL_INTERVAL_MS', /: must be ≥ 1$/],
      [{ ACG_PROVISIONING_POLL_INTERVAL_MS: '600001' }, 'ACG_PROVISIONING_POLL_INTERVAL_MS', /: must be ≤ 600000$/],
    ];
    for (const [env, name, expected] of cases) assert.match(onlyProblem(env, name), expected, JSON.stringify(env));
  });

  it('lists every problem at once, never echoing the secret', () => {
    const problems = problemsOf({
      ACG_PROVISIONING_CLIENT_SECRET: 'hunter2-secret',
      ACG_PROVISIONING_CREDENTIAL: 'password',
      ACG_PROVISIONING_PAGE_SIZE: '1001',
      ACG_PROVISIONING_SCOPE: 'api://x',
      ACG_PROVISIONING_RETRY_BASE_MS: '5000',
      ACG_PROVISIONING_RETRY_CAP_MS: '1000',
    });
    const text = problems.join('\n');
    assert.match(text, /ACG_PROVISIONING_BASE_URL: required/);
    assert.match(text, /ACG_PROVISIONING_CREDENTIAL="password": must be one of/);
    assert.match(text, /ACG_PROVISIONING_PAGE_SIZE="1001": must be ≤ 1000/);
    assert.match(text, /ACG_PROVISIONING_SCOPE="api:\/\/x": must match/);
    assert.match(text, /ACG_PROVISIONING_RETRY_CAP_MS: must be ≥ ACG_PROVISIONING_RETRY_BASE_MS/);
    assert.equal(problems.length, 5);
    assert.ok(!text.includes('hunter2-secret'));
  });

  it('describes every variable, marks only the client secret secret, and names them all ACG_PROVISIONING_*', () => {
    for (const v of ACG_PROVISIONING_VARIABLES) {
      assert.match(v.name, /^ACG_PROVISIONING_[A-Z_]+$/);
      assert.ok(v.description.length > 10, v.name);
    }
    assert.deepEqual(
      ACG_PROVISIONING_VARIABLES.filter((v) => 'secret' in v && v.secret).map((v) => v.name),
      ['ACG_PROVISIONING_CLIENT_SECRET'],
    );
    assert.equal(new Set(ACG_PROVISIONING_VARIABLES.map((v) => v.name)).size, ACG_PROVISIONING_VARIABLES.length);
    assert.deepEqual(
      ACG_PROVISIONING_VARIABLES.filter((v) => !('default' in v)).map((v) => v.name),
      ['ACG_PROVISIONING_BASE_URL'],
    );
  });

  it("takes every setting the ACG simulator prints, and the simulator's values load", () => {
    const endpoints = {
      url: 'http://127.0.0.1:4010',
      apiVersion: '2024-02-29-preview',
      authorityHost: 'https://127.0.0.1:4011',
      tenantId: '0c0ffee0-0000-4000-8000-00000000000a',
      clientId: '0c0ffee0-0000-4000-8000-0000000000c1',
      clientSecret: 'simulator-secret',
      scope: 'https://provapi.example/.default',
    } as unknown as AcgSimulatorEndpoints;
    const env = acgClientEnvironment(endpoints);
    const names = new Set<string>(ACG_PROVISIONING_VARIABLES.map((v) => v.name));
    assert.deepEqual(
      Object.keys(env).filter((name) => !names.has(name)),
      [],
    );
    const config = loadAcgConfig(env);
    assert.equal(config.baseUrl, 'http://127.0.0.1:4010');
    assert.equal(config.auth.disableInstanceDiscovery, true);
    assert.equal(config.auth.scope, 'https://provapi.example/.default');
  });
});

describe('loadConfig and the ACG section', () => {
  it('is null while ACG_PROVISIONING_BASE_URL is unset, whatever else ACG_PROVISIONING_* says', () => {
    assert.equal(loadConfig({}).acg, null);
    assert.equal(loadConfig({ ACG_PROVISIONING_PAGE_SIZE: 'bogus', ACG_PROVISIONING_CREDENTIAL: 'nope' }).acg, null);
  });

  it('loads the section when the base URL is set, its secret among the config secrets', () => {
    const config = loadConfig(MINIMAL);
    assert.equal(config.acg?.baseUrl, 'https://provapi.contoso.example');
    assert.equal(config.operatorConnect, null);
    assert.ok(config.secrets.some((s) => s.reveal() === SECRET));
    assert.ok(!JSON.stringify(config).includes(SECRET));
  });

  it("folds the section's problems into its own", () => {
    assert.throws(
      () => loadConfig({ ACG_PROVISIONING_BASE_URL: 'https://provapi.contoso.example', HTTP_PORT: 'eighty' }),
      (e: unknown) =>
        e instanceof ConfigError &&
        e.problems.some((p) => p.startsWith('HTTP_PORT=')) &&
        e.problems.includes('ACG_PROVISIONING_CLIENT_SECRET: required when ACG_PROVISIONING_CREDENTIAL is client-secret'),
    );
  });

  it('never logs the client secret, even when a line carries the whole configuration or the value itself', () => {
    const config = loadConfig(MINIMAL);
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: config.secrets, destination });
    logger.info({ config }, 'configuration loaded');
    logger.info({ raw: config.acg?.auth.clientSecret.reveal() }, `leaked ${config.acg?.auth.clientSecret.reveal() ?? ''}`);
    const text = lines.join('');
    assert.ok(text.includes('configuration loaded'));
    assert.ok(!text.includes(SECRET), text);
  });

  it('reads BACKEND: operator-connect by default, acg when asked, nothing else', () => {
    assert.equal(loadConfig({}).reconciler.backend, 'operator-connect');
    assert.equal(loadConfig({ BACKEND: 'acg' }).reconciler.backend, 'acg');
    assert.throws(
      () => loadConfig({ BACKEND: 'teams' }),
      (e: unknown) =>
        e instanceof ConfigError && e.problems.some((p) => /^BACKEND="teams": must be one of "operator-connect", "acg"$/.test(p)),
    );
    const spec = RECONCILER_VARIABLES.find((v) => v.name === 'BACKEND');
    assert.equal(spec?.default, 'operator-connect');
  });
});
