import type { IncomingMessage, ServerResponse } from 'node:http';
import { PermanentError } from '../core/errors.js';
import { RateLimiter } from '../platform/time/rate-limiter.js';
import { CallPipeline } from '../simulator/call-pipeline.js';
import { FakeEntra } from '../simulator/fake-entra.js';
import { FaultPlan } from '../simulator/faults.js';
import { RepeatabilityStore } from '../simulator/repeatability.js';
import { SeededRandom } from '../simulator/rng.js';
import { SimulatorServers, simulatorEndpoints, type SimulatorEndpoints } from '../simulator/simulator-servers.js';
import { TokenAuthority } from '../simulator/token-authority.js';
import { AcgSimulatorAdmin } from './acg-admin.js';
import { AcgCounters, type AcgCounterSnapshot } from './acg-counters.js';
import { AcgService } from './acg-service.js';
import { accountHandlers } from './account-handlers.js';
import { acgAdminRoutes } from './admin-routes.js';
import { numberHandlers } from './number-handlers.js';
import { resolveAcgOptions, type AcgSimulatorOptions } from './options.js';
import { ProvisioningQueue } from './provisioning.js';
import { AcgRouter } from './router.js';
import { SchemaValidator } from './schema-validator.js';
import { ACG_API_VERSION, loadAcgSpec } from './spec.js';
import { AcgState } from './state.js';
import { teamsHandlers } from './teams-handlers.js';

/** Where a started ACG simulator answers: the same shape as the Operator Connect simulator's. */
export type AcgSimulatorEndpoints = SimulatorEndpoints;

export interface AcgSimulator {
  start(): Promise<AcgSimulatorEndpoints>;
  stop(): Promise<void>;
  readonly endpoints: AcgSimulatorEndpoints | undefined;
  readonly counters: { snapshot(): AcgCounterSnapshot };
  readonly admin: AcgSimulatorAdmin;
}

/**
 * The Azure Communications Gateway Provisioning API simulator, driven by
 * Microsoft's swagger (simulator/acg/): nothing listens until start(), which
 * also reads and checks the swagger. The fake Entra ID, token checks,
 * Repeatability store and fault pipeline are the Operator Connect
 * simulator's.
 */
export function createAcgSimulator(input: AcgSimulatorOptions = {}): AcgSimulator {
  const options = resolveAcgOptions(input);
  const { clock, logger } = options;
  const random = new SeededRandom(options.seed);
  const counters = new AcgCounters();
  const queue = new ProvisioningQueue(options.provisioningDelayMs);
  const state = new AcgState(queue, clock, options.operatorId);
  const repeatability = new RepeatabilityStore(options.repeatabilityWindowSeconds * 1000, clock);
  const authority = new TokenAuthority(options.entraTenantId, options.audience, options.clients, options.tokenLifetimeSeconds, clock);
  const bucket =
    options.rateLimitPerMinute > 0
      ? new RateLimiter({ ratePerSecond: options.rateLimitPerMinute / 60, burst: options.rateLimitPerMinute, clock })
      : undefined;
  /** The swagger's operationIds, filled at start() once the swagger is read: what probabilistic faults apply to. */
  const operationIds: string[] = [];
  const faults = new FaultPlan<string>(random, operationIds, options.faults);
  const admin = new AcgSimulatorAdmin({ options, state, queue, counters, faults, repeatability, authority });
  const entra = new FakeEntra(authority, options.entraTenantId, [options.audience], clock, logger);
  const pipeline = new CallPipeline<string>({
    counters,
    faults,
    random,
    logger,
    latencyMs: options.latencyMs,
    latencyJitterMs: options.latencyJitterMs,
    clock,
  });
  const handleAdmin = acgAdminRoutes(admin, counters);

  let service: { router: AcgRouter; api: AcgService } | undefined;
  let endpoints: AcgSimulatorEndpoints | undefined;

  const onApiRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
    const work = (async () => {
      if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) return handleAdmin(request, response, url);
      if (!service) throw new Error('ACG simulator not started');
      const { router, api } = service;
      const route = router.match(request.method ?? 'GET', url.pathname);
      const operation = route.kind === 'found' ? route.operation.operationId : 'unknown';
      return pipeline.run(request, response, operation, () => api.handle(request, url, route));
    })();
    work.catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'ACG simulator request failed');
      if (!response.headersSent) response.writeHead(500).end();
    });
  };

  const onTokenRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'https://localhost');
    const operation = entra.operationOf(request, url);
    pipeline
      .run(request, response, operation, () => entra.handle(request, url, operation, endpoints?.authorityHost ?? ''))
      .catch((error: unknown) => {
        logger.error({ err: error, path: url.pathname }, 'fake Entra ID request failed');
        if (!response.headersSent) response.writeHead(500).end();
      });
  };

  const servers = new SimulatorServers(
    { host: options.host, port: options.port, tokenPort: options.tokenPort, name: 'flowthrough ACG simulator' },
    onApiRequest,
    onTokenRequest,
  );

  return {
    get endpoints() {
      return endpoints;
    },
    counters,
    admin,

    async start() {
      if (endpoints) return endpoints;
      if (!service) {
        const spec = await loadAcgSpec(ACG_API_VERSION);
        const validator = new SchemaValidator(spec);
        const sizes = { defaultPageSize: options.defaultPageSize, maxPageSize: options.maxPageSize };
        const handlers = {
          ...accountHandlers(state, validator, sizes),
          ...numberHandlers(state, validator, sizes),
          ...teamsHandlers(state, validator, sizes, options.capabilityPlans),
        };
        operationIds.push(...spec.operations.map((o) => o.operationId));
        const unknown = [...(options.faults.operations ?? []), ...(options.faults.script ?? []).flatMap((f) => f.operations ?? [])].filter(
          (name) => name !== 'token' && !operationIds.includes(name),
        );
        if (unknown.length > 0) {
          throw new PermanentError(
            'invalid_simulator_options',
            `invalid ACG simulator options: faults name unknown operations ${unknown.join(', ')} (use the swagger's operationIds, or token)`,
          );
        }
        service = {
          router: new AcgRouter(spec.operations, options.basePath),
          api: new AcgService({ validator, handlers, authority, bucket, repeatability, counters, apiVersion: spec.apiVersion, logger }),
        };
        admin.loadSeeds();
      }
      if (servers.startedBefore) pipeline.resume();
      const listening = await servers.start();
      authority.setAuthorityHost(listening.authorityHost);
      endpoints = simulatorEndpoints(listening, {
        basePath: options.basePath,
        tenantId: options.entraTenantId,
        scope: authority.scope,
        apiVersion: ACG_API_VERSION,
        client: options.clients[0],
      });
      logger.info({ url: endpoints.url, authorityHost: endpoints.authorityHost }, 'ACG Provisioning API simulator listening');
      return endpoints;
    },

    async stop() {
      queue.stop();
      pipeline.stop();
      await servers.stop();
      endpoints = undefined;
    },
  };
}
