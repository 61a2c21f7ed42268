import type { TokenCredential } from '@azure/identity';
import {
  ACG_PROVISIONING_SERVICE,
  ApiExecutor,
  checkRequestId,
  CircuitBreaker,
  fillPath,
  BackendPermanentError,
  refusal,
  TokenHealth,
  type ApiAnswer,
  type CallEvent,
  type RetryEvent,
} from '../operator-connect/index.js';
import type { EntraTokenSettings } from '../platform/config/entra-variables.js';
import { ACG_PROVISIONING_TOKEN_NAMES } from '../platform/errors/explain-token.js';
import { createEntraCredential } from '../platform/identity/entra-credential.js';
import { TokenCache } from '../platform/identity/token-cache.js';
import { componentLogger } from '../platform/logging/component-logger.js';
import type { Logger } from '../platform/logging/logger.js';
import { realSleep, systemClock, type Clock, type Sleep } from '../platform/time/clock.js';
import { RateLimiter } from '../platform/time/rate-limiter.js';
import type { AccountResource, NumberResource, Page, RequestForInformation, Tagged } from './acg-api.js';

/** The published limit: at most 100 numbers in one createOrUpdateNumbers or deleteNumbers request. */
export const MAX_NUMBERS_PER_REQUEST = 100;

/** The published throttling limit of the Provisioning API. */
export const PUBLISHED_REQUESTS_PER_MINUTE = 100;

export interface AcgClientSettings {
  /** https://provapi.<base-domain> (the swagger's paths hang below it). */
  readonly baseUrl: string;
  readonly apiVersion: string;
  readonly auth: EntraTokenSettings;
  /** Pacing of this client; 0 turns it off. Default: the published 100 requests/minute. */
  readonly requestsPerMinute?: number;
  readonly requestTimeoutMs?: number;
  readonly retry?: { readonly attempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly circuitBreaker?: { readonly failureThreshold: number; readonly coolDownMs: number };
  readonly pageSize?: number;
}

export interface AcgClientOptions {
  readonly settings: AcgClientSettings;
  readonly logger: Logger;
  /** A credential made beforehand (tests); absent: from settings.auth. */
  readonly credential?: TokenCredential;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly onCall?: (event: CallEvent) => void;
  readonly onRetry?: (event: RetryEvent) => void;
}

export interface MutationOptions {
  /** From the caller's persisted operation: the same id on every attempt and after a crash. */
  readonly requestId: string;
  /** When the change was first sent (a resend after a crash keeps it); absent: this call's first attempt. */
  readonly firstSentAt?: number;
  readonly signal?: AbortSignal;
}

const MAX_PAGES = 10_000;

/**
 * Azure Communications Gateway's Provisioning API, typed: accounts, numbers in
 * batches of at most 100, requests for information (consents). Every call goes
 * through the same executor as the Operator Connect client: paced (100
 * requests/minute unless told), guarded by a circuit breaker, authenticated
 * from a token cache whose failures name the ACG_PROVISIONING_* setting,
 * retried on transient failures with Retry-After honoured; mutations carry
 * Repeatability headers from the caller's persisted id.
 */
export class AcgProvisioningClient {
  private readonly executor: ApiExecutor;
  private readonly limiter: RateLimiter;
  private readonly tokenHealth: TokenHealth;
  private readonly pageSize: number;

  constructor(options: AcgClientOptions) {
    const { settings } = options;
    const clock = options.clock ?? systemClock;
    const sleep = options.sleep ?? realSleep;
    const logger = componentLogger(options.logger, 'acg-provisioning');
    const perMinute = settings.requestsPerMinute ?? PUBLISHED_REQUESTS_PER_MINUTE;
    this.limiter = new RateLimiter({ ratePerSecond: perMinute / 60, clock, sleep });
    this.tokenHealth = new TokenHealth({ settings: settings.auth, names: ACG_PROVISIONING_TOKEN_NAMES, clock, logger });
    this.pageSize = settings.pageSize ?? 100;
    const retry = settings.retry ?? { attempts: 5, baseDelayMs: 500, maxDelayMs: 30_000 };
    const breaker = settings.circuitBreaker ?? { failureThreshold: 5, coolDownMs: 30_000 };
    this.executor = new ApiExecutor({
      service: ACG_PROVISIONING_SERVICE,
      baseUrl: settings.baseUrl,
      apiVersion: settings.apiVersion,
      scope: settings.auth.scope,
      requestTimeoutMs: settings.requestTimeoutMs ?? 30_000,
      policy: { ...retry, jitter: 'equal' },
      tokens: new TokenCache(options.credential ?? createEntraCredential(settings.auth), {
        clock,
        logger,
        health: this.tokenHealth,
        timeoutMs: 30_000,
        purpose: { what: 'an ACG Provisioning API access token', timeoutSetting: 'its timeout (ms)' },
      }),
      breaker: new CircuitBreaker({ ...breaker, clock }),
      limiter: this.limiter,
      clock,
      sleep,
      random: options.random ?? Math.random,
      logger,
      hooks: { ...(options.onCall ? { onCall: options.onCall } : {}), ...(options.onRetry ? { onRetry: options.onRetry } : {}) },
    });
  }

