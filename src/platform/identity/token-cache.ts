import type { AccessToken, TokenCredential } from '@azure/identity';
import { TransientError } from '../../core/errors.js';
import type { Logger } from '../logging/logger.js';
import type { Clock } from '../time/clock.js';

/** Told of every token request's outcome (the Operator Connect client's TokenHealth logs and explains them). */
export interface TokenRequestObserver {
  succeeded(): void;
  /** `covered`: a still-valid token serves meanwhile. */
  failed(error: unknown, covered: boolean): void;
  explain(error: unknown): { readonly line: string };
}

export interface TokenCacheOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** Refresh this long before expiry (at most half the token's lifetime, for short-lived tokens). */
  readonly refreshMarginMs?: number;
  /** Told of every token request's outcome: logs failures once per streak, explained, and keeps the problem for readiness. */
  readonly health?: TokenRequestObserver;
  /** Gives up on a token request after this long (real time); absent: waits as long as the credential does. */
  readonly timeoutMs?: number;
  /** What the tokens are for and which setting bounds the wait, for the timeout's message. */
  readonly purpose?: { readonly what: string; readonly timeoutSetting: string };
}

interface Entry {
  readonly token: AccessToken;
  readonly refreshAt: number;
}

/** Five minutes, as MSAL's own renewal offset: long enough to ride out a slow Entra ID. */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Access tokens per scope, renewed ahead of expiry. @azure/identity caches
 * too, but behind a call that may go to Entra ID; this cache is the cheap
 * synchronous check on every API call, lets a 401 drop exactly the token
 * that failed, and keeps serving a still-valid token when a refresh ahead
 * of time fails. Concurrent callers share one refresh.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly refreshing = new Map<string, Promise<AccessToken>>();
  private readonly marginMs: number;

  constructor(
    private readonly credential: TokenCredential,
    private readonly options: TokenCacheOptions,
  ) {
    this.marginMs = options.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
  }

  async get(scope: string): Promise<string> {
    const entry = this.entries.get(scope);
    const now = this.options.clock.now();
    if (entry && now < entry.refreshAt) return entry.token.token;
    if (entry && now < entry.token.expiresOnTimestamp) {
      try {
        return (await this.refresh(scope, true)).token;
      } catch (error) {
        if (!this.options.health)
          this.options.logger.warn({ scope, err: error }, 'token refresh ahead of expiry failed; using the current token');
        return entry.token.token;
      }
    }
    return (await this.refresh(scope, false)).token;
  }

  /** The one-line explanation of a token failure (which setting is at fault), when the cache knows the settings. */
  describe(error: unknown): string | undefined {
    return this.options.health?.explain(error).line;
  }

  /** Drops the cached token of `scope` if it is `token` (a 401 answered it), so the next get() fetches a new one. */
  invalidate(scope: string, token: string): void {
    if (this.entries.get(scope)?.token.token === token) this.entries.delete(scope);
  }

  /**
   * MSAL ignores the abort signal of a client-credential request (seen: a token
   * endpoint that never answers held every call for 64 s), so the deadline is
   * ours: the request is left behind and the next call starts a new one.
   */
  private async requestToken(scope: string): Promise<AccessToken | null> {
    const timeoutMs = this.options.timeoutMs;
    if (timeoutMs === undefined) return this.credential.getToken(scope);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const purpose = this.options.purpose ?? { what: 'an access token', timeoutSetting: 'the token timeout' };
        const error = new TransientError(
          'token_timeout',
          `cannot get ${purpose.what}: Entra ID did not answer within ${purpose.timeoutSetting}=${timeoutMs}`,
        );
        controller.abort(error);
        reject(error);
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.credential.getToken(scope, { abortSignal: controller.signal }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** `covered`: a still-valid token serves if this fails. Concurrent callers share one request, told to the health once. */
  private refresh(scope: string, covered: boolean): Promise<AccessToken> {
    const pending = this.refreshing.get(scope);
    if (pending) return pending;
    const work = (async () => {
      try {
        let token: AccessToken | null;
        try {
          token = await this.requestToken(scope);
          if (!token) throw new Error('the credential returned no token');
        } catch (error) {
          this.options.health?.failed(error, covered);
          throw error;
        }
        this.options.health?.succeeded();
        const now = this.options.clock.now();
        const lifetime = Math.max(0, token.expiresOnTimestamp - now);
        const refreshAt = token.refreshAfterTimestamp ?? token.expiresOnTimestamp - Math.min(this.marginMs, lifetime / 2);
        this.entries.set(scope, { token, refreshAt });
        this.options.logger.debug({ scope, expiresOn: new Date(token.expiresOnTimestamp).toISOString() }, 'access token obtained');
        return token;
      } finally {
        this.refreshing.delete(scope);
      }
    })();
    this.refreshing.set(scope, work);
    return work;
  }
}
