import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { ReadApiEntraSettings } from '../platform/config/ops-variables.js';

/** Clock skew allowed on exp and nbf, seconds. */
export const CLOCK_TOLERANCE_SECONDS = 60;
const FETCH_TIMEOUT_MS = 5_000;

/** A token Entra ID issued for this API: its app roles and who it was issued to (for logs). */
export interface EntraIdentity {
  readonly roles: readonly string[];
  /** azp (v2.0) or appid (v1.0): the client application, never secret. */
  readonly clientId: string | null;
}

/** Why a token is refused: 401 invalid_token with this description. */
export class InvalidTokenError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** The issuer or keys could not be reached: not the caller's fault (503). */
export class KeySetUnavailableError extends Error {
  override name = 'KeySetUnavailableError';
}

interface Trust {
  readonly issuer: string;
  readonly keys: JWTVerifyGetKey;
}

/**
 * Validates Entra ID access tokens with jose: RS256 signature against the
 * tenant's JWKS (jose's remote key set: cached, fetched again when a token
 * names a key it does not know, at most once per cooldown), issuer, audience,
 * exp and nbf with a small tolerance. The issuer and JWKS URL are explicit
 * settings or come from the tenant's OpenID configuration, fetched once
 * (again after a failure).
 */
export class EntraTokenValidator {
  private trust: Promise<Trust> | null = null;

  constructor(private readonly settings: ReadApiEntraSettings) {}

  async validate(token: string): Promise<EntraIdentity> {
    const trust = await this.trusted();
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, trust.keys, {
        issuer: trust.issuer,
        audience: [...this.settings.audiences],
        algorithms: ['RS256'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw explain(error);
    }
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    const client = typeof payload.azp === 'string' ? payload.azp : typeof payload.appid === 'string' ? payload.appid : null;
    return { roles, clientId: client };
  }

  private trusted(): Promise<Trust> {
    if (this.trust === null) {
      this.trust = this.resolve();
      // A failed discovery is tried again by the next request.
      this.trust.catch(() => {
        this.trust = null;
      });
    }
    return this.trust;
  }

  private async resolve(): Promise<Trust> {
    const { explicit, discovery, jwksCooldownMs } = this.settings;
    let issuer: string;
    let jwksUrl: string;
    if (explicit) {
      ({ issuer, jwksUrl } = explicit);
    } else if (discovery) {
      ({ issuer, jwksUrl } = await openIdConfiguration(
        `${discovery.authorityHost}/${discovery.tenantId}/v2.0/.well-known/openid-configuration`,
      ));
    } else {
      throw new KeySetUnavailableError('no Entra ID issuer configured');
    }
    const keys = createRemoteJWKSet(new URL(jwksUrl), { cooldownDuration: jwksCooldownMs, timeoutDuration: FETCH_TIMEOUT_MS });
    return { issuer, keys };
  }
}

async function openIdConfiguration(url: string): Promise<{ issuer: string; jwksUrl: string }> {
  let body: unknown;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    throw new KeySetUnavailableError(`the OpenID configuration ${url} could not be read: ${(error as Error).message}`);
  }
  const { issuer, jwks_uri: jwksUri } = (body ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (typeof issuer !== 'string' || typeof jwksUri !== 'string' || !jwksUri.startsWith('https://'))
    throw new KeySetUnavailableError(`the OpenID configuration ${url} has no issuer or https jwks_uri`);
  return { issuer, jwksUrl: jwksUri };
}

/** jose's verdict as a short reason for error_description (never the token itself). */
function explain(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('expired', 'the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'iss':
        return new InvalidTokenError('invalid', 'the token issuer is not accepted');
      case 'aud':
        return new InvalidTokenError('invalid', 'the token audience is not accepted');
      case 'nbf':
        return new InvalidTokenError('invalid', 'the token is not valid yet');
      default:
        return new InvalidTokenError('invalid', `the token claim ${error.claim} is not valid`);
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError('invalid', 'the token signature is invalid');
  if (error instanceof errors.JWKSNoMatchingKey) return new InvalidTokenError('invalid', 'the token is signed with an unknown key');
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return new InvalidTokenError('invalid', 'the token algorithm is not RS256');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JWKSMultipleMatchingKeys)
    return new InvalidTokenError('invalid', 'the token is not a valid JWT');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error instanceof errors.JOSEError)
    return new KeySetUnavailableError(`the signing keys could not be read: ${error.message}`);
  // fetch failures (TypeError) and the like: the key set is out of reach.
  return new KeySetUnavailableError(`the signing keys could not be read: ${(error as Error).message}`);
}
