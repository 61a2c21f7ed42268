import { generateKeyPairSync, sign, verify, type KeyObject, type JsonWebKey } from 'node:crypto';

/**
 * RS256 JSON Web Tokens with node:crypto, as Entra ID issues them. Only what
 * the fake token endpoint and the API's bearer check need.
 */

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export type JwtClaims = Readonly<Record<string, unknown>>;

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

export function createSigningKey(kid: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

export function signJwt(claims: JwtClaims, key: SigningKey): string {
  const input = `${encode({ typ: 'JWT', alg: 'RS256', kid: key.kid })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

export type VerifyResult = { readonly valid: true; readonly claims: JwtClaims } | { readonly valid: false; readonly reason: string };

/** Checks structure, algorithm and signature; the caller checks the claims. */
export function verifyJwt(token: string, key: SigningKey): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { valid: false, reason: 'the token is not a JWT' };
  const [header = '', payload = '', signature = ''] = parts;
  let parsedHeader: unknown;
  let claims: unknown;
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { valid: false, reason: 'the token cannot be decoded' };
  }
  const h = parsedHeader as { alg?: unknown; kid?: unknown };
  if (h.alg !== 'RS256') return { valid: false, reason: 'the token algorithm is not RS256' };
  if (h.kid !== key.kid) return { valid: false, reason: 'the token was signed with an unknown key' };
  if (!verify('sha256', Buffer.from(`${header}.${payload}`), key.publicKey, Buffer.from(signature, 'base64url'))) {
    return { valid: false, reason: 'the token signature is invalid' };
  }
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return { valid: false, reason: 'the token claims are not an object' };
  return { valid: true, claims: claims as JwtClaims };
}

/** The public key as a JWKS entry, for the fake Entra ID's jwks_uri. */
export function publicJwk(key: SigningKey): JsonWebKey & { kid: string; use: string; alg: string } {
  // The public KeyObject exports itself (createPublicKey accepts only a private KeyObject).
  const jwk = key.publicKey.export({ format: 'jwk' });
  return { ...jwk, kid: key.kid, use: 'sig', alg: 'RS256' };
}
