import type { CircuitState } from './circuit-breaker.js';

/**
 * What the client reports as it works, for metrics attached later. Hooks are
 * called synchronously and must not throw (a throwing hook is logged and
 * ignored); they never receive headers, tokens or bodies.
 */

/** The backend clients' operations, as metric labels. */
export const OPERATIONS = [
  'listConsents',
  'getConsent',
  'updateCustomerRelationship',
  'uploadNumbers',
  'releaseNumbers',
  'updateNumbers',
  'getOrder',
  'getNumberStatus',
  'listTenantNumbers',
  // Azure Communications Gateway's Provisioning API (src/acg)
  'putAccount',
  'getAccount',
  'deleteAccount',
  'createOrUpdateNumbers',
  'deleteNumbers',
  'listAccounts',
  'listNumbers',
  'listAccountNumbers',
  'getAccountNumber',
  'listRequestsForInformation',
  'patchRequestForInformation',
] as const;
export type OperationName = (typeof OPERATIONS)[number];

/**
 * ok: a 2xx answer. retry: a failure another attempt follows. permanent: a
 * final refusal. transient_exhausted: a transient failure with no attempt
 * left (or a Retry-After longer than the policy waits). circuit_open: refused
 * by the open circuit without a request.
 */
export type CallOutcome = 'ok' | 'retry' | 'permanent' | 'transient_exhausted' | 'circuit_open';

export interface CallEvent {
  readonly operation: OperationName;
  /** HTTP status, undefined when there was no answer (network error, timeout, open circuit, no token). */
  readonly status: number | undefined;
  readonly outcome: CallOutcome;
  /** Wall time of the HTTP exchange (monotonic), 0 when nothing was sent. */
  readonly durationMs: number;
  /** 1-based attempt within the call. A resend after a 401 keeps its attempt number. */
  readonly attempt: number;
  /** The error code (Azure's or the network's) when it failed. */
  readonly code: string | undefined;
  /** The client clock when the request went out (or was refused). */
  readonly sentAt: number;
}

export interface RetryEvent {
  readonly operation: OperationName;
  /** The attempt that failed. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly status: number | undefined;
  readonly code: string;
  /** Set when the delay came from the service's Retry-After. */
  readonly retryAfterMs: number | undefined;
}

export interface ClientHooks {
  readonly onCall?: (event: CallEvent) => void;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly onCircuitStateChange?: (state: CircuitState, previous: CircuitState) => void;
}
