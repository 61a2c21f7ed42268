import type { TokenCredential } from '@azure/identity';
import type { OperatorConnectConfig } from '../platform/config/operator-connect-variables.js';
import type { Logger } from '../platform/logging/logger.js';
import {
  RELATIONSHIP_STATUSES_NEEDING_COMMENT,
  type Consent,
  type NumberStatus,
  type Order,
  type OrderStatus,
  type Page,
  type RelationshipStatus,
  type ReleaseOrderRequest,
  type UpdateOrderRequest,
  type UploadOrderRequest,
} from '../contracts/operator-connect-api.js';
import { ApiExecutor } from './api-executor.js';
import { BackendPermanentError, refusal } from './api-errors.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';
import { createCredential } from './credential.js';
import type { CallEvent, OperationName, RetryEvent } from './observability.js';
import { waitForOrder } from './order-polling.js';
import { RateLimiter } from '../platform/time/rate-limiter.js';
import { checkRequestId, fillPath } from './request-shape.js';
import type { RetryPolicy } from './retry-policy.js';
import { realSleep, systemClock, type Clock, type Sleep } from '../platform/time/clock.js';
import { TokenCache } from '../platform/identity/token-cache.js';
import { TokenHealth, type TokenProblem } from './token-health.js';
import { componentLogger } from '../platform/logging/component-logger.js';

export interface OperatorConnectClientOptions {
  readonly config: OperatorConnectConfig;
  readonly logger: Logger;
  /** The credential `config.auth` asks for when absent. */
  readonly credential?: TokenCredential;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Jitter source, [0, 1). */
  readonly random?: () => number;
  /** Renew tokens this long before expiry (capped at half their lifetime). */
  readonly tokenRefreshMarginMs?: number;
  readonly onCall?: (event: CallEvent) => void;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly onCircuitStateChange?: (state: CircuitState, previous: CircuitState) => void;
}

export interface CallOptions {
  /** Ends waits and the request in flight, e.g. at shutdown. */
  readonly signal?: AbortSignal;
}

export interface MutationOptions extends CallOptions {
  /**
   * When this change was first sent (ms since the epoch), if an earlier run
   * sent it already: Repeatability-First-Sent then tells the service how old
   * the request is. The first attempt of this call when absent.
   */
  readonly firstSentAt?: number;
}

export interface CustomerRelationshipChange {
  readonly status: RelationshipStatus;
  /** Required for ConsentDeclined and ContractTerminated. */
  readonly comment?: string | null;
}

/** What the service answered when it accepted an order (202). */
export interface SubmittedOrder {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly order: Order;
  /** The order's URL as the service gave it. */
  readonly operationLocation: string | undefined;
}

export interface WaitOptions extends CallOptions {
  /** Defaults to the configured poll interval. */
  readonly pollIntervalMs?: number;
  readonly timeoutMs?: number;
}

/** Guards against a service that links a page to itself. */
const MAX_PAGES = 10_000;

/**
 * The Operator Connect / Teams Phone Mobile number-management API
 * (docs/operator-connect-api.md), typed. Every call is paced, guarded by a
 * circuit breaker, authenticated and retried (see ApiExecutor). Failures are
 * BackendPermanentError (the request will never succeed as it is),
 * BackendTransientError (attempts spent, try later) or
 * CircuitOpenError (not sent; the service has been failing).
 *
 * Mutating calls take a Repeatability-Request-ID from the caller: derive it
 * from the persisted operation, so a retry after a crash cannot apply twice.
 */
export class OperatorConnectClient {
  private readonly config: OperatorConnectConfig;
  private readonly breaker: CircuitBreaker;
  private readonly executor: ApiExecutor;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly tokenHealth: TokenHealth;
  private readonly limiter: RateLimiter;

