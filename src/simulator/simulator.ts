import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { SimulatorServers, simulatorEndpoints, type SimulatorEndpoints } from './simulator-servers.js';
import { SimulatorAdmin } from './simulator-admin.js';
import { SimulatorState } from './state.js';
import { TokenAuthority } from './token-authority.js';

export type { SimulatorEndpoints } from './simulator-servers.js';

export interface Simulator {
  start(): Promise<SimulatorEndpoints>;
  stop(): Promise<void>;
  /** The endpoints once started. */
  readonly endpoints: SimulatorEndpoints | undefined;
  readonly ledger: Ledger;
  readonly counters: { snapshot(): CounterSnapshot };
  readonly admin: SimulatorAdmin;
}

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

  let endpoints: SimulatorEndpoints | undefined;

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

  const servers = new SimulatorServers(
    { host: options.host, port: options.port, tokenPort: options.tokenPort, name: 'flowthrough simulator' },
    onApiRequest,
    onTokenRequest,
  );

  return {
    get endpoints() {
      return endpoints;
    },
    ledger,
    counters,
    admin,

    async start() {
      if (endpoints) return endpoints;
      if (!servers.startedBefore) {
        const fileSeed = options.seedFile ? await loadSeedFile(options.seedFile) : { consents: [], numbers: [] };
        admin.loadSeeds({
          consents: [...options.consents, ...fileSeed.consents],
          numbers: [...options.numbers, ...(fileSeed.numbers ?? [])],
        });
      } else {
        orders.resume();
        pipeline.resume();
      }
      const listening = await servers.start();
      authority.setAuthorityHost(listening.authorityHost);
      endpoints = simulatorEndpoints(listening, {
        basePath: options.basePath,
        tenantId: options.entraTenantId,
        scope: authority.scope,
        apiVersion: options.apiVersions[0] ?? '',
        client: options.clients[0],
      });
      logger.info({ url: endpoints.url, authorityHost: endpoints.authorityHost }, 'Operator Connect simulator listening');
      return endpoints;
    },

    async stop() {
      orders.stop();
      pipeline.stop();
      await servers.stop();
      endpoints = undefined;
    },
  };
}
