/** The Operator Connect / Teams Phone Mobile number-management client (src/operator-connect). */
export {
  OperatorConnectClient,
  type OperatorConnectClientOptions,
  type MutationOptions,
  type CustomerRelationshipChange,
  type SubmittedOrder,
} from './operator-connect-client.js';
export { OperatorConnectPermanentError, OperatorConnectTransientError, CircuitOpenError } from './api-errors.js';
export type { CircuitState } from './circuit-breaker.js';
export type { TokenProblem } from './token-health.js';
export { createCredential } from './credential.js';
export { isTerminal } from './order-polling.js';
export { OPERATIONS, type CallEvent, type CallOutcome, type RetryEvent, type ClientHooks } from './observability.js';
export { FleetBudget, fleetShare, type FleetBudgetOptions } from './fleet-budget.js';
