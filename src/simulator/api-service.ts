import type { IncomingMessage } from 'node:http';
import { HEADERS } from '../contracts/operator-connect-api.js';
import type { ApiRouter, RouteMatch } from './api-routes.js';
import { retryAfterHeaders } from './call-pipeline.js';
import type { ConsentHandlers } from './consent-handlers.js';
import type { Counters } from './counters.js';
import type { HandlerContext } from './handler-context.js';
import { readBody } from './http-kit.js';
import type { NumberHandlers } from './number-handlers.js';
import { MUTATING_OPERATIONS, type ApiOperation } from './operations.js';
import type { OrderHandlers } from './order-handlers.js';
import type { RateLimiter } from '../platform/time/rate-limiter.js';
import { fingerprint, readRepeatabilityHeaders, type RepeatabilityStore } from './repeatability.js';
import { ApiError, type Reply } from './reply.js';
import { requireRole, type TokenAuthority } from './token-authority.js';

export interface ApiServiceDeps {
  readonly router: ApiRouter;
  readonly bucket: RateLimiter;
  readonly authority: TokenAuthority;
  readonly repeatability: RepeatabilityStore;
  readonly counters: Counters;
  readonly consents: ConsentHandlers;
  readonly orders: OrderHandlers;
  readonly numbers: NumberHandlers;
  readonly apiVersions: readonly string[];
  readonly basePath: string;
}

/**
 * One API call after the network layer: route, throttle, api-version,
 * bearer token and role, body, then — for a mutating call — the
 * Repeatability check around the handler.
 */
export class ApiService {
  constructor(private readonly deps: ApiServiceDeps) {}

  route(request: IncomingMessage, url: URL): RouteMatch {
    return this.deps.router.match(request.method ?? 'GET', url.pathname);
  }

  async handle(request: IncomingMessage, url: URL, match: RouteMatch): Promise<Reply> {
    if (match.kind === 'notFound') throw new ApiError(404, 'NotFound', `No resource at ${url.pathname}.`);
    if (match.kind === 'methodNotAllowed') {
      throw new ApiError(405, 'MethodNotAllowed', `${request.method ?? ''} is not allowed here; use ${match.allowed.join(', ')}.`, [], {
        allow: match.allowed.join(', '),
      });
    }
    const take = this.deps.bucket.tryAcquire();
    if (!take.allowed) {
      this.deps.counters.rateLimited();
      throw new ApiError(
        429,
        'TooManyRequests',
        'The rate limit is exceeded; retry after the given delay.',
        [],
        retryAfterHeaders(take.retryAfterMs),
      );
    }
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion)
      throw new ApiError(
        400,
        'MissingApiVersionParameter',
        `The api-version query parameter is required (supported: ${this.deps.apiVersions.join(', ')}).`,
      );
    if (!this.deps.apiVersions.includes(apiVersion)) {
      throw new ApiError(
        400,
        'UnsupportedApiVersion',
        `api-version ${apiVersion} is not supported (supported: ${this.deps.apiVersions.join(', ')}).`,
      );
    }
    const principal = this.deps.authority.authenticate(request.headers.authorization);
    requireRole(principal, match.roles);
    const body = await readBody(request);
    const host = request.headers.host ?? 'localhost';
    const base = { request, url, params: match.params, body, principal, apiBaseUrl: `http://${host}${this.deps.basePath}`, apiVersion };
    if (!MUTATING_OPERATIONS.has(match.operation)) return this.invoke(match.operation, { ...base, requestId: '' });

    const headers = readRepeatabilityHeaders(request.headers);
    // Ids are scoped to the calling app: two apps cannot collide on each other's ids.
    const key = `${principal.clientId} ${headers.requestId}`;
    const print = fingerprint(request.method ?? '', url.pathname, body);
    const replay = this.deps.repeatability.check(key, print, headers);
    if (replay) {
      this.deps.counters.replayed();
      return replay;
    }
    let reply: Reply;
    try {
      reply = this.invoke(match.operation, { ...base, requestId: headers.requestId });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      reply = error.toReply();
    }
    // 2xx and 4xx answers are final for this id; after a 5xx the client may try again.
    if (reply.status < 500) this.deps.repeatability.remember(key, print, reply);
    return { ...reply, headers: { ...reply.headers, [HEADERS.repeatabilityResult]: 'accepted' } };
  }

  private invoke(operation: ApiOperation, context: HandlerContext): Reply {
    const { consents, orders, numbers } = this.deps;
    switch (operation) {
      case 'listConsents':
        return consents.list(context);
      case 'getConsent':
        return consents.get(context);
      case 'updateConsent':
        return consents.update(context);
      case 'createUploadOrder':
        return orders.upload(context);
      case 'createReleaseOrder':
        return orders.release(context);
      case 'createUpdateOrder':
        return orders.update(context);
      case 'getOrder':
        return orders.get(context);
      case 'listNumbers':
        return numbers.list(context);
      case 'getNumber':
        return numbers.get(context);
    }
  }
}
