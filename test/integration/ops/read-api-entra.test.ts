import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import tls from 'node:tls';
import { loadOpsConfig } from '../../../src/platform/config/ops-variables.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { BearerAuth, createReadApiRoutes, OPERATOR, READER } from '../../../src/read-api/index.js';
import { createSimulator } from '../../../src/simulator/index.js';
import { onCleanup } from '../../support/test-context.js';
import { createOpsDatabase } from '../../support/ops.js';

const STATIC_TOKEN = 'read-api-static-token-0123456789';
const AUDIENCE = 'api://flowthrough-read-api';

const { pool } = await createOpsDatabase();

// The simulator's fake Entra ID: RS256 tokens, OpenID configuration and JWKS over HTTPS (self-signed).
const simulator = createSimulator({ processingDelayMs: 0, rateLimitPerSecond: 0 });
const endpoints = await simulator.start();
onCleanup(() => simulator.stop());
const trustedBefore = tls.getCACertificates('default');
tls.setDefaultCACertificates([...trustedBefore, endpoints.caCertificatePem]);
onCleanup(async () => tls.setDefaultCACertificates(trustedBefore));

const issuer = `${endpoints.authorityHost}/${endpoints.tenantId}/v2.0`;
const jwksUrl = `${endpoints.authorityHost}/${endpoints.tenantId}/discovery/v2.0/keys`;

// Every log line of every read API in this file, through the platform logger (its redaction on).
const lines: string[] = [];
const logger = createLogger({
  level: 'trace',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  }),
});
/** Every token a test sent: none may show up in a log line. */
const sent = new Set<string>([STATIC_TOKEN]);

const ENTRA_ENV = {
  READ_API_TOKENS: STATIC_TOKEN,
  READ_API_ENTRA_TENANT_ID: endpoints.tenantId,
  READ_API_ENTRA_AUTHORITY_HOST: endpoints.authorityHost,
  READ_API_ENTRA_AUDIENCE: `other-audience,${AUDIENCE}`,
  READ_API_ENTRA_JWKS_COOLDOWN_MS: '0',
};

async function serve(env: Record<string, string>): Promise<string> {
  const server = new HttpServer(logger);
  for (const r of createReadApiRoutes(loadOpsConfig(env), { pool, logger })) server.route(r);
  const port = await server.listen(0, '127.0.0.1');
  onCleanup(() => server.close());
  return `http://127.0.0.1:${port}`;
}

const base = await serve(ENTRA_ENV);

function token(roles: readonly string[] = ['Flowthrough.Read'], overrides: Record<string, unknown> = {}): string {
  const t = simulator.admin.issueToken(undefined, { audience: AUDIENCE, roles, ...overrides });
  sent.add(t);
  return t;
}

