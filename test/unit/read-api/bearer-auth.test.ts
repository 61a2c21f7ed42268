import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { test } from 'node:test';
import { Secret } from '../../../src/platform/config/secret.js';
import { BearerAuth } from '../../../src/read-api/bearer-auth.js';

const request = (socket: Socket, authorization?: string): IncomingMessage =>
  ({ socket, headers: authorization === undefined ? {} : { authorization } }) as unknown as IncomingMessage;

const status = (answer: unknown): number | 'principal' =>
  answer && typeof answer === 'object' && 'status' in answer ? (answer as { status: number }).status : 'principal';

test('a connection that proved a static token skips hashing for it, and proves nothing for any other token', async () => {
  const auth = new BearerAuth([new Secret('good-token-1'), new Secret('good-token-2')]);
  const one = new Socket();
  const two = new Socket();
  assert.equal(status(await auth.authenticate(request(one, 'Bearer good-token-1'))), 'principal');
  // The same connection, the same header: the proven value answers (and reads only).
  const again = await auth.authenticate(request(one, 'Bearer good-token-1'));
  assert.deepEqual(again, { via: 'static-token', permissions: ['read'], clientId: null });
  // Another token on that connection is checked in full: a wrong one is refused, a right one accepted.
  assert.equal(status(await auth.authenticate(request(one, 'Bearer good-token-X'))), 403);
  assert.equal(status(await auth.authenticate(request(one, 'Bearer good-token-1 '))), 'principal');
  assert.equal(status(await auth.authenticate(request(one, 'Bearer good-token-2'))), 'principal');
  assert.equal(status(await auth.authenticate(request(one))), 401);
  // Nothing carries over to another connection.
  assert.equal(status(await auth.authenticate(request(two, 'Bearer wrong'))), 403);
  assert.equal(status(await auth.authenticate(request(two, 'Bearer good-token-2'))), 'principal');
});
