/** The Operator Connect / Teams Phone Mobile number-management client (src/operator-connect). */
export {
  OperatorConnectClient,
  type OperatorConnectClientOptions,
  type MutationOptions,
  type CustomerRelationshipChange,
  type SubmittedOrder,
} from './operator-connect-client.js';
export { BackendPermanentError, BackendTransientError, CircuitOpenError } from './api-errors.js';
export type { CircuitState } from './circuit-breaker.js';
export type { TokenProblem } from './token-health.js';
export { createCredential } from './credential.js';
export { isTerminal } from './order-polling.js';
export { OPERATIONS, type CallEvent, type CallOutcome, type RetryEvent, type ClientHooks } from './observability.js';
export { FleetBudget, fleetShare, type FleetBudgetOptions } from './fleet-budget.js';

// The HTTP kit the Azure Communications Gateway client (src/acg) shares with this one.
export { ApiExecutor, type ApiRequest, type ApiAnswer } from './api-executor.js';
export { refusal } from './api-errors.js';
export { CircuitBreaker } from './circuit-breaker.js';
export { TokenHealth } from './token-health.js';
export { checkRequestId, fillPath } from './request-shape.js';
export type { RetryPolicy } from './retry-policy.js';
export { ACG_PROVISIONING_SERVICE, OPERATOR_CONNECT_SERVICE, type BackendService } from './backend-service.js';
