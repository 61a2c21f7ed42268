import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthenticationError, AuthenticationRequiredError, type AccessToken, type TokenCredential } from '@azure/identity';
import { PermanentError, TransientError } from '../../../src/core/errors.js';
import { TokenCache } from '../../../src/platform/identity/token-cache.js';
import { ManualClock } from '../../../src/simulator/index.js';
import { silentLogger } from '../../support/operator-connect.js';

const SCOPE = 'api://x/.default';

/** Hands out token-1, token-2, … living `lifetimeMs` on the clock; fails while `failWith` is set. */
class FakeCredential implements TokenCredential {
  calls = 0;
  failWith: unknown;
  constructor(
    private readonly clock: ManualClock,
    private readonly lifetimeMs: number,
  ) {}
  async getToken(): Promise<AccessToken> {
    this.calls += 1;
    if (this.failWith) throw this.failWith;
    return { token: `token-${this.calls}`, expiresOnTimestamp: this.clock.now() + this.lifetimeMs };
  }
}

function setup(lifetimeMs = 3_600_000) {
  const clock = new ManualClock(0);
  const credential = new FakeCredential(clock, lifetimeMs);
  const cache = new TokenCache(credential, { clock, logger: silentLogger() });
  return { clock, credential, cache };
}

describe('token cache', () => {
  it('serves a cached token until five minutes before expiry, then renews it', async () => {
    const { clock, credential, cache } = setup(3_600_000);
    assert.equal(await cache.get(SCOPE), 'token-1');
    clock.advance(3_300_000 - 1);
    assert.equal(await cache.get(SCOPE), 'token-1');
    assert.equal(credential.calls, 1);
    clock.advance(1);
    assert.equal(await cache.get(SCOPE), 'token-2', 'renewed ahead of expiry');
  });

  it('renews a short-lived token half-way through its life', async () => {
    const { clock, cache } = setup(60_000);
    assert.equal(await cache.get(SCOPE), 'token-1');
    clock.advance(29_999);
    assert.equal(await cache.get(SCOPE), 'token-1');
    clock.advance(1);
    assert.equal(await cache.get(SCOPE), 'token-2');
  });

  it('keys tokens by scope', async () => {
    const { cache, credential } = setup();
    assert.equal(await cache.get('a/.default'), 'token-1');
    assert.equal(await cache.get('b/.default'), 'token-2');
    assert.equal(await cache.get('a/.default'), 'token-1');
    assert.equal(credential.calls, 2);
  });

  it('shares one refresh among concurrent callers', async () => {
    const { cache, credential } = setup();
    const tokens = await Promise.all([cache.get(SCOPE), cache.get(SCOPE), cache.get(SCOPE)]);
    assert.deepEqual(tokens, ['token-1', 'token-1', 'token-1']);
    assert.equal(credential.calls, 1);
  });

  it('drops only the token a 401 refused', async () => {
    const { cache } = setup();
    assert.equal(await cache.get(SCOPE), 'token-1');
    cache.invalidate(SCOPE, 'some-older-token');
    assert.equal(await cache.get(SCOPE), 'token-1', 'a stale invalidation does not drop a newer token');
    cache.invalidate(SCOPE, 'token-1');
    assert.equal(await cache.get(SCOPE), 'token-2');
  });

  it('keeps serving a still-valid token when the refresh ahead of expiry fails', async () => {
    const { clock, credential, cache } = setup(3_600_000);
    await cache.get(SCOPE);
    clock.advance(3_400_000);
    credential.failWith = new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'busy' });
    assert.equal(await cache.get(SCOPE), 'token-1');
    clock.advance(200_000);
    await assert.rejects(cache.get(SCOPE), (e: unknown) => e instanceof AuthenticationError, 'an expired token is never served');
  });
});

describe('token failures', () => {
  it('classify a refusal by Entra ID as permanent and an unavailable one as transient', async () => {
    const { tokenFailure } = await import('../../../src/operator-connect/api-errors.js');
    const refused = tokenFailure(
      new AuthenticationError(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret' }),
    );
    assert.ok(refused instanceof PermanentError);
    assert.equal(refused.code, 'authentication_failed');
    const busy = tokenFailure(new AuthenticationError(503, { error: 'temporarily_unavailable', error_description: 'try later' }));
    assert.ok(busy instanceof TransientError);
    const reset = tokenFailure(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    assert.ok(reset instanceof TransientError);
    // What ClientSecretCredential throws: MSAL's error only as text.
    const msal = (message: string) => tokenFailure(new AuthenticationRequiredError({ scopes: [SCOPE], message }));
    for (const message of [
      'network_error: See https://aka.ms/msal.js.errors#network_error',
      'temporarily_unavailable: AADSTS90006',
      '50000: AADSTS50000: There was an error issuing a token',
    ]) {
      assert.ok(msal(message) instanceof TransientError, message);
    }
    const wrongSecret = msal('invalid_client: Error(s): 7000215 - AADSTS7000215: Invalid client secret provided');
    assert.ok(wrongSecret instanceof PermanentError);
    assert.equal(wrongSecret.code, 'authentication_failed');
  });
});

describe('token deadline', () => {
  it('gives up on a credential that never answers, transient, and asks again on the next call', async () => {
    const clock = new ManualClock(0);
    let calls = 0;
    const hanging: TokenCredential = {
      getToken: () => {
        calls += 1;
        return calls === 1 ? new Promise<never>(() => undefined) : Promise.resolve({ token: 'token-2', expiresOnTimestamp: 3_600_000 });
      },
    };
    const cache = new TokenCache(hanging, { clock, logger: silentLogger(), timeoutMs: 50 });
    const error = await cache.get(SCOPE).catch((e: unknown) => e);
    assert.ok(error instanceof TransientError);
    assert.equal(error.code, 'token_timeout');
    assert.equal(await cache.get(SCOPE), 'token-2');
  });
});
