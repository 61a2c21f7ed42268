/** The Operator Connect / Teams Phone Mobile number-management client. */
export {
  OperatorConnectClient,
  type OperatorConnectClientOptions,
  type CallOptions,
  type MutationOptions,
  type CustomerRelationshipChange,
  type SubmittedOrder,
  type WaitOptions,
} from './operator-connect-client.js';
export { OperatorConnectPermanentError, OperatorConnectTransientError, CircuitOpenError } from './api-errors.js';
export { CircuitBreaker, type CircuitState, type CircuitBreakerOptions, type CircuitPermit, type CircuitDecision } from './circuit-breaker.js';
export { RateLimiter, type RateLimiterOptions } from './rate-limiter.js';
export { DEFAULT_RETRY_POLICY, TRANSIENT_STATUSES, backoffDelayMs, decideRetry, retryAfterMs, type RetryPolicy, type RetryDecision } from './retry-policy.js';
export { TokenCache, DEFAULT_REFRESH_MARGIN_MS } from './token-cache.js';
export { TokenHealth, TOKEN_FAILURE_REMINDER_MS, type TokenProblem, type TokenHealthOptions } from './token-health.js';
export { createCredential } from './credential.js';
export { isTerminal } from './order-polling.js';
export { OPERATIONS, type OperationName, type CallEvent, type CallOutcome, type RetryEvent, type ClientHooks } from './observability.js';
export { systemClock, realSleep, type Clock, type Sleep } from '../platform/time/clock.js';
export {
  loadOperatorConnectConfig,
  OPERATOR_CONNECT_VARIABLES,
  type OperatorConnectConfig,
  type OperatorConnectAuthConfig,
  type OperatorConnectPaths,
  type CredentialKind,
} from '../platform/config/operator-connect-variables.js';
