import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance, type AxiosResponse, type RawAxiosResponseHeaders, type AxiosResponseHeaders } from 'axios';
import pRetry, { AbortError } from 'p-retry';
import { classify, FlowthroughError } from '../core/errors.js';
import type { Logger } from '../platform/logging/logger.js';
import { CircuitOpenError, errorFromNetwork, errorFromResponse, refusal, tokenFailure } from './api-errors.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { CallEvent, CallOutcome, ClientHooks, OperationName } from './observability.js';
import type { RateLimiter } from '../platform/time/rate-limiter.js';
import { repeatabilityHeaders, type Repeatability } from './request-shape.js';
import { OPERATOR_CONNECT_SERVICE, type BackendService } from './backend-service.js';
import { decideRetry, retryAfterMs, type RetryDecision, type RetryPolicy } from './retry-policy.js';
import type { Clock, Sleep } from '../platform/time/clock.js';
import type { TokenCache } from '../platform/identity/token-cache.js';

export interface ApiRequest {
  readonly operation: OperationName;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** A filled path template (relative to the base URL), or an absolute nextLink on the base URL's origin. */
  readonly target: string;
  readonly query?: Readonly<Record<string, string | number>>;
  readonly body?: unknown;
  readonly contentType?: string;
  /** Conditional headers (If-Match) and the like; never Authorization. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Mutating calls only: the same id and first-sent time go on every attempt. */
  readonly repeatability?: Repeatability;
  readonly signal?: AbortSignal | undefined;
}

export interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface ExecutorDeps {
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly scope: string;
  readonly requestTimeoutMs: number;
  readonly policy: RetryPolicy;
  readonly tokens: TokenCache;
  readonly breaker: CircuitBreaker;
  readonly limiter: RateLimiter;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly logger: Logger;
  readonly hooks: ClientHooks;
  /** Absent: Operator Connect. */
  readonly service?: BackendService;
}

/** One HTTP exchange of an attempt, for the call report. */
interface Exchange {
  readonly status: number | undefined;
  readonly durationMs: number;
  readonly sentAt: number;
}

/** The circuit refusing is a verdict on the service, not on this call: fail fast, let the caller come back later. */
const isRetryable = (error: unknown): boolean =>
  error instanceof CircuitOpenError ? false : error instanceof FlowthroughError ? error.retryable : classify(error).retryable;

const retryAfterOf = (error: unknown): number | undefined =>
  error && typeof error === 'object' && 'retryAfterMs' in error && typeof error.retryAfterMs === 'number' ? error.retryAfterMs : undefined;

const codeOf = (error: unknown): string => (error instanceof FlowthroughError ? error.code : classify(error).code);

const asError = (value: unknown): Error => (value instanceof Error ? value : new Error(String(value)));