  /** Requests per minute this client paces at now. */
  get requestsPerMinute(): number {
    return this.limiter.rate * 60;
  }

  /** This worker's share of a fleet-wide budget, per minute (> 0). */
  setRequestsPerMinute(perMinute: number): void {
    this.limiter.setRate(perMinute / 60);
  }

  /** Creates or replaces an account; `ifMatch`: only if it is still this version (412 otherwise). */
  async putAccount(
    name: string,
    account: AccountResource,
    options: MutationOptions & { readonly ifMatch?: string },
  ): Promise<Tagged<AccountResource>> {
    checkRequestId('putAccount', options.requestId);
    const answer = await this.executor.send<AccountResource>({
      operation: 'putAccount',
      method: 'PUT',
      target: fillPath('/accounts/{name}', { name }),
      body: account,
      ...(options.ifMatch ? { headers: { 'If-Match': options.ifMatch } } : {}),
      repeatability: { requestId: options.requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
    return tagged(answer);
  }

  async getAccount(name: string, signal?: AbortSignal): Promise<Tagged<AccountResource>> {
    return tagged(
      await this.executor.send<AccountResource>({
        operation: 'getAccount',
        method: 'GET',
        target: fillPath('/accounts/{name}', { name }),
        signal,
      }),
    );
  }

  /** Deletes an account; `deleteNumbers`: its numbers too (otherwise the service refuses an account that has numbers). */
  async deleteAccount(name: string, options: MutationOptions & { readonly deleteNumbers?: boolean }): Promise<void> {
    checkRequestId('deleteAccount', options.requestId);
    await this.executor.send<unknown>({
      operation: 'deleteAccount',
      method: 'DELETE',
      target: fillPath('/accounts/{name}', { name }),
      ...(options.deleteNumbers === undefined ? {} : { query: { deleteNumbers: String(options.deleteNumbers) } }),
      repeatability: { requestId: options.requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
  }

  /** Creates or updates at most 100 numbers of an account in one request; the service answers each number as it stands. */
  async createOrUpdateNumbers(account: string, numbers: readonly NumberResource[], options: MutationOptions): Promise<NumberResource[]> {
    checkRequestId('createOrUpdateNumbers', options.requestId);
    this.checkBatch('createOrUpdateNumbers', account, numbers);
    const answer = await this.executor.send<{ numbers?: NumberResource[] }>({
      operation: 'createOrUpdateNumbers',
      method: 'POST',
      target: `${fillPath('/accounts/{name}', { name: account })}:createOrUpdateNumbers`,
      body: { numbers },
      repeatability: { requestId: options.requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
    if (!Array.isArray(answer.body?.numbers)) throw invalid('createOrUpdateNumbers', 'answered without a numbers array');
    return answer.body.numbers;
  }

  /** Deletes at most 100 numbers of an account in one request. */
  async deleteNumbers(account: string, telephoneNumbers: readonly string[], options: MutationOptions): Promise<void> {
    checkRequestId('deleteNumbers', options.requestId);
    this.checkBatch(
      'deleteNumbers',
      account,
      telephoneNumbers.map((telephoneNumber) => ({ telephoneNumber })),
    );
    await this.executor.send<unknown>({
      operation: 'deleteNumbers',
      method: 'POST',
      target: `${fillPath('/accounts/{name}', { name: account })}:deleteNumbers`,
      body: { numbers: telephoneNumbers.map((telephoneNumber) => ({ telephoneNumber })) },
      repeatability: { requestId: options.requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
  }

  async getAccountNumber(account: string, telephoneNumber: string, signal?: AbortSignal): Promise<NumberResource> {
    const answer = await this.executor.send<NumberResource>({
      operation: 'getAccountNumber',
      method: 'GET',
      target: fillPath('/accounts/{name}/numbers/{telephoneNumber}', { name: account, telephoneNumber }),
      signal,
    });
    return answer.body;
  }

  /** Every number of an account (all pages). */
  listAccountNumbers(account: string, signal?: AbortSignal): Promise<NumberResource[]> {
    return this.listAll<NumberResource>('listAccountNumbers', `${fillPath('/accounts/{name}', { name: account })}/numbers`, signal);
  }

  /** Every account of the deployment (Accounts_List, all pages): each as Accounts_Get answers it, read-only counts included. */
  listAccounts(signal?: AbortSignal): Promise<AccountResource[]> {
    return this.listAll<AccountResource>('listAccounts', '/accounts', signal);
  }

  /** Every number of the deployment, whatever its account (ListNumbers, all pages): each names its accountName. */
  listNumbers(signal?: AbortSignal): Promise<NumberResource[]> {
    return this.listAll<NumberResource>('listNumbers', '/numbers', signal);
  }

  /** Every Teams request for information (consent) given to the operator (all pages). */
  listRequestsForInformation(signal?: AbortSignal): Promise<RequestForInformation[]> {
    return this.listAll<RequestForInformation>('listRequestsForInformation', '/teamsRequestsForInformation', signal);
  }

  /** Updates the customer relationship of a tenant's request for information (merge patch). */
  async updateCustomerRelationship(
    tenantId: string,
    change: { readonly status: string; readonly comment?: string },
    options: MutationOptions & { readonly ifMatch?: string },
  ): Promise<Tagged<RequestForInformation>> {
    checkRequestId('patchRequestForInformation', options.requestId);
    const answer = await this.executor.send<RequestForInformation>({
      operation: 'patchRequestForInformation',
      method: 'PATCH',
      target: fillPath('/teamsRequestsForInformation/{tenantId}', { tenantId }),
      body: { customerRelationship: change },
      contentType: 'application/merge-patch+json',
      ...(options.ifMatch ? { headers: { 'If-Match': options.ifMatch } } : {}),
      repeatability: { requestId: options.requestId, firstSentAt: options.firstSentAt },
      signal: options.signal,
    });
    return tagged(answer);
  }

  /** The service's batch rules, checked before anything is sent. */
  private checkBatch(
    operation: 'createOrUpdateNumbers' | 'deleteNumbers',
    account: string,
    numbers: readonly { readonly telephoneNumber: string }[],
  ): void {
    const refuse = (code: string, message: string) => refusal(operation, code, message, { account }, ACG_PROVISIONING_SERVICE.name);
    if (numbers.length === 0) throw refuse('InvalidRequest', 'a batch needs at least one number');
    if (numbers.length > MAX_NUMBERS_PER_REQUEST)
      throw refuse('TooManyNumbers', `a batch takes at most ${MAX_NUMBERS_PER_REQUEST} numbers; this one has ${numbers.length}`);
    const seen = new Set<string>();
    for (const { telephoneNumber } of numbers) {
      if (seen.has(telephoneNumber)) throw refuse('DuplicateNumbers', `${telephoneNumber} is listed more than once`);
      seen.add(telephoneNumber);
    }
  }

  private async listAll<T>(operation: CallEvent['operation'], path: string, signal?: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let target: string | undefined = path;
    for (let page = 0; target !== undefined; page += 1) {
      if (page >= MAX_PAGES) throw invalid(operation, `returned more than ${MAX_PAGES} pages`);
      const answer: ApiAnswer<Page<T>> = await this.executor.send<Page<T>>({
        operation,
        method: 'GET',
        target,
        ...(page === 0 ? { query: { maxpagesize: this.pageSize } } : {}),
        signal,
      });
      if (!Array.isArray(answer.body?.value)) throw invalid(operation, 'answered a page without a value array');
      items.push(...answer.body.value);
      target = answer.body.nextLink;
    }
    return items;
  }

  /** For readiness: while Entra ID gives no token, which ACG_PROVISIONING_* setting and since when. */
  tokenProblem() {
    return this.tokenHealth.problem;
  }
}

function tagged<T>(answer: ApiAnswer<T>): Tagged<T> {
  return { resource: answer.body, etag: answer.headers.etag };
}

function invalid(operation: string, what: string): BackendPermanentError {
  return new BackendPermanentError('InvalidResponse', `${ACG_PROVISIONING_SERVICE.name} ${operation} ${what}`, { operation });
}