  constructor(options: OperatorConnectClientOptions) {
    const { config } = options;
    this.config = config;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    const logger = componentLogger(options.logger, 'operator-connect');
    this.breaker = new CircuitBreaker({
      failureThreshold: config.circuitBreaker.failureThreshold,
      coolDownMs: config.circuitBreaker.coolDownMs,
      clock: this.clock,
      onStateChange: (state, previous) => {
        logger.warn({ state, previous }, 'Operator Connect circuit changed state');
        try {
          options.onCircuitStateChange?.(state, previous);
        } catch (error) {
          logger.warn({ err: error }, 'Operator Connect client hook threw; ignored');
        }
      },
    });
    this.tokenHealth = new TokenHealth({ settings: config.auth, clock: this.clock, logger });
    this.limiter = new RateLimiter({ ratePerSecond: config.rateLimitPerSecond, clock: this.clock, sleep: this.sleep });
    const policy: RetryPolicy = {
      attempts: config.retry.attempts,
      baseDelayMs: config.retry.baseDelayMs,
      maxDelayMs: config.retry.maxDelayMs,
      jitter: 'equal',
    };
    this.executor = new ApiExecutor({
      baseUrl: config.baseUrl,
      apiVersion: config.apiVersion,
      scope: config.auth.scope,
      requestTimeoutMs: config.requestTimeoutMs,
      policy,
      tokens: new TokenCache(options.credential ?? createCredential(config.auth), {
        clock: this.clock,
        logger,
        health: this.tokenHealth,
        timeoutMs: config.tokenTimeoutMs,
        purpose: { what: 'an Operator Connect access token', timeoutSetting: 'OPERATOR_CONNECT_TOKEN_TIMEOUT_MS' },
        ...(options.tokenRefreshMarginMs === undefined ? {} : { refreshMarginMs: options.tokenRefreshMarginMs }),
      }),
      breaker: this.breaker,
      limiter: this.limiter,
      clock: this.clock,
      sleep: this.sleep,
      random: options.random ?? Math.random,
      logger,
      hooks: {
        ...(options.onCall ? { onCall: options.onCall } : {}),
        ...(options.onRetry ? { onRetry: options.onRetry } : {}),
      },
    });
  }

  /**
   * Takes the access token ahead of the first call (a worker does at start): a credential that does
   * not work shows at once, and the first order does not wait for Entra ID. Renewal stays on demand.
   */
  authenticate(): Promise<void> {
    return this.executor.authenticate();
  }

  /**
   * For readiness: while Entra ID gives no token, the explanation (which
   * OPERATOR_CONNECT_* setting, its value), since when and how many attempts
   * failed; null while tokens come.
   */
  tokenProblem(): TokenProblem | null {
    return this.tokenHealth.problem;
  }

  /** Calls per second this client paces at now (0: no pacing); the fleet budget lowers it to this worker's share. */
  get rateLimitPerSecond(): number {
    return this.limiter.rate;
  }

  /**
   * Paces at `perSecond` from now on (> 0; without a burst, see RateLimiter.setRate):
   * this worker's share of a fleet-wide budget. No effect when pacing is off (0).
   */
  setRateLimit(perSecond: number): void {
    this.limiter.setRate(perSecond);
  }

  /** For metrics: closed, open or half-open. */
  get circuitState(): CircuitState {
    return this.breaker.state;
  }

  /** Every consent given to this operator (all pages). */
  listConsents(options: CallOptions = {}): Promise<Consent[]> {
    return this.listAll<Consent>('listConsents', this.config.paths.consents, options);
  }

  /** A tenant's consent; BackendPermanentError `ConsentNotFound` (404) when it has none. */
  async getConsent(tenantId: string, options: CallOptions = {}): Promise<Consent> {
    const answer = await this.executor.send<Consent>({
      operation: 'getConsent',
      method: 'GET',
      target: fillPath(this.config.paths.consent, { tenantId }),
      signal: options.signal,
    });
    return answer.body;
  }

