import { readFileSync } from 'node:fs';
import { type ConnectionOptions, type PeerCertificate, checkServerIdentity as tlsCheckServerIdentity } from 'node:tls';
import type { TokenCredential } from '@azure/identity';
import { pino } from 'pino';
import type { Logger } from '../logging/logger.js';
import { createEntraCredential } from '../identity/entra-credential.js';
import { DEFAULT_REFRESH_MARGIN_MS, TokenCache } from '../identity/token-cache.js';
import type { EntraTokenSettings } from '../config/entra-variables.js';

export type DatabaseSslMode = '' | 'disable' | 'require' | 'verify-ca' | 'verify-full';

/** DATABASE_SSL_*: empty mode leaves TLS to DATABASE_URL's sslmode. */
export interface DatabaseSslConfig {
  readonly mode: DatabaseSslMode;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** DATABASE_AUTH=entra and its DATABASE_ENTRA_* settings: an Entra ID credential and the token scope. */
export type DatabaseEntraConfig = EntraTokenSettings;

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

/** How long before its expiry a cached token is replaced (TokenCache's margin). */
export const TOKEN_REFRESH_MARGIN_MS = DEFAULT_REFRESH_MARGIN_MS;

/**
 * pg's `password` as an async function: an Entra ID access token for the scope, from the same
 * cache as every other Entra ID token of ours (renewed within TOKEN_REFRESH_MARGIN_MS of expiry,
 * one request for concurrent connections). A failure is one line naming DATABASE_AUTH=entra.
 */
export function entraPassword(
  credential: TokenCredential,
  scope: string,
  options: { readonly now?: () => number; readonly logger?: Logger } = {},
): () => Promise<string> {
  // Without a logger (a caller that has none) a failed renewal ahead of expiry is still told, on stderr.
  const logger = options.logger ?? pino({ name: 'flowthrough', level: 'warn' }, pino.destination(2));
  const tokens = new TokenCache(credential, { clock: { now: options.now ?? Date.now }, logger });
  return async () => {
    try {
      return await tokens.get(scope);
    } catch (error) {
      throw new Error(
        `DATABASE_AUTH=entra: no Entra ID token for DATABASE_ENTRA_SCOPE=${scope}: ${(error as Error).message.split('\n')[0]}`,
        { cause: error },
      );
    }
  };
}
