import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';
import { createSigningKey, signJwt, verifyJwt, type SigningKey } from './jwt.js';
import { ApiError } from './reply.js';

/**
 * An application the authority issues tokens to, with the app roles of its
 * token (strings: the Operator Connect simulator's roles, or another API's
 * such as the ACG Provisioning API's ProvisioningAPI.*).
 */
export interface RegisteredApp {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly registered: boolean;
  readonly roles: readonly string[];
}

/** Who called the API, from a verified token. */
export interface Principal {
  readonly clientId: string;
  readonly tenantId: string;
  readonly roles: readonly string[];
}

export interface IssuedToken {
  readonly accessToken: string;
  readonly expiresIn: number;
}

/** Test-double knobs for one minted token (the token endpoint never uses them). */
export interface TokenOverrides {
  /** The `roles` claim instead of the app's portal roles (any strings, e.g. another API's app roles). */
  readonly roles?: readonly string[];
  readonly audience?: string;
  readonly issuer?: string;
  readonly lifetimeSeconds?: number;
  /** iat and nbf, epoch ms; default: the simulator's clock. */
  readonly issuedAt?: number;
}

/**
 * Mints Entra-ID-shaped v2 app tokens and checks them on the API side: the
 * signature, issuer, audience and expiry (on the simulator's clock, no
 * skew, so a test can expire a token exactly), then the app's portal
 * registration.
 */
export class TokenAuthority {
  private readonly signingKeys: SigningKey[] = [createSigningKey(randomBytes(8).toString('hex'))];
  private authorityHost = 'https://login.invalid';

  constructor(
    private readonly tenantId: string,
    private readonly audience: string,
    private readonly clients: readonly RegisteredApp[],
    private readonly lifetimeSeconds: number,
    private readonly clock: Clock,
  ) {}

  /** The key new tokens are signed with: the newest. */
  get key(): SigningKey {
    return this.signingKeys[this.signingKeys.length - 1] as SigningKey;
  }

  /** Every key the JWKS publishes, oldest first: tokens signed with an earlier key stay valid. */
  get keys(): readonly SigningKey[] {
    return this.signingKeys;
  }

  /** Key rotation: a new key joins the JWKS and signs every token from now on. */
  rotateKey(): SigningKey {
    this.signingKeys.push(createSigningKey(randomBytes(8).toString('hex')));
    return this.key;
  }

  /** Known once the HTTPS server listens. */
  setAuthorityHost(host: string): void {
    this.authorityHost = host;
  }

  get issuer(): string {
    return `${this.authorityHost}/${this.tenantId}/v2.0`;
  }

  get scope(): string {
    return `${this.audience}/.default`;
  }

  client(clientId: string): RegisteredApp | undefined {
    return this.clients.find((c) => c.clientId === clientId.toLowerCase());
  }

  issue(client: RegisteredApp, overrides: TokenOverrides = {}): IssuedToken {
    const now = Math.floor((overrides.issuedAt ?? this.clock.now()) / 1000);
    const lifetimeSeconds = overrides.lifetimeSeconds ?? this.lifetimeSeconds;
    // A stable object id per app, as a service principal has.
    const oid = uuidFrom(createHash('sha256').update(`sp:${client.clientId}`).digest());
    const claims = {
      aud: overrides.audience ?? this.audience,
      iss: overrides.issuer ?? this.issuer,
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      azp: client.clientId,
      appid: client.clientId,
      azpacr: '1',
      idtyp: 'app',
      oid,
      sub: oid,
      roles: overrides.roles ?? client.roles,
      tid: this.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '2.0',
    };
    return { accessToken: signJwt(claims, this.key), expiresIn: lifetimeSeconds };
  }

  /** The API side: a Principal, or the 401/403 the real service would answer. */
  authenticate(authorization: string | undefined): Principal {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match?.[1]) throw this.unauthorized('InvalidAuthenticationToken', 'The request has no bearer access token.', false);
    const token = match[1];
    const result = this.signingKeys.map((k) => verifyJwt(token, k)).find((r) => r.valid) ?? verifyJwt(token, this.key);
    if (!result.valid) throw this.unauthorized('InvalidAuthenticationToken', `The access token is invalid: ${result.reason}.`);
    const claims = result.claims;
    const now = this.clock.now() / 1000;
    if (typeof claims.exp !== 'number' || now >= claims.exp) {
      const at = typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : 'an unknown time';
      throw this.unauthorized('ExpiredAuthenticationToken', `The access token expired at ${at}.`);
    }
    if (typeof claims.nbf === 'number' && now < claims.nbf)
      throw this.unauthorized('InvalidAuthenticationToken', 'The access token is not valid yet.');
    if (claims.iss !== this.issuer) throw this.unauthorized('InvalidAuthenticationToken', `The access token issuer is not ${this.issuer}.`);
    if (claims.aud !== this.audience)
      throw this.unauthorized('InvalidAuthenticationToken', `The access token audience is not ${this.audience}.`);
    const clientId = typeof claims.azp === 'string' ? claims.azp : '';
    const client = this.client(clientId);
    if (!client) throw this.unauthorized('InvalidAuthenticationToken', 'The access token was issued to an unknown application.');
    if (!client.registered) {
      throw new ApiError(
        403,
        'ApplicationNotRegistered',
        `The application ${clientId} is not registered in the Operator Connect portal. Add its Application ID on the portal's configuration page.`,
      );
    }
    const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
    return { clientId, tenantId: String(claims.tid ?? ''), roles };
  }

  private unauthorized(code: 'InvalidAuthenticationToken' | 'ExpiredAuthenticationToken', message: string, withError = true): ApiError {
    // RFC 6750 §3: no error attribute when the request carried no token at all.
    const params = [`authorization_uri="${this.authorityHost}/${this.tenantId}/oauth2/v2.0/authorize"`, `resource_id="${this.audience}"`];
    if (withError) params.push('error="invalid_token"', `error_description="${message.replace(/"/g, "'")}"`);
    return new ApiError(401, code, message, [], { 'www-authenticate': `Bearer ${params.join(', ')}` });
  }
}

/** Requires one of the roles; 403 otherwise. */
export function requireRole(principal: Principal, anyOf: readonly string[]): void {
  if (!anyOf.some((r) => principal.roles.includes(r))) {
    throw new ApiError(403, 'InsufficientPermissions', `The application needs one of the roles ${anyOf.join(', ')} for this operation.`);
  }
}

function uuidFrom(bytes: Buffer): string {
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
