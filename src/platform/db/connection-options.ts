import { readFileSync } from 'node:fs';
import { type ConnectionOptions, type PeerCertificate, checkServerIdentity as tlsCheckServerIdentity } from 'node:tls';
import type { TokenCredential } from '@azure/identity';
import { createEntraCredential } from '../identity/entra-credential.js';
import type { Secret } from '../config/secret.js';

export type DatabaseSslMode = '' | 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** DATABASE_SSL_*: empty mode leaves TLS to DATABASE_URL's sslmode. */
export interface DatabaseSslConfig {
  readonly mode: DatabaseSslMode;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** DATABASE_AUTH=entra and its DATABASE_ENTRA_* settings. */
export interface DatabaseEntraConfig {
  readonly credential: 'client-secret' | 'managed-identity' | 'default';
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly authorityHost: string;
  readonly disableInstanceDiscovery: boolean;
  readonly managedIdentityClientId: string;
  readonly scope: string;
}

export interface DatabaseConnectionConfig {
  readonly ssl?: DatabaseSslConfig;
  /** null or absent: DATABASE_URL's password. */
  readonly entra?: DatabaseEntraConfig | null;
  /** With entra: a credential made beforehand (tests share its token cache); absent: made from entra. */
  readonly credential?: TokenCredential;
}

function readPem(setting: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${setting}=${file}: cannot read it (${(error as Error).message})`);
  }
}

/**
 * pg's `ssl` option for DATABASE_SSL_*; undefined leaves DATABASE_URL's sslmode in charge.
 * verify-ca checks the chain only; verify-full also the host name (servername: the host).
 */
export function sslOptions(ssl: DatabaseSslConfig | undefined): ConnectionOptions | false | undefined {
  if (ssl === undefined || ssl.mode === '') return undefined;
  if (ssl.mode === 'disable') return false;
  const options: ConnectionOptions = {};
  if (ssl.caFile) options.ca = readPem('DATABASE_SSL_CA_FILE', ssl.caFile);
  if (ssl.certFile) options.cert = readPem('DATABASE_SSL_CERT_FILE', ssl.certFile);
  if (ssl.keyFile) options.key = readPem('DATABASE_SSL_KEY_FILE', ssl.keyFile);
  switch (ssl.mode) {
    case 'require':
      options.rejectUnauthorized = false;
      break;
    case 'verify-ca':
      options.rejectUnauthorized = true;
      options.checkServerIdentity = () => undefined;
      break;
    case 'verify-full':
      options.rejectUnauthorized = true;
      options.checkServerIdentity = (host: string, cert: PeerCertificate) => tlsCheckServerIdentity(host, cert);
      break;
  }
  return options;
}

/**
 * pg's connection string parser turns sslmode into its own `ssl` object, which beats the
 * `ssl` option; with DATABASE_SSL_MODE set, the URL's ssl* parameters are dropped.
 */
export function withoutSslParameters(url: string): string {
  try {
    const u = new URL(url);
    for (const name of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'sslcompat']) u.searchParams.delete(name);
    return u.toString();
  } catch {
    return url;
  }
}

export { createEntraCredential };

/** How long before its expiry a cached token is replaced. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * pg's `password` as an async function: an Entra ID access token for the scope, asked of the
 * credential only when the cached one is missing or within TOKEN_REFRESH_MARGIN_MS of expiry.
 * Concurrent connections share one request.
 */
export function entraPassword(credential: TokenCredential, scope: string, now: () => number = Date.now): () => Promise<string> {
  let cached: { token: string; expiresOnTimestamp: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    if (cached && cached.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS > now()) return cached.token;
    pending ??= (async () => {
      try {
        const token = await credential.getToken(scope);
        if (!token) throw new Error(`DATABASE_AUTH=entra: the credential returned no token for ${scope}`);
        cached = { token: token.token, expiresOnTimestamp: token.expiresOnTimestamp };
        return token.token;
      } catch (error) {
        throw new Error(
          `DATABASE_AUTH=entra: no Entra ID token for DATABASE_ENTRA_SCOPE=${scope}: ${(error as Error).message.split('\n')[0]}`,
          { cause: error },
        );
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