async function call(path: string, bearer?: string, at = base, method = 'GET') {
  const response = await fetch(`${at}${path}`, { method, headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` } });
  const body = (await response.json()) as { error?: { code: string; message: string } } & Record<string, unknown>;
  return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
}

/** 401 with an RFC 6750 invalid_token challenge naming the reason, and the Azure-style error body. */
function assertInvalidToken(reply: Awaited<ReturnType<typeof call>>, description: RegExp, code = 'InvalidAuthenticationToken'): void {
  assert.equal(reply.status, 401, JSON.stringify(reply.body));
  assert.match(reply.challenge ?? '', /^Bearer realm="flowthrough", error="invalid_token", error_description="[^"]+"$/);
  assert.match(reply.challenge ?? '', description);
  assert.equal(reply.body.error?.code, code);
  assert.deepEqual(Object.keys(reply.body.error ?? {}).sort(), ['code', 'message']);
}

describe('read API with Entra ID access tokens', () => {
  it('answers 200 to a reader token (issuer and keys from the OpenID configuration) and to an operator token', async () => {
    const reader = await call('/v1/accounts', token());
    assert.equal(reader.status, 200, JSON.stringify(reader.body));
    assert.deepEqual(reader.body.value, []);
    assert.equal((await call('/v1/orders/none', token())).status, 404, 'authenticated, then not found');
    assert.equal((await call('/v1/accounts', token(['Flowthrough.Operate']))).status, 200, 'an operator reads too');
  });

  it('answers 403 to a valid token without the reader role', async () => {
    for (const roles of [[], ['Some.Other.Role'], ['flowthrough.read']]) {
      const reply = await call('/v1/accounts', token(roles));
      assert.equal(reply.status, 403, JSON.stringify(roles));
      assert.equal(reply.body.error?.code, 'Forbidden');
      assert.match(reply.body.error?.message ?? '', /Flowthrough\.Read/);
    }
  });

  it('answers 401 invalid_token to a wrong audience, a wrong issuer, an expired token, a bad signature or a non-JWT', async () => {
    assertInvalidToken(await call('/v1/accounts', token(undefined, { audience: 'api://someone-else' })), /audience/);
    assertInvalidToken(
      await call('/v1/accounts', token(undefined, { issuer: 'https://login.microsoftonline.com/another-tenant/v2.0' })),
      /issuer/,
    );
    const expired = token(undefined, { issuedAt: Date.now() - 2 * 3_600_000, lifetimeSeconds: 3_600 });
    assertInvalidToken(await call('/v1/accounts', expired), /expired/, 'ExpiredAuthenticationToken');
    const [header, payload] = token().split('.');
    const otherSignature = token(['Flowthrough.Operate']).split('.')[2];
    const forged = `${header}.${payload}.${otherSignature}`;
    sent.add(forged);
    assertInvalidToken(await call('/v1/accounts', forged), /signature/);
    assertInvalidToken(await call('/v1/accounts', 'not-a-jwt-and-not-a-static-token'), /not a valid JWT/);
    const none = await call('/v1/accounts');
    assert.equal(none.status, 401);
    assert.equal(none.challenge, 'Bearer realm="flowthrough"', 'no error attribute without a token (RFC 6750 §3)');
  });

  it('accepts a token within the clock tolerance (60 s) past its expiry or before its nbf', async () => {
    const justExpired = token(undefined, { issuedAt: Date.now() - 3_630_000, lifetimeSeconds: 3_600 });
    assert.equal((await call('/v1/accounts', justExpired)).status, 200);
    const early = token(undefined, { issuedAt: Date.now() + 30_000 });
    assert.equal((await call('/v1/accounts', early)).status, 200);
    assertInvalidToken(await call('/v1/accounts', token(undefined, { issuedAt: Date.now() + 600_000 })), /not valid yet/);
  });

  it('accepts a token signed with a rotated key once the JWKS is fetched again, and the old key’s tokens still', async () => {
    const before = token();
    assert.equal((await call('/v1/accounts', before)).status, 200);
    const kid = simulator.admin.rotateSigningKey();
    const after = token();
    assert.equal(JSON.parse(Buffer.from(after.split('.')[0] ?? '', 'base64url').toString('utf8')).kid, kid);
    assert.equal((await call('/v1/accounts', after)).status, 200);
    assert.equal((await call('/v1/accounts', before)).status, 200);
  });

  it('keeps accepting static tokens, which read but never operate', async () => {
    assert.equal((await call('/v1/accounts', STATIC_TOKEN)).status, 200);
    assert.equal((await call('/v1/accounts', STATIC_TOKEN, base, 'POST')).status, 405);
  });

  it('takes an explicit issuer and JWKS URL instead of the OpenID configuration', async () => {
    const explicit = await serve({
      READ_API_ENTRA_ISSUER: issuer,
      READ_API_ENTRA_JWKS_URL: jwksUrl,
      READ_API_ENTRA_AUDIENCE: AUDIENCE,
      READ_API_READER_ROLE: 'Custom.Reader',
    });
    assert.equal((await call('/v1/accounts', token(['Custom.Reader']), explicit)).status, 200);
    assert.equal((await call('/v1/accounts', token(['Flowthrough.Read']), explicit)).status, 403);
    assert.equal((await call('/v1/accounts', STATIC_TOKEN, explicit)).status, 401, 'no static tokens configured: not a JWT');
  });

  it("works with tokens and key rotations from the simulator's HTTP admin (POST /admin/tokens, /admin/signing-keys/rotate)", async () => {
    const post = (path: string, body?: unknown) =>
      fetch(`${endpoints.adminUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const rotated = await post('/signing-keys/rotate');
    assert.equal(rotated.status, 200);
    const { kid } = (await rotated.json()) as { kid: string };
    const issued = await post('/tokens', { roles: ['Flowthrough.Read'], audience: AUDIENCE, lifetimeSeconds: 300 });
    assert.equal(issued.status, 200);
    const { access_token: accessToken } = (await issued.json()) as { access_token: string };
    sent.add(accessToken);
    assert.equal(JSON.parse(Buffer.from(accessToken.split('.')[0] ?? '', 'base64url').toString('utf8')).kid, kid);
    assert.equal((await call('/v1/accounts', accessToken)).status, 200);
    assert.equal((await post('/tokens', { lifetimeSeconds: 'long' })).status, 400);
  });

  it('answers 503 when the signing keys cannot be fetched', async () => {
    const unreachable = await serve({
      READ_API_ENTRA_ISSUER: issuer,
      READ_API_ENTRA_JWKS_URL: 'https://127.0.0.1:1/keys',
      READ_API_ENTRA_AUDIENCE: AUDIENCE,
    });
    const reply = await call('/v1/accounts', token(), unreachable);
    assert.equal(reply.status, 503);
    assert.equal(reply.body.error?.code, 'ServiceUnavailable');
  });
});

