import type { IncomingMessage } from 'node:http';
import type { Logger } from '../platform/logging/logger.js';
import type { RateLimiter } from '../platform/time/rate-limiter.js';
import { HEADERS } from '../contracts/operator-connect-api.js';
import { retryAfterHeaders } from '../simulator/call-pipeline.js';
import { readBody } from '../simulator/http-kit.js';
import { ApiError, type Reply } from '../simulator/reply.js';
import { fingerprint, type RepeatabilityStore } from '../simulator/repeatability.js';
import { requireRole, type TokenAuthority } from '../simulator/token-authority.js';
import type { AcgCounters } from './acg-counters.js';
import { AcgError } from './acg-error.js';
import type { AcgHandler } from './handler-context.js';
import { validateRequest } from './request-validation.js';
import { responseViolations } from './response-validation.js';
import { rolesFor } from './roles.js';
import type { AcgRoute } from './router.js';
import type { SchemaValidator } from './schema-validator.js';
import type { SpecOperation } from './spec.js';

export interface AcgServiceDeps {
  readonly validator: SchemaValidator;
  readonly handlers: Readonly<Record<string, AcgHandler>>;
  readonly authority: TokenAuthority;
  readonly bucket: RateLimiter | undefined;
  readonly repeatability: RepeatabilityStore;
  readonly counters: AcgCounters;
  readonly apiVersion: string;
  readonly logger: Logger;
}

const toReply = (error: unknown): Reply => {
  if (error instanceof AcgError || error instanceof ApiError) return error.toReply();
  throw error;
};

/**
 * One API call after the network layer: route, throttle (429), bearer token
 * (401), app role (403), the request against the swagger (400/415), then
 * for a call carrying Repeatability-Request-ID the replay check around the
 * handler; and last the answer against the swagger: one that breaks it is
 * a simulator bug, answered 500, logged as an error and counted.
 */
export class AcgService {
  constructor(private readonly deps: AcgServiceDeps) {}

  async handle(request: IncomingMessage, url: URL, route: AcgRoute): Promise<Reply> {
    if (route.kind !== 'found') return this.unrouted(request, url, route);
    let reply: Reply;
    try {
      reply = await this.call(request, url, route.operation, route.params);
    } catch (error) {
      reply = toReply(error);
    }
    return this.checked(route.operation, reply);
  }

  private unrouted(request: IncomingMessage, url: URL, route: Exclude<AcgRoute, { kind: 'found' }>): Reply {
    if (route.kind === 'notFound') return new AcgError(404, 'NotFound', `No resource at ${url.pathname}.`).toReply();
    return new AcgError(405, 'MethodNotAllowed', `${request.method ?? ''} is not allowed here; use ${route.allowed.join(', ')}.`, [], {
      allow: route.allowed.join(', '),
    }).toReply();
  }

  private async call(
    request: IncomingMessage,
    url: URL,
    operation: SpecOperation,
    params: Readonly<Record<string, string>>,
  ): Promise<Reply> {
    const { deps } = this;
    const take = deps.bucket?.tryAcquire();
    if (take && !take.allowed) {
      deps.counters.rateLimited();
      throw new AcgError(
        429,
        'TooManyRequests',
        'The rate limit is exceeded; retry after the given delay.',
        [],
        retryAfterHeaders(take.retryAfterMs),
      );
    }
    const principal = deps.authority.authenticate(request.headers.authorization);
    requireRole(principal, rolesFor(operation.method, operation.operationId));
    const body = await readBody(request);
    let valid: ReturnType<typeof validateRequest>;
    try {
      valid = validateRequest(deps.validator, operation, request, url, params, body);
      if (valid.query['api-version'] !== deps.apiVersion) {
        throw new AcgError(
          400,
          'UnsupportedApiVersion',
          `api-version ${String(valid.query['api-version'])} is not supported; use ${deps.apiVersion}.`,
        );
      }
    } catch (error) {
      if (error instanceof AcgError && (error.status === 400 || error.status === 415)) deps.counters.requestViolation();
      throw error;
    }
    const handler = deps.handlers[operation.operationId];
    if (!handler) throw new AcgError(501, 'NotImplemented', `The simulator does not implement ${operation.operationId}.`);
    const run = (): Reply => {
      try {
        return handler({ request: valid, url });
      } catch (error) {
        return toReply(error);
      }
    };
    const requestId = valid.headers[HEADERS.repeatabilityRequestId];
    if (!operation.repeatable || requestId === undefined) return run();

    // Ids are scoped to the calling app; the same id with another request is a conflict (RepeatabilityStore).
    const key = `${principal.clientId} ${requestId}`;
    const print = fingerprint(request.method ?? '', url.pathname + url.search, body);
    const sent = valid.headers[HEADERS.repeatabilityFirstSent];
    const replay = deps.repeatability.check(key, print, { requestId, firstSent: sent === undefined ? undefined : Date.parse(sent) });
    if (replay) {
      deps.counters.replayed();
      return replay;
    }
    const reply = run();
    // 2xx and 4xx answers are final for this id; after a 5xx the client may try again.
    if (reply.status < 500) deps.repeatability.remember(key, print, reply);
    return { ...reply, headers: { ...reply.headers, [HEADERS.repeatabilityResult]: 'accepted' } };
  }

  /** The answer if it conforms to the swagger; else a 500, an error log and a counted violation. */
  private checked(operation: SpecOperation, reply: Reply): Reply {
    const violations = responseViolations(this.deps.validator, operation, reply);
    if (violations.length === 0) return reply;
    this.deps.counters.responseViolation();
    this.deps.logger.error(
      { operationId: operation.operationId, status: reply.status, violations, body: reply.body },
      'ACG simulator answer violates the swagger (a simulator bug)',
    );
    return new AcgError(
      500,
      'SimulatorResponseInvalid',
      `The simulator's answer violates the API definition: ${violations.map((v) => `${v.target} ${v.message}`).join('; ')}.`,
    ).toReply();
  }
}
