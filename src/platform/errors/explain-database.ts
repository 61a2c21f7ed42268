import { FlowthroughError } from '../../core/errors.js';
import {
  allMessages,
  errorChain,
  firstText,
  isTlsProblem,
  messageOf,
  NETWORK_REASONS,
  oneLine,
  systemCode,
  text,
  type ErrorLike,
} from './error-chain.js';
import type { Explanation } from './explanation.js';

/** Where DATABASE_URL points, as pg reads it, with the password hidden. */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string | undefined;
  /** The URL with its password (and a password= parameter) replaced by ***. */
  readonly redacted: string;
}

/** DATABASE_URL fit for a message: the password, wherever it is, becomes ***. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const name of ['password', 'sslpassword']) if (u.searchParams.has(name)) u.searchParams.set(name, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return '<not a URL>';
  }
}

export function databaseTarget(url: string): DatabaseTarget {
  const redacted = redactDatabaseUrl(url);
  try {
    const u = new URL(url);
    const host = u.searchParams.get('host') || decodeURIComponent(u.hostname) || 'localhost';
    const port = Number(u.searchParams.get('port') || u.port || 5432);
    const user = u.username ? decodeURIComponent(u.username) : undefined;
    const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || user || 'postgres';
    return { host, port, database, user, redacted };
  } catch {
    return { host: 'localhost', port: 5432, database: 'postgres', user: undefined, redacted };
  }
}

/** pg's server errors carry a severity and a five-character SQLSTATE. */
function sqlState(chain: readonly ErrorLike[]): string | undefined {
  for (const e of chain) {
    const code = text(e, 'code');
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code) && (e.severity !== undefined || !/^E/.test(code))) return code;
  }
  return undefined;
}

/** pg's own words for a connection that went nowhere (it sets no code on these). */
const PG_CONNECTION_MESSAGES: readonly [RegExp, string][] = [
  [/timeout expired|connection timeout/i, 'no answer within the connection timeout'],
  [
    /Connection terminated unexpectedly/i,
    'the server closed the connection (is it PostgreSQL, and does it accept this client? see its log)',
  ],
];