describe('read API route-level permission guard', () => {
  it('lets an operator token through a state-changing route and refuses readers and static tokens with 403', async () => {
    const settings = loadOpsConfig(ENTRA_ENV).readApi;
    const auth = new BearerAuth(settings.tokens, settings.entra ?? null, logger);
    const change = auth.guard(OPERATOR, async (request: IncomingMessage) => ({ status: 200, body: { changedBy: request.method } }));
    const read = auth.guard(READER, async () => ({ status: 200, body: { read: true } }));
    const server = new HttpServer(logger);
    server.route(async (request, url) => {
      if (url.pathname === '/v1/ops/change' && request.method === 'POST') return change(request);
      if (url.pathname === '/v1/ops/read') return read(request);
      return undefined;
    });
    const at = `http://127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
    onCleanup(() => server.close());

    const operator = await call('/v1/ops/change', token(['Flowthrough.Operate']), at, 'POST');
    assert.equal(operator.status, 200);
    assert.deepEqual(operator.body, { changedBy: 'POST' });
    const reader = await call('/v1/ops/change', token(['Flowthrough.Read']), at, 'POST');
    assert.equal(reader.status, 403);
    assert.match(reader.body.error?.message ?? '', /Flowthrough\.Operate/);
    const staticToken = await call('/v1/ops/change', STATIC_TOKEN, at, 'POST');
    assert.equal(staticToken.status, 403);
    assert.match(staticToken.body.error?.message ?? '', /static tokens only read/);
    assertInvalidToken(await call('/v1/ops/change', token(['Flowthrough.Operate'], { audience: 'x' }), at, 'POST'), /audience/);
    assert.equal((await call('/v1/ops/read', token(['Flowthrough.Read']), at)).status, 200);
    assert.equal((await call('/v1/ops/read', STATIC_TOKEN, at)).status, 200);
  });
});

describe('read API logging', () => {
  it('never writes a token into a log line, and redacts an Authorization header logged by anyone', async () => {
    const leaked = token();
    logger.info({ headers: { authorization: `Bearer ${leaked}` } }, 'a request');
    logger.info({ req: { headers: { authorization: `Bearer ${leaked}` } } }, 'a request, nested');
    assert.ok(
      lines.some((l) => l.includes('access token refused')),
      'refusals are logged (without the token)',
    );
    assert.ok(lines.filter((l) => l.includes('a request')).every((l) => l.includes('[Redacted]')));
    for (const t of sent) {
      for (const part of [t, ...t.split('.').filter((p) => p.length > 40)]) {
        const line = lines.find((l) => l.includes(part));
        assert.equal(line, undefined, `a token (or its signature) is in a log line: ${line}`);
      }
    }
  });
});
