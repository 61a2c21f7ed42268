import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { decodeJwt } from 'jose';
import { type BearerAuth, OPERATOR, type Principal, READER } from '../read-api/index.js';
import { cookiesOf, setCookie } from './cookies.js';
import type { Viewer } from './layout.js';
import { type Session, SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'flowthrough_console';
const IDLE_MS = 8 * 3_600_000;
const MAX_SESSIONS = 10_000;

/** A signed-in request: its session, what the read API's authentication made of its token, and the page header's view of it. */
export interface SignedIn {
  readonly session: Session;
  readonly principal: Principal;
  readonly viewer: Viewer;
}

/** Why a request is not signed in: no session (sign in), or its token no longer passes (expired, role removed: sign in again). */
export interface Refusal {
  readonly refused: string;
  /** The token could not be checked right now (Entra ID keys out of reach, 503): not the token's fault, the session stays. */
  readonly retryable?: boolean;
}

/**
 * The read API's bearer check, applied to the token a session holds. BearerAuth
 * reads the Authorization header of a request, so the console hands it a
 * request that carries the stored token exactly as an API client would send it:
 * the same static-token digests, the same Entra ID validation and roles, on
 * every request (an expired token or a removed role takes effect at once).
 */
export class ConsoleAuth {
  readonly sessions = new SessionStore(IDLE_MS, MAX_SESSIONS);

  constructor(private readonly bearer: BearerAuth) {}

  /** The principal of a pasted token, or why it is refused (the read API's own message). */
  async check(token: string, request: IncomingMessage): Promise<Principal | Refusal> {
    const asClient = { headers: { authorization: `Bearer ${token}` }, url: request.url } as unknown as IncomingMessage;
    const result = await this.bearer.authenticate(asClient);
    if (!('status' in result)) {
      const missing = this.bearer.authorize(result, READER);
      return missing ? { refused: messageOf(missing.body) } : result;
    }
    return { refused: messageOf(result.body), ...(result.status === 503 ? { retryable: true } : {}) };
  }

  async signIn(token: string, request: IncomingMessage): Promise<{ session: Session; principal: Principal } | Refusal> {
    const principal = await this.check(token, request);
    if ('refused' in principal) return principal;
    return { session: this.sessions.create(token), principal };
  }

  /** The request's session, checked again as the read API checks a bearer token; null when there is no session. */
  async signedIn(request: IncomingMessage): Promise<SignedIn | Refusal | null> {
    const session = this.sessions.get(cookiesOf(request).get(SESSION_COOKIE));
    if (session === null) return null;
    const principal = await this.check(session.token, request);
    if ('refused' in principal) {
      if (!principal.retryable) this.sessions.delete(session.id);
      return principal;
    }
    const viewer: Viewer = { identity: identityOf(session.token, principal), canOperate: canOperate(principal), csrf: session.csrf };
    return { session, principal, viewer };
  }

  signOut(request: IncomingMessage): void {
    this.sessions.delete(cookiesOf(request).get(SESSION_COOKIE));
  }
}

export function canOperate(principal: Principal): boolean {
  return principal.permissions.includes(OPERATOR);
}

/**
 * Who the token names, for the page header and the replay history: the user
 * (preferred_username, upn), else the application (azp/appid). Read only after
 * BearerAuth validated the signature, so the claims are trusted.
 */
export function identityOf(token: string, principal: Principal): string {
  if (principal.via === 'static-token') return 'static read token';
  try {
    const claims = decodeJwt(token);
    for (const claim of ['preferred_username', 'upn', 'unique_name', 'name']) {
      const value = claims[claim];
      if (typeof value === 'string' && value.trim() !== '') return value.trim();
    }
  } catch {
    // Validated moments ago: a token that does not decode here cannot happen; fall through to the client id.
  }
  return principal.clientId ? `app ${principal.clientId}` : 'unknown';
}

function messageOf(body: unknown): string {
  const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
  return typeof message === 'string' ? message : 'the token is not accepted';
}

/** Form tokens compared in constant time. */
export function sameToken(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sessionCookie(session: Session | null, secure: boolean): string {
  return session
    ? setCookie(SESSION_COOKIE, session.id, { secure, maxAgeSeconds: IDLE_MS / 1000 })
    : setCookie(SESSION_COOKIE, '', { secure, maxAgeSeconds: 0 });
}
