import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Route, RouteShortcut } from '../../../../src/platform/http/http-server.js';
import { HttpServer } from '../../../../src/platform/http/http-server.js';
import { silentLogger } from '../../../support/operator-connect.js';

/** A server whose one route answers every path with where it came from, and has a shortcut for /fast. */
async function serverWith(shortcut: RouteShortcut, t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const route: Route = Object.assign((_request: unknown, url: URL) => ({ status: 200, body: { via: 'route', path: url.pathname } }), {
    shortcut,
  });
  const server = new HttpServer(silentLogger()).route(route);
  const port = await server.listen(0, '127.0.0.1');
  t.after(() => server.close());
  return `http://127.0.0.1:${port}`;
}

describe('HttpServer: a route shortcut', () => {
  it('answers its exact path, with or without a query, before the routes; other paths go to the routes', async (t) => {
    const seen: string[] = [];
    const base = await serverWith(
      {
        path: '/fast',
        answer: (_request, search) => {
          seen.push(search);
          return { status: 200, body: `{"via":"shortcut"}`, headers: { 'cache-control': 'no-store' } };
        },
      },
      t,
    );
    const fast = await fetch(`${base}/fast?a=1&b=%2B2`);
    assert.equal(await fast.text(), '{"via":"shortcut"}');
    assert.equal(fast.headers.get('content-type'), 'application/json');
    assert.equal(fast.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await (await fetch(`${base}/fast`)).json(), { via: 'shortcut' });
    assert.deepEqual(seen, ['?a=1&b=%2B2', '']);
    assert.deepEqual(await (await fetch(`${base}/fast/more`)).json(), { via: 'route', path: '/fast/more' });
    assert.deepEqual(await (await fetch(`${base}/fastest?x`)).json(), { via: 'route', path: '/fastest' });
  });

  it('leaves the request to the routes when it declines', async (t) => {
    const base = await serverWith({ path: '/fast', answer: () => undefined }, t);
    assert.deepEqual(await (await fetch(`${base}/fast?q`)).json(), { via: 'route', path: '/fast' });
  });

  it('answers 500 when it throws, and the server goes on', async (t) => {
    const base = await serverWith(
      {
        path: '/fast',
        answer: () => {
          throw new Error('boom');
        },
      },
      t,
    );
    const failed = await fetch(`${base}/fast`);
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { error: { code: 'InternalError', message: 'internal error' } });
    assert.equal((await fetch(`${base}/other`)).status, 200);
  });

  it('refuses a second shortcut for the same path', () => {
    const shortcut: RouteShortcut = { path: '/fast', answer: () => undefined };
    const route = (): Route => Object.assign(() => undefined, { shortcut });
    const server = new HttpServer(silentLogger()).route(route());
    assert.throws(() => server.route(route()), /two routes have a shortcut for \/fast/);
  });
});
