import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { FlowthroughError } from '../../../../src/core/errors.js';
import { explainFailure, explainHttpListenError } from '../../../../src/platform/errors/explain.js';
import { HttpServer } from '../../../../src/platform/http/http-server.js';
import { silentLogger } from '../../../support/operator-connect.js';
import { rejection } from './closed-port.js';

async function takenPort(t: { after: (fn: () => void) => void }): Promise<number> {
  const holder = createServer();
  holder.listen(0, '127.0.0.1');
  await once(holder, 'listening');
  t.after(() => holder.close());
  return (holder.address() as AddressInfo).port;
}

async function listenFailure(port: number, host: string): Promise<unknown> {
  const server = createServer();
  const failed = once(server, 'error').then(([error]) => error as unknown);
  server.listen(port, host);
  return failed;
}

describe('explainHttpListenError', () => {
  it('says a port in use is in use, naming HTTP_PORT and HTTP_HOST', async (t) => {
    const port = await takenPort(t);
    assert.deepEqual(explainHttpListenError(await listenFailure(port, '127.0.0.1'), '127.0.0.1', port), {
      code: 'http_port_in_use',
      line: `cannot listen on 127.0.0.1:${port}: the port is in use by another process (HTTP_PORT=${port}, HTTP_HOST=127.0.0.1): stop that process, or set HTTP_PORT to a free port (0 picks one)`,
      retryable: false,
    });
  });

  it('says an address that is not this host’s is not available, naming HTTP_HOST', async () => {
    // TEST-NET-1 (RFC 5737): never an address of this machine.
    const explained = explainHttpListenError(await listenFailure(8080, '192.0.2.1'), '192.0.2.1', 8080);
    assert.equal(explained.code, 'http_address_unavailable');
    assert.match(
      explained.line,
      /^cannot listen on 192\.0\.2\.1:8080: the address is not one of this host's \(HTTP_PORT=8080, HTTP_HOST=192\.0\.2\.1\): set HTTP_HOST to/,
    );
  });

  it('says a privileged port needs privileges', () => {
    // Tests may run as root, where binding port 80 succeeds: the error is Node's, made here.
    const error = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), {
      code: 'EACCES',
      errno: -13,
      syscall: 'listen',
      address: '0.0.0.0',
      port: 80,
    });
    assert.deepEqual(explainHttpListenError(error, '0.0.0.0', 80), {
      code: 'http_permission_denied',
      line: 'cannot listen on 0.0.0.0:80: permission denied (HTTP_PORT=80, HTTP_HOST=0.0.0.0): ports below 1024 need privileges; set HTTP_PORT to 1024 or above',
      retryable: false,
    });
  });

  it('names the settings it is given (the simulator has its own)', async (t) => {
    const port = await takenPort(t);
    const explained = explainHttpListenError(await listenFailure(port, '127.0.0.1'), '127.0.0.1', port, {
      host: 'SIMULATOR_HOST',
      port: 'SIMULATOR_PORT',
    });
    assert.match(
      explained.line,
      new RegExp(`\\(SIMULATOR_PORT=${port}, SIMULATOR_HOST=127\\.0\\.0\\.1\\): stop that process, or set SIMULATOR_PORT`),
    );
  });

  it("is what the worker's HTTP server throws, the Node error as its cause", async (t) => {
    const port = await takenPort(t);
    const server = new HttpServer(silentLogger());
    const error = await rejection(server.listen(port, '127.0.0.1'));
    assert.ok(error instanceof FlowthroughError);
    assert.equal(error.code, 'http_port_in_use');
    assert.match(error.message, new RegExp(`HTTP_PORT=${port}`));
    assert.equal((error.cause as { code?: string }).code, 'EADDRINUSE');
    assert.equal(explainFailure(error, {}).code, 'http_port_in_use');
    assert.equal(explainFailure(error.cause, { http: { host: '127.0.0.1', port } }).code, 'http_port_in_use');
  });
});
