import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '../platform/logging/logger.js';
import type { Clock } from './clock.js';
import { readBody } from './http-kit.js';
import { publicJwk } from './jwt.js';
import type { EntraOperation } from './operations.js';
import type { Reply } from './reply.js';
import type { TokenAuthority } from './token-authority.js';

/**
 * The slice of Entra ID (v2.0 endpoints) that @azure/identity's
 * ClientSecretCredential, through MSAL Node, talks to when its
 * authorityHost points here with instance discovery disabled: the tenant's
 * OpenID metadata (MSAL requires authorization_endpoint, token_endpoint,
 * issuer and jwks_uri in it), the signing keys, and the token endpoint for
 * the client-credentials grant.
 */
export class FakeEntra {
  constructor(
    private readonly authority: TokenAuthority,
    private readonly tenantId: string,
    /** The resources tokens are issued for: the API's first. */
    private readonly audiences: readonly string[],
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Which operation a request is, before the pipeline decides on faults. */
  operationOf(request: IncomingMessage, url: URL): EntraOperation | 'unknown' {
    const segments = url.pathname.split('/').filter(Boolean);
    const rest = segments.slice(1).join('/');
    if (request.method === 'POST' && rest === 'oauth2/v2.0/token') return 'token';
    if (request.method === 'GET' && rest === 'v2.0/.well-known/openid-configuration') return 'openidConfiguration';
    if (request.method === 'GET' && rest === 'discovery/v2.0/keys') return 'jwks';
    return 'unknown';
  }

  async handle(request: IncomingMessage, url: URL, operation: EntraOperation | 'unknown', authorityHost: string): Promise<Reply> {
    const tenant = (url.pathname.split('/').filter(Boolean)[0] ?? '').toLowerCase();
    if (operation === 'unknown') {
      // Logged so that a new MSAL version asking for something else shows up at once.
      this.logger.warn({ method: request.method, path: url.pathname }, 'fake Entra ID: unknown path');
      return { status: 404, body: this.error('invalid_request', 90_000, `No endpoint at ${request.method ?? ''} ${url.pathname}.`) };
    }
    if (tenant !== this.tenantId) {
      return {
        status: 400,
        body: this.error('invalid_request', 90_002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID.`),
      };
    }
    const base = `${authorityHost}/${this.tenantId}`;
    switch (operation) {
      case 'openidConfiguration':
        return { status: 200, body: this.metadata(base) };
      case 'jwks':
        return { status: 200, body: { keys: this.authority.keys.map(publicJwk) } };
      case 'token':
        return this.token(request);
    }
  }

  private metadata(base: string): Record<string, unknown> {
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'ver', 'oid', 'roles'],
      tenant_region_scope: 'EU',
    };
  }

  private async token(request: IncomingMessage): Promise<Reply> {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') {
      return this.fail(400, 'invalid_request', 900_144, 'The request body must be application/x-www-form-urlencoded.');
    }
    const form = new URLSearchParams((await readBody(request, 64 * 1024)).toString('utf8'));
    const basic = basicCredentials(request.headers.authorization);
    const grantType = form.get('grant_type');
    const clientId = form.get('client_id') ?? basic?.clientId;
    const clientSecret = form.get('client_secret') ?? basic?.clientSecret;
    if (grantType !== 'client_credentials') {
      return this.fail(
        400,
        'unsupported_grant_type',
        70_003,
        `The grant type '${grantType ?? ''}' is not supported here; use client_credentials.`,
      );
    }
    if (!clientId) return this.fail(400, 'invalid_request', 900_144, "The request body must contain the following parameter: 'client_id'.");
    const client = this.authority.client(clientId);
    if (!client) {
      return this.fail(
        400,
        'unauthorized_client',
        700_016,
        `Application with identifier '${clientId}' was not found in the directory '${this.tenantId}'.`,
      );
    }
    if (!clientSecret) {
      return this.fail(
        401,
        'invalid_client',
        7_000_218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (clientSecret !== client.clientSecret) {
      return this.fail(401, 'invalid_client', 7_000_215, `Invalid client secret provided for app '${clientId}'.`);
    }
    const scopes = (form.get('scope') ?? '').split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    const resource = scopes.length === 1 && scopes[0]?.endsWith('/.default') ? scopes[0].slice(0, -'/.default'.length) : undefined;
    if (resource === undefined) {
      return this.fail(
        400,
        'invalid_scope',
        1_002_012,
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.`,
      );
    }
    if (!this.audiences.includes(resource)) {
      return this.fail(
        400,
        'invalid_resource',
        500_011,
        `The resource principal named ${resource} was not found in the tenant ${this.tenantId}.`,
      );
    }
    const token = this.authority.issue(client, resource === this.audiences[0] ? {} : { audience: resource });
    return {
      status: 200,
      body: { token_type: 'Bearer', expires_in: token.expiresIn, ext_expires_in: token.expiresIn, access_token: token.accessToken },
      headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' },
    };
  }

  private fail(status: number, error: string, code: number, description: string): Reply {
    return { status, body: this.error(error, code, description) };
  }

  private error(error: string, code: number, description: string): Record<string, unknown> {
    return entraErrorBody(error, code, description, this.clock.now());
  }
}

/** Entra ID's error body: an OAuth error plus AADSTS codes and trace ids. */
export function entraErrorBody(error: string, code: number, description: string, now: number): Record<string, unknown> {
  const traceId = randomUUID();
  const timestamp = new Date(now).toISOString();
  return {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: randomUUID(),
  };
}

/**
 * The answer of an injected token-endpoint fault in Entra ID's own form
 * (the codes are modelled: Entra ID documents them, not when it sends them).
 */
export function entraFaultBody(status: 429 | 500 | 503, now: number): Record<string, unknown> {
  switch (status) {
    case 429:
      return entraErrorBody('temporarily_unavailable', 90_055, 'There are too many incoming requests; retry after the given delay.', now);
    case 500:
      return entraErrorBody('server_error', 50_000, 'There was an error issuing a token; please try again.', now);
    case 503:
      return entraErrorBody('temporarily_unavailable', 90_006, 'The service is temporarily unavailable; please try again.', now);
  }
}

function basicCredentials(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decodeURIComponent(decoded.slice(0, colon)), clientSecret: decodeURIComponent(decoded.slice(colon + 1)) };
}
