import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LookupIndex } from '../../../src/lookup/index.js';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { createPool } from '../../../src/platform/db/pool.js';
import { healthRoutes } from '../../../src/platform/http/health-routes.js';
import { HttpServer } from '../../../src/platform/http/http-server.js';
import { createLogger } from '../../../src/platform/logging/logger.js';
import { createReadApiRoutes } from '../../../src/read-api/index.js';

/**
 * A server of the lookup benchmark, in a process of its own so that the load
 * generator does not share its event loop. `lookup`: the worker's HTTP server
 * class with the routes the worker mounts before the read API (/healthz,
 * /readyz) and the read API itself, the lookup index loaded from the run's
 * database. `bare`: node:http answering a constant of the same size.
 * Told what to be over IPC; answers { kind: 'ready', port, … } or { kind: 'failed' }.
 */

export type ServerRequest =
  | { readonly mode: 'lookup'; readonly env: Readonly<Record<string, string | undefined>> }
  | { readonly mode: 'bare'; readonly body: string };

export type ServerReport =
  | { kind: 'ready'; port: number; loadMs: number; numbers: number; rssMb: number }
  | { kind: 'failed'; message: string }
  | { kind: 'cpu'; cpuUs: number; rssMb: number };

const send = (report: ServerReport): void => void process.send?.(report);

async function startLookup(env: Readonly<Record<string, string | undefined>>): Promise<ServerReport> {
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, name: 'bench-lookup' });
  const pool = createPool({ url: config.database.url, connection: config.database, max: config.database.poolMax, logger });
  const index = new LookupIndex({ pool, logger });
  const started = performance.now();
  await index.start();
  const loadMs = performance.now() - started;
  const http = new HttpServer(logger);
  for (const route of healthRoutes(
    [],
    () => false,
    () => [{ name: index.name, ok: index.health().ready }],
  ))
    http.route(route);
  for (const route of createReadApiRoutes(config, { pool, logger, lookup: index })) http.route(route);
  const port = await http.listen(0, '127.0.0.1');
  return { kind: 'ready', port, loadMs, numbers: index.size.numbers, rssMb: process.memoryUsage.rss() / 1024 ** 2 };
}

async function startBare(body: string): Promise<ServerReport> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  // As the worker's HttpServer sets it.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    kind: 'ready',
    port: (server.address() as AddressInfo).port,
    loadMs: 0,
    numbers: 0,
    rssMb: process.memoryUsage.rss() / 1024 ** 2,
  };
}

let started = false;
process.on('message', (request: ServerRequest | { readonly mode: 'cpu' }) => {
  // The process's CPU so far (user + system), so that the parent can say what a request cost this process.
  if (request.mode === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ kind: 'cpu', cpuUs: user + system, rssMb: process.memoryUsage.rss() / 1024 ** 2 });
    return;
  }
  if (started) return;
  started = true;
  const start = request.mode === 'lookup' ? startLookup(request.env) : startBare(request.body);
  start.then(send, (error: unknown) =>
    send({ kind: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
// The parent ends this process (SIGTERM) when its measurements are done; if the parent goes, so does this.
process.once('disconnect', () => process.exit(0));
// An orderly exit, so that --cpu-prof and the like write their files.
process.once('SIGTERM', () => process.exit(0));
