import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ReadApiEntraSettings } from '../platform/config/ops-variables.js';
import type { Secret } from '../platform/config/secret.js';
import type { HttpReply } from '../platform/http/http-server.js';
import type { Logger } from '../platform/logging/logger.js';
import { apiError } from './api-errors.js';
import { EntraTokenValidator, InvalidTokenError } from './entra-tokens.js';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * What a route needs. READER: every GET under /v1. OPERATOR: anything that
 * changes state (no such route yet: a future one declares OPERATOR). The
 * operator role reads too.
 */
export const READER = 'read';
export const OPERATOR = 'operate';
export type Permission = typeof READER | typeof OPERATOR;

/** Who called: a static token (reads only) or an Entra ID token with the permissions its roles give. */
export interface Principal {
  readonly via: 'static-token' | 'entra-id';
  readonly permissions: readonly Permission[];
  /** Entra ID: the client application (azp/appid); static tokens: null. */
  readonly clientId: string | null;
}

const REALM = 'Bearer realm="flowthrough"';

const STATIC_TOKEN_PRINCIPAL: Principal = Object.freeze({
  via: 'static-token',
  permissions: Object.freeze([READER] as Permission[]),
  clientId: null,
});

/** RFC 6750 §3: error_description is a quoted string without '"' or '\'. */
function invalidToken(reason: 'expired' | 'invalid', description: string): HttpReply {
  const text = description.replace(/["\\]/g, "'");
  return apiError(401, reason === 'expired' ? 'ExpiredAuthenticationToken' : 'InvalidAuthenticationToken', description, {
    'www-authenticate': `${REALM}, error="invalid_token", error_description="${text}"`,
  });
}

/**
 * The read API's bearer authentication. Static tokens (READ_API_TOKENS) are
 * compared as sha256 digests in constant time, so neither length nor content
 * leaks through timing; any other token is validated as an Entra ID access
 * token when READ_API_ENTRA_* is configured. Missing or malformed credentials:
 * 401 with a challenge; a bad, expired or foreign JWT: 401 invalid_token; an
 * unknown token with Entra ID off: 403. A token is never logged.
 */
export class BearerAuth {
  private readonly digests: readonly Buffer[];
  private readonly entra: EntraTokenValidator | null;
  /**
   * The Authorization header a keep-alive connection already proved with a
   * static token: its next requests skip hashing (the call-time lookup answers
   * thousands a second on a few connections). Only a string this same
   * connection sent and that matched is compared, so the cache reveals nothing
   * about a token the caller does not already hold; static tokens do not
   * expire while the process runs.
   */
  private readonly provenOn = new WeakMap<Socket, string>();

  constructor(
    tokens: readonly Secret[],
    private readonly entraSettings: ReadApiEntraSettings | null = null,
    private readonly logger?: Logger,
  ) {
    this.digests = tokens.map((t) => digest(t.reveal()));
    this.entra = entraSettings ? new EntraTokenValidator(entraSettings) : null;
  }

  /** The caller when its connection already proved this Authorization header with a static token; else undefined (authenticate). */
  provenPrincipal(request: IncomingMessage): Principal | undefined {
    const header = request.headers.authorization;
    const socket = request.socket as Socket | undefined;
    return socket !== undefined && header !== undefined && this.provenOn.get(socket) === header ? STATIC_TOKEN_PRINCIPAL : undefined;
  }

  /** The caller, or the reply that refuses it. */
  async authenticate(request: IncomingMessage): Promise<Principal | HttpReply> {
    const proven = this.provenPrincipal(request);
    if (proven) return proven;
    const header = request.headers.authorization;
    const socket = request.socket as Socket | undefined;
    const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      const what = this.entra ? 'a token from READ_API_TOKENS or an Entra ID access token' : 'a token from READ_API_TOKENS';
      return apiError(401, 'Unauthorized', `send "Authorization: Bearer <token>" (${what})`, { 'www-authenticate': REALM });
    }
    const token = match[1];
    const given = digest(token);
    let ok = false;
    for (const d of this.digests) ok = timingSafeEqual(d, given) || ok;
    if (ok) {
      if (socket !== undefined && header !== undefined) this.provenOn.set(socket, header);
      return STATIC_TOKEN_PRINCIPAL;
    }
    if (!this.entra || !this.entraSettings) return apiError(403, 'Forbidden', 'the bearer token is not accepted');
    try {
      const identity = await this.entra.validate(token);
      const { readerRole, operatorRole } = this.entraSettings;
      const permissions: Permission[] = [];
      if (identity.roles.includes(readerRole) || identity.roles.includes(operatorRole)) permissions.push(READER);
      if (identity.roles.includes(operatorRole)) permissions.push(OPERATOR);
      return { via: 'entra-id', permissions, clientId: identity.clientId };
    } catch (error) {
      if (error instanceof InvalidTokenError) {
        this.logger?.info({ path: request.url?.split('?')[0], reason: error.message }, 'read API: access token refused');
        return invalidToken(error.reason, error.message);
      }
      this.logger?.error({ reason: (error as Error).message }, 'read API: Entra ID signing keys unavailable');
      return apiError(503, 'ServiceUnavailable', 'access tokens cannot be validated right now; try again later', { 'retry-after': '5' });
    }
  }

  /** null when the principal may do what the route needs, else the 403 that refuses it. */
  authorize(principal: Principal, needed: Permission): HttpReply | null {
    if (principal.permissions.includes(needed)) return null;
    const role = needed === OPERATOR ? this.entraSettings?.operatorRole : this.entraSettings?.readerRole;
    const why = principal.via === 'static-token' ? 'static tokens only read' : `the token's roles do not include ${role}`;
    return apiError(403, 'Forbidden', `this operation needs the ${needed} permission: ${why}`);
  }

  /**
   * A route-level guard: authenticates, checks the permission the route
   * needs, then runs it. Every /v1 handler goes through one: GETs need
   * READER, a state-changing route OPERATOR.
   */
  guard<A extends unknown[]>(
    needed: Permission,
    handler: (request: IncomingMessage, ...rest: A) => Promise<HttpReply>,
  ): (request: IncomingMessage, ...rest: A) => Promise<HttpReply> {
    return async (request, ...rest) => {
      const principal = await this.authenticate(request);
      if ('status' in principal) return principal;
      return this.authorize(principal, needed) ?? handler(request, ...rest);
    };
  }
}