  /** Sets the operator-side customer relationship of a consent (a merge patch). */
  async updateCustomerRelationship(
    tenantId: string,
    change: CustomerRelationshipChange,
    requestId: string,
    options: MutationOptions = {},
  ): Promise<Consent> {
    const operation = 'updateCustomerRelationship';
    checkRequestId(operation, requestId);
    if (RELATIONSHIP_STATUSES_NEEDING_COMMENT.includes(change.status) && !change.comment?.trim()) {
      throw refusal(operation, 'InvalidRequestBody', `${change.status} needs a comment`, { tenantId });
    }
    const customerRelationship = { status: change.status, ...(change.comment === undefined ? {} : { comment: change.comment }) };
    const answer = await this.executor.send<Consent>({
      operation,
      method: 'PATCH',
      target: fillPath(this.config.paths.consent, { tenantId }),
      body: { customerRelationship },
      contentType: 'application/merge-patch+json',
      repeatability: { requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
    return answer.body;
  }

  /** Uploads numbers to a tenant (`teamsPhoneMobile: true` for Teams Phone Mobile); answers once the order is accepted. */
  uploadNumbers(tenantId: string, request: UploadOrderRequest, requestId: string, options: MutationOptions = {}): Promise<SubmittedOrder> {
    return this.submit(
      'uploadNumbers',
      this.config.paths.uploadOrders,
      tenantId,
      { teamsPhoneMobile: request.teamsPhoneMobile ?? false, numbers: request.numbers },
      requestId,
      options,
    );
  }

  releaseNumbers(
    tenantId: string,
    request: ReleaseOrderRequest,
    requestId: string,
    options: MutationOptions = {},
  ): Promise<SubmittedOrder> {
    return this.submit('releaseNumbers', this.config.paths.releaseOrders, tenantId, { numbers: request.numbers }, requestId, options);
  }

  /** Replaces the whole configuration of numbers the tenant holds. */
  updateNumbers(tenantId: string, request: UpdateOrderRequest, requestId: string, options: MutationOptions = {}): Promise<SubmittedOrder> {
    return this.submit('updateNumbers', this.config.paths.updateOrders, tenantId, { numbers: request.numbers }, requestId, options);
  }

  /** An order's status; per-number `results` once it is terminal. */
  async getOrder(orderId: string, options: CallOptions = {}): Promise<Order> {
    const answer = await this.executor.send<Order>({
      operation: 'getOrder',
      method: 'GET',
      target: fillPath(this.config.paths.order, { orderId }),
      signal: options.signal,
    });
    return answer.body;
  }

  /** Polls getOrder every poll interval until the order is complete, partialSuccess or failed. */
  waitForOrder(orderId: string, options: WaitOptions = {}): Promise<Order> {
    return waitForOrder(() => this.getOrder(orderId, options), orderId, {
      pollIntervalMs: options.pollIntervalMs ?? this.config.pollIntervalMs,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      clock: this.clock,
      sleep: this.sleep,
    });
  }

  /** Whether the tenant holds the number, and its configuration. */
  async getNumberStatus(tenantId: string, telephoneNumber: string, options: CallOptions = {}): Promise<NumberStatus> {
    const answer = await this.executor.send<NumberStatus>({
      operation: 'getNumberStatus',
      method: 'GET',
      target: fillPath(this.config.paths.number, { tenantId, telephoneNumber }),
      signal: options.signal,
    });
    return answer.body;
  }

  /** Every number the tenant holds (all pages). */
  listTenantNumbers(tenantId: string, options: CallOptions = {}): Promise<NumberStatus[]> {
    return this.listAll<NumberStatus>('listTenantNumbers', fillPath(this.config.paths.numbers, { tenantId }), options);
  }

  private async submit(
    operation: OperationName,
    template: string,
    tenantId: string,
    body: { readonly numbers: readonly { readonly telephoneNumber: string }[]; readonly teamsPhoneMobile?: boolean },
    requestId: string,
    options: MutationOptions,
  ): Promise<SubmittedOrder> {
    checkRequestId(operation, requestId);
    this.checkNumbers(operation, body.numbers, tenantId);
    const answer = await this.executor.send<Order>({
      operation,
      method: 'POST',
      target: fillPath(template, { tenantId }),
      body,
      repeatability: { requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
    const order = answer.body;
    if (!order || typeof order.id !== 'string') {
      throw new BackendPermanentError('InvalidResponse', `Operator Connect ${operation} accepted the order but answered no order id`, {
        operation,
        status: answer.status,
      });
    }
    return { orderId: order.id, status: order.status, order, operationLocation: answer.headers['operation-location'] };
  }

  /** The service's whole-order checks, made before anything is sent (contract §5.2). */
  private checkNumbers(operation: OperationName, numbers: readonly { readonly telephoneNumber: string }[], tenantId: string): void {
    const max = this.config.maxNumbersPerOrder;
    if (numbers.length === 0) throw refusal(operation, 'InvalidRequestBody', 'an order needs at least one number', { tenantId });
    if (numbers.length > max) {
      throw refusal(operation, 'TooManyNumbers', `an order takes at most ${max} numbers; this one has ${numbers.length}`, {
        tenantId,
        count: numbers.length,
        max,
      });
    }
    const seen = new Set<string>();
    for (const { telephoneNumber } of numbers) {
      if (seen.has(telephoneNumber))
        throw refusal(operation, 'DuplicateNumbers', `${telephoneNumber} is listed more than once`, { tenantId });
      seen.add(telephoneNumber);
    }
  }

  private async listAll<T>(operation: OperationName, path: string, options: CallOptions): Promise<T[]> {
    const items: T[] = [];
    let target: string | undefined = path;
    for (let page = 0; target !== undefined; page += 1) {
      if (page >= MAX_PAGES)
        throw new BackendPermanentError('TooManyPages', `Operator Connect ${operation} returned more than ${MAX_PAGES} pages`, {
          operation,
        });
      // The first page sets the size; a nextLink carries its own query.
      const answer: { body: Page<T> } = await this.executor.send<Page<T>>({
        operation,
        method: 'GET',
        target,
        ...(page === 0 ? { query: { maxpagesize: this.config.pageSize } } : {}),
        signal: options.signal,
      });
      if (!Array.isArray(answer.body?.value)) {
        throw new BackendPermanentError('InvalidResponse', `Operator Connect ${operation} answered a page without a value array`, {
          operation,
        });
      }
      items.push(...answer.body.value);
      target = answer.body.nextLink;
    }
    return items;
  }
}
