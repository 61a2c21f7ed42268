import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { adminRoutes } from './admin-routes.js';
import { ApiRouter } from './api-routes.js';
import { ApiService } from './api-service.js';
import { CallPipeline } from './call-pipeline.js';
import { ConsentHandlers } from './consent-handlers.js';
import { Counters, type CounterSnapshot } from './counters.js';
import { FakeEntra } from './fake-entra.js';
import { FaultPlan } from './faults.js';
import { Ledger } from './ledger.js';
import { NumberHandlers } from './number-handlers.js';
import { API_OPERATIONS } from './operations.js';
import { resolveOptions, type SimulatorOptions } from './options.js';
import { OrderHandlers } from './order-handlers.js';
import { OrderBook } from './orders.js';
import { RateLimiter } from '../platform/time/rate-limiter.js';
import { RepeatabilityStore } from './repeatability.js';
import { SeededRandom } from './rng.js';
import { loadSeedFile } from './seeds.js';
import { createSelfSignedCertificate } from './self-signed-certificate.js';
import { SimulatorAdmin } from './simulator-admin.js';
import { SimulatorState } from './state.js';
import { TokenAuthority } from './token-authority.js';

export interface SimulatorEndpoints {
  /** API base URL (plain HTTP), e.g. http://127.0.0.1:41234/api. */
  readonly url: string;
  /** Root of the admin endpoints, e.g. http://127.0.0.1:41234/admin. */
  readonly adminUrl: string;
  /** The token endpoint (HTTPS), e.g. https://127.0.0.1:41235/{tenant}/oauth2/v2.0/token. */
  readonly tokenUrl: string;
  /** For @azure/identity's `authorityHost` (with `disableInstanceDiscovery: true`). */
  readonly authorityHost: string;
  /** The fake Entra ID's self-signed certificate: add it to the client's trusted CAs. */
  readonly caCertificatePem: string;
  readonly tenantId: string;
  readonly scope: string;
  readonly apiVersion: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface Simulator {
  start(): Promise<SimulatorEndpoints>;
  stop(): Promise<void>;
  /** The endpoints once started. */
  readonly endpoints: SimulatorEndpoints | undefined;
  readonly ledger: Ledger;
  readonly counters: { snapshot(): CounterSnapshot };
  readonly admin: SimulatorAdmin;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

const hostForUrl = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** Builds the simulator; nothing listens until start(). Options are validated here. */
export function createSimulator(input: SimulatorOptions = {}): Simulator {
  const options = resolveOptions(input);
  const { clock, logger } = options;
  const random = new SeededRandom(options.seed);
  const ledger = new Ledger();
  const counters = new Counters();
  const state = new SimulatorState(options.operatorId, clock);
  const orders = new OrderBook({
    state,
    ledger,
    counters,
    clock,
    logger,
    processingDelayMs: options.processingDelayMs,
    mode: options.orderProcessing,
  });
  const faults = new FaultPlan(random, API_OPERATIONS, options.faults);
  const bucket = new RateLimiter({ ratePerSecond: options.rateLimitPerSecond, burst: options.rateLimitBurst, clock });
  const repeatability = new RepeatabilityStore(options.repeatabilityWindowSeconds * 1000, clock);
  const authority = new TokenAuthority(options.entraTenantId, options.audience, options.clients, options.tokenLifetimeSeconds, clock);
  const admin = new SimulatorAdmin({ options, state, ledger, counters, orders, faults, bucket, repeatability, authority });
  const sizes = { defaultPageSize: options.defaultPageSize, maxPageSize: options.maxPageSize };
  const api = new ApiService({
    router: new ApiRouter(options.basePath, options.paths),
    bucket,
    authority,
    repeatability,
    counters,
    consents: new ConsentHandlers(state, sizes),
    orders: new OrderHandlers(orders, options.maxNumbersPerOrder, options.paths),
    numbers: new NumberHandlers(state, sizes),
    apiVersions: options.apiVersions,
    basePath: options.basePath,
  });
  const entra = new FakeEntra(authority, options.entraTenantId, [options.audience, ...options.otherAudiences], clock, logger);
  const pipeline = new CallPipeline({
    counters,
    faults,
    random,
    logger,
    latencyMs: options.latencyMs,
    latencyJitterMs: options.latencyJitterMs,
  });
  const handleAdmin = adminRoutes(admin, ledger, counters);

  let apiServer: Server | undefined;
  let tokenServer: Server | undefined;
  let endpoints: SimulatorEndpoints | undefined;
  let certificate: ReturnType<typeof createSelfSignedCertificate> | undefined;
  /** Ports of the first start, kept so that stop() then start() looks like an outage, not a move. */
  let ports: { api: number; token: number } = { api: options.port, token: options.tokenPort };

  const onApiRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const work =
      url.pathname === '/admin' || url.pathname.startsWith('/admin/')
        ? handleAdmin(request, response, url)
        : (() => {
            const match = api.route(request, url);
            return pipeline.run(request, response, match.kind === 'found' ? match.operation : 'unknown', () =>
              api.handle(request, url, match),
            );
          })();
    work.catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'simulator request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  };

  const onTokenRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const operation = entra.operationOf(request, url);
    const authorityHost = endpoints?.authorityHost ?? '';
    pipeline
      .run(request, response, operation, () => entra.handle(request, url, operation, authorityHost))
      .catch((error: unknown) => {
        logger.error({ err: error, path: url.pathname }, 'fake Entra ID request failed');
        if (!response.headersSent) response.writeHead(500).end();
      });
  };

  return {
    get endpoints() {
      return endpoints;
    },
    ledger,
    counters,
    admin,

    async start() {
      if (endpoints) return endpoints;
      if (!certificate) {
        const fileSeed = options.seedFile ? await loadSeedFile(options.seedFile) : { consents: [], numbers: [] };
        admin.loadSeeds({
          consents: [...options.consents, ...fileSeed.consents],
          numbers: [...options.numbers, ...(fileSeed.numbers ?? [])],
        });
        certificate = createSelfSignedCertificate({
          // Unique per instance: a client trusting two simulators' certificates (NODE_EXTRA_CA_CERTS) finds each by its name.
          commonName: `flowthrough simulator ${randomBytes(6).toString('hex')}`,
          hosts: ['localhost', '127.0.0.1', '::1', options.host],
        });
      } else {
        orders.resume();
        pipeline.resume();
      }
      apiServer = createHttpServer(onApiRequest);
      tokenServer = createHttpsServer({ cert: certificate.certificatePem, key: certificate.privateKeyPem }, onTokenRequest);
      const apiPort = await listen(apiServer, ports.api, options.host);
      const tokenPort = await listen(tokenServer, ports.token, options.host);
      ports = { api: apiPort, token: tokenPort };
      const host = hostForUrl(options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host);
      const authorityHost = `https://${host}:${tokenPort}`;
      authority.setAuthorityHost(authorityHost);
      const client = options.clients[0];
      endpoints = Object.freeze({
        url: `http://${host}:${apiPort}${options.basePath}`,
        adminUrl: `http://${host}:${apiPort}/admin`,
        tokenUrl: `${authorityHost}/${options.entraTenantId}/oauth2/v2.0/token`,
        authorityHost,
        caCertificatePem: certificate.certificatePem,
        tenantId: options.entraTenantId,
        scope: authority.scope,
        apiVersion: options.apiVersions[0] ?? '',
        clientId: client?.clientId ?? '',
        clientSecret: client?.clientSecret ?? '',
      });
      logger.info({ url: endpoints.url, authorityHost }, 'Operator Connect simulator listening');
      return endpoints;
    },

    async stop() {
      orders.stop();
      pipeline.stop();
      await Promise.all([apiServer ? close(apiServer) : undefined, tokenServer ? close(tokenServer) : undefined]);
      apiServer = undefined;
      tokenServer = undefined;
      endpoints = undefined;
    },
  };
}