function lowerCaseHeaders(headers: RawAxiosResponseHeaders | AxiosResponseHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/**
 * Sends one API call the resilient way: paced by the rate limiter, guarded by
 * the circuit breaker, authenticated from the token cache (a 401 drops the
 * token and resends once), retried by p-retry on transient failures with the
 * delay the retry policy decides (Retry-After first), and reported through
 * the hooks.
 */
export class ApiExecutor {
  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly service: BackendService;

  constructor(private readonly deps: ExecutorDeps) {
    this.origin = new URL(deps.baseUrl).origin;
    this.service = deps.service ?? OPERATOR_CONNECT_SERVICE;
    this.http = axios.create({
      timeout: deps.requestTimeoutMs,
      // Every status comes back as an answer: classification is ours, not axios's.
      validateStatus: () => true,
      // A redirect would carry the bearer token elsewhere; the contract has none, so it is an error.
      maxRedirects: 0,
      // Timeouts surface as ETIMEDOUT rather than the ambiguous ECONNABORTED.
      transitional: { clarifyTimeoutError: true },
      headers: { Accept: 'application/json', 'User-Agent': this.service.userAgent },
    });
  }

  /** Obtains the access token now (cached as any other), so the first call does not wait for Entra ID. */
  async authenticate(): Promise<void> {
    try {
      await this.deps.tokens.get(this.deps.scope);
    } catch (error) {
      throw tokenFailure(error, this.deps.tokens.describe(error));
    }
  }

  async send<T>(request: ApiRequest): Promise<ApiAnswer<T>> {
    const { policy, clock } = this.deps;
    const clientRequestId = randomUUID();
    let firstSentAt = request.repeatability?.firstSentAt;
    let notBefore = 0;
    let decision: RetryDecision | undefined;
    let last: Exchange | undefined;
    return pRetry(
      async (attempt) => {
        try {
          const wait = notBefore - clock.now();
          if (attempt > 1 && wait > 0) await this.deps.sleep(wait, request.signal);
          last = undefined;
          return await this.attempt<T>(
            request,
            attempt,
            clientRequestId,
            () => (firstSentAt ??= clock.now()),
            (exchange) => {
              last = exchange;
            },
          );
        } catch (error) {
          // p-retry's AbortError ends the loop at once, with the original error.
          if (request.signal?.aborted) throw new AbortError(asError(request.signal.reason ?? error));
          throw error;
        }
      },
      {
        retries: Math.max(0, policy.attempts - 1),
        // p-retry counts attempts and stops; the waiting is ours (above), so the
        // service's Retry-After can set it and tests can run it on virtual time.
        minTimeout: 0,
        onFailedAttempt: ({ error, attemptNumber }) => {
          decision = decideRetry(
            policy,
            { retryable: isRetryable(error), attempt: attemptNumber, retryAfterMs: retryAfterOf(error) },
            this.deps.random,
          );
          notBefore = clock.now() + (decision.retry ? decision.delayMs : 0);
          this.reportFailure(request.operation, attemptNumber, error, decision, last);
        },
        shouldRetry: () => decision?.retry === true,
      },
    );
  }

  private async attempt<T>(
    request: ApiRequest,
    attempt: number,
    clientRequestId: string,
    stampFirstSent: () => number,
    record: (exchange: Exchange) => void,
  ): Promise<ApiAnswer<T>> {
    const { operation } = request;
    const url = this.resolve(request);
    for (let resent = false; ; resent = true) {
      // An open circuit refuses at once, without queueing for a rate-limiter slot or a token.
      const openForMs = this.deps.breaker.openForMs;
      if (openForMs !== undefined) {
        record({ status: undefined, durationMs: 0, sentAt: this.deps.clock.now() });
        throw new CircuitOpenError(operation, openForMs, this.service.name);
      }
      let token: string;
      try {
        token = await this.deps.tokens.get(this.deps.scope);
      } catch (error) {
        throw tokenFailure(error, this.deps.tokens.describe(error));
      }
      await this.deps.limiter.acquire(request.signal);
      const sentAt = this.deps.clock.now();
      const gate = this.deps.breaker.acquire();
      if (!gate.allowed) {
        record({ status: undefined, durationMs: 0, sentAt });
        throw new CircuitOpenError(operation, gate.retryInMs, this.service.name);
      }
      const headers: Record<string, string> = {
        ...request.headers,
        Authorization: `Bearer ${token}`,
        'x-ms-client-request-id': clientRequestId,
      };
      if (request.body !== undefined) headers['Content-Type'] = request.contentType ?? 'application/json';
      if (request.repeatability) Object.assign(headers, repeatabilityHeaders(request.repeatability.requestId, stampFirstSent()));

      const started = performance.now();
      let response: AxiosResponse<unknown>;
      try {
        response = await this.http.request<unknown>({
          method: request.method,
          url,
          headers,
          ...(request.body === undefined ? {} : { data: request.body }),
          ...(request.signal ? { signal: request.signal } : {}),
        });
      } catch (error) {
        record({ status: undefined, durationMs: performance.now() - started, sentAt });
        if (request.signal?.aborted) {
          gate.permit.abandon();
          throw error;
        }
        const failure = errorFromNetwork(operation, error, this.service.name);
        if (failure.retryable) gate.permit.failure();
        else gate.permit.abandon();
        throw failure;
      }
      const exchange = { status: response.status, durationMs: performance.now() - started, sentAt };
      record(exchange);
      const answerHeaders = lowerCaseHeaders(response.headers);
      if (response.status >= 200 && response.status < 300) {
        gate.permit.success();
        this.emitCall({
          operation,
          status: response.status,
          outcome: 'ok',
          durationMs: exchange.durationMs,
          attempt,
          code: undefined,
          sentAt,
        });
        return { status: response.status, body: response.data as T, headers: answerHeaders };
      }
      const failure = errorFromResponse(
        operation,
        {
          status: response.status,
          body: response.data,
          headers: answerHeaders,
          retryAfterMs: retryAfterMs(answerHeaders, this.deps.clock.now()),
        },
        this.service.name,
      );
      // A 429 says the service is up and pacing us: Retry-After deals with it, the circuit must not open on it.
      if (failure.retryable && response.status !== 429) gate.permit.failure();
      else gate.permit.success();
      if (response.status === 401 && !resent) {
        this.deps.tokens.invalidate(this.deps.scope, token);
        this.emitCall({ operation, status: 401, outcome: 'retry', durationMs: exchange.durationMs, attempt, code: failure.code, sentAt });
        this.deps.logger.info(
          { operation, attempt, code: failure.code },
          `${this.service.name} refused the access token; resending once with a new one`,
        );
        continue;
      }
      throw failure;
    }
  }

  /** Paths get the base URL and api-version; a nextLink is followed as given, but only on our own origin (it gets our token). */
  private resolve(request: ApiRequest): string {
    const absolute = /^https?:\/\//i.test(request.target);
    const url = new URL(absolute ? request.target : `${this.deps.baseUrl}${request.target}`);
    if (absolute && url.origin !== this.origin) {
      throw refusal(
        request.operation,
        'UntrustedNextLink',
        `nextLink ${url.origin} is not on the API origin ${this.origin}`,
        {},
        this.service.name,
      );
    }
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', this.deps.apiVersion);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, String(value));
    return url.toString();
  }

  private reportFailure(
    operation: OperationName,
    attempt: number,
    error: unknown,
    decision: RetryDecision,
    exchange: Exchange | undefined,
  ): void {
    const code = codeOf(error);
    const status = exchange?.status;
    const outcome: CallOutcome = decision.retry
      ? 'retry'
      : decision.reason === 'permanent'
        ? error instanceof CircuitOpenError
          ? 'circuit_open'
          : 'permanent'
        : 'transient_exhausted';
    this.emitCall({
      operation,
      status,
      outcome,
      durationMs: exchange?.durationMs ?? 0,
      attempt,
      code,
      sentAt: exchange?.sentAt ?? this.deps.clock.now(),
    });
    const fields = { operation, attempt, status, code };
    if (decision.retry) {
      const retryAfter = retryAfterOf(error);
      this.deps.logger.warn(
        { ...fields, delayMs: decision.delayMs, retryAfterMs: retryAfter },
        `${this.service.name} call failed; retrying`,
      );
      this.safely(() =>
        this.deps.hooks.onRetry?.({ operation, attempt, delayMs: decision.delayMs, status, code, retryAfterMs: retryAfter }),
      );
    } else {
      this.deps.logger.debug({ ...fields, outcome }, `${this.service.name} call failed`);
    }
  }

  private emitCall(event: CallEvent): void {
    this.safely(() => this.deps.hooks.onCall?.(event));
  }

  /** A metrics hook must never break a call. */
  private safely(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.deps.logger.warn({ err: error }, `${this.service.name} client hook threw; ignored`);
    }
  }
}