/** The TLS failures DATABASE_SSL_* explains: a name mismatch, an unknown CA, no TLS on the server. */
function tlsProblem(chain: readonly ErrorLike[], host: string): { reason: string; hint: string } | undefined {
  const codes = chain.map((e) => text(e, 'code'));
  const messages = allMessages(chain);
  if (codes.includes('ERR_TLS_CERT_ALTNAME_INVALID') || /does not match certificate's altnames/i.test(messages))
    return {
      reason: `TLS refused: the server certificate does not name "${host}" (DATABASE_SSL_MODE=verify-full)`,
      hint: 'connect by a name the certificate holds, or use DATABASE_SSL_MODE=verify-ca',
    };
  if (
    codes.some(
      (c) =>
        c === 'SELF_SIGNED_CERT_IN_CHAIN' ||
        c === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
        c === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
        c === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    ) ||
    /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer/i.test(messages)
  )
    return {
      reason: 'TLS refused: the server certificate is not signed by a trusted CA (DATABASE_SSL_MODE=verify-ca/verify-full)',
      hint: 'set DATABASE_SSL_CA_FILE to the PEM of the CA that signs it',
    };
  if (/The server does not support SSL connections/i.test(messages))
    return { reason: 'the server does not support TLS', hint: 'enable ssl on the server, or set DATABASE_SSL_MODE=disable' };
  return undefined;
}

/** Codes the migrator and the worker's start-up checks throw: their own message says what to do. */
const OWN_CODES = /^(database_|migration_)/;

/**
 * One line for a PostgreSQL failure: cannot connect, authentication refused,
 * the database missing, not migrated (or behind), or anything else, always
 * naming DATABASE_URL with its password hidden.
 */
export function explainDatabaseError(error: unknown, databaseUrl: string, auth: 'password' | 'entra' = 'password'): Explanation {
  const target = databaseTarget(databaseUrl);
  const setting = `DATABASE_URL=${target.redacted}`;
  const at = `${target.host}:${target.port}`;

  if (error instanceof FlowthroughError && OWN_CODES.test(error.code)) {
    const line = error.message.includes('DATABASE_URL=') ? error.message : `${error.message} (${setting})`;
    return { code: error.code, line, retryable: error.retryable };
  }

  const chain = errorChain(error);
  const state = sqlState(chain);
  const serverMessage = oneLine(firstText(chain, 'message') ?? messageOf(error));
  const unreachable = (reason: string, hint: string): Explanation => ({
    code: 'database_unreachable',
    line: `cannot connect to PostgreSQL at ${at} (${setting}): ${reason}; ${hint}`,
    retryable: true,
  });

  if (state === undefined) {
    const code = systemCode(chain);
    if (code === 'ECONNREFUSED') return unreachable('connection refused', 'is it running?');
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return unreachable(`${NETWORK_REASONS[code]} for "${target.host}"`, 'check the host in DATABASE_URL');
    if (code === 'ENOENT') return unreachable(`no socket at ${target.host}`, 'is it running?');
    const tls = tlsProblem(chain, target.host);
    if (tls !== undefined) return unreachable(tls.reason, tls.hint);
    if (isTlsProblem(chain)) {
      return unreachable(
        `TLS failed: ${serverMessage}`,
        'check DATABASE_SSL_MODE (or sslmode in DATABASE_URL) against the server, and that its certificate is trusted',
      );
    }
    if (/DATABASE_AUTH=entra/.test(allMessages(chain))) {
      return { code: 'database_auth_failed', line: `${serverMessage} (${setting})`, retryable: true };
    }
    if (code !== undefined && NETWORK_REASONS[code] !== undefined)
      return unreachable(NETWORK_REASONS[code] ?? code, 'check the host, the port and the network between');
    const messages = allMessages(chain);
    for (const [pattern, reason] of PG_CONNECTION_MESSAGES) {
      if (pattern.test(messages)) return unreachable(reason, 'check the host, the port and the network between');
    }
    return { code: 'database_error', line: `PostgreSQL failed (${setting}): ${serverMessage}`, retryable: false };
  }

  switch (state) {
    case '28P01':
      if (auth === 'entra')
        return {
          code: 'database_auth_failed',
          line: `PostgreSQL at ${at} refused the Entra ID token of user "${target.user ?? '(default)'}" (DATABASE_AUTH=entra, ${setting}): check that the user in DATABASE_URL is the role of the principal DATABASE_ENTRA_* names, and DATABASE_ENTRA_SCOPE`,
          retryable: false,
        };
      return {
        code: 'database_auth_failed',
        line: `PostgreSQL at ${at} refused the password of user "${target.user ?? '(default)'}" (${setting}): check the user and password in DATABASE_URL`,
        retryable: false,
      };
    case '28000':
      return {
        code: 'database_auth_failed',
        line: `PostgreSQL at ${at} refused user "${target.user ?? '(default)'}" (${setting}): ${serverMessage}; check the user in DATABASE_URL and the server's pg_hba.conf`,
        retryable: false,
      };
    case '3D000': {
      const name = /database "([^"]+)"/.exec(serverMessage)?.[1] ?? target.database;
      return {
        code: 'database_missing',
        line: `database "${name}" does not exist at ${at} (${setting}): create it, then run npx flowthrough migrate`,
        retryable: false,
      };
    }
    case '42P01':
    case '42703':
      return {
        code: 'database_not_migrated',
        line: `${serverMessage} in database "${target.database}" (${setting}): the database is not migrated for this flowthrough; run npx flowthrough migrate`,
        retryable: false,
      };
    case '57P03':
      return unreachable(`the server is starting up or shutting down (${serverMessage})`, 'wait for it, or check its log');
    case '53300':
      return unreachable(`too many connections (${serverMessage})`, "lower DATABASE_POOL_MAX or raise the server's max_connections");
    default:
      if (state.startsWith('08')) return unreachable(serverMessage, 'check the host, the port and the network between');
      return { code: 'database_error', line: `PostgreSQL failed with ${state} (${setting}): ${serverMessage}`, retryable: false };
  }
}

/** Whether a failure is PostgreSQL's by its shape: a server error, or pg's own connection words. */
export function looksLikeDatabaseError(error: unknown, databaseUrl: string): boolean {
  if (error instanceof FlowthroughError) return OWN_CODES.test(error.code);
  const chain = errorChain(error);
  if (chain.some((e) => e.severity !== undefined && /^[0-9A-Z]{5}$/.test(text(e, 'code') ?? ''))) return true;
  const messages = allMessages(chain);
  if (PG_CONNECTION_MESSAGES.some(([pattern]) => pattern.test(messages))) return true;
  // A refused or unresolved connect: PostgreSQL's when it went to DATABASE_URL's port (or host).
  const target = databaseTarget(databaseUrl);
  return chain.some(
    (e) => (e.syscall === 'connect' && e.port === target.port) || (e.syscall === 'getaddrinfo' && e.hostname === target.host),
  );
}
