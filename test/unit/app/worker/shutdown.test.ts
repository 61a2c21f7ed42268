import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import { installShutdown } from '../../../../src/app/worker/shutdown.js';
import { silentLogger } from '../../../support/test-context.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('graceful shutdown', () => {
  it('stops once on the first signal and exits 0 when done', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const exited = deferred();
    let stops = 0;
    installShutdown({
      emitter,
      logger: silentLogger(),
      timeoutMs: 10_000,
      exit: (c) => (exits.push(c), exited.resolve()),
      stop: async () => void stops++,
    });
    emitter.emit('SIGTERM', 'SIGTERM');
    await exited.promise;
    assert.equal(stops, 1);
    assert.deepEqual(exits, [0]);
  });

  it('forces exit 1 on a second signal while stopping', async () => {
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const never = deferred();
    installShutdown({ emitter, logger: silentLogger(), timeoutMs: 10_000, exit: (c) => exits.push(c), stop: () => never.promise });
    emitter.emit('SIGINT', 'SIGINT');
    emitter.emit('SIGINT', 'SIGINT');
    assert.deepEqual(exits, [1]);
    never.resolve();
  });

  it('forces exit 1 when the stop outlasts the timeout', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const emitter = new EventEmitter();
    const exits: number[] = [];
    const never = deferred();
    installShutdown({ emitter, logger: silentLogger(), timeoutMs: 5_000, exit: (c) => exits.push(c), stop: () => never.promise });
    emitter.emit('SIGTERM', 'SIGTERM');
    t.mock.timers.tick(4_999);
    assert.deepEqual(exits, []);
    t.mock.timers.tick(1);
    assert.deepEqual(exits, [1]);
  });

  it('exits 1 when the stop fails', async () => {
    const emitter = new EventEmitter();
    const exited = deferred();
    const exits: number[] = [];
    installShutdown({
      emitter,
      logger: silentLogger(),
      timeoutMs: 10_000,
      exit: (c) => (exits.push(c), exited.resolve()),
      stop: async () => {
        throw new Error('pool would not close');
      },
    });
    emitter.emit('SIGTERM', 'SIGTERM');
    await exited.promise;
    assert.deepEqual(exits, [1]);
  });
});
