import type { Order, ReleaseOrderRequest, UpdateOrderRequest, UploadOrderRequest } from '../../contracts/operator-connect-api.js';
import { FLOW_THROUGH_SERVICES, type FlowThroughService } from '../../core/order-state/initial-item-state.js';
import { desiredAssociation, type Association } from '../../core/reconcile/association.js';
import { OPERATOR_CONNECT_HOLDINGS } from '../../core/reconcile/holding-model.js';
import type { PlannedBatch } from '../../core/reconcile/plan-work.js';
import { isTerminal, type MutationOptions, type SubmittedOrder, type TokenProblem } from '../../operator-connect/index.js';
import type { ConsentReader, ConsentView } from '../consent-cache.js';
import type { RelationshipWriter } from '../consent-sync.js';
import type { Backend, BackendAnswer, BackendPlanning, NumberFacts } from './backend.js';
import { consentViewOf } from './consent-view-of.js';

/** The part of OperatorConnectClient the reconciler calls. */
export interface OrderClient {
  uploadNumbers(tenantId: string, request: UploadOrderRequest, requestId: string, options?: MutationOptions): Promise<SubmittedOrder>;
  releaseNumbers(tenantId: string, request: ReleaseOrderRequest, requestId: string, options?: MutationOptions): Promise<SubmittedOrder>;
  updateNumbers(tenantId: string, request: UpdateOrderRequest, requestId: string, options?: MutationOptions): Promise<SubmittedOrder>;
  getOrder(orderId: string, options?: { signal?: AbortSignal }): Promise<Order>;
}

/** An OperatorConnectClient (or anything with its order and consent calls; authenticate and tokenProblem are optional). */
export type ReconcilerClient = OrderClient &
  ConsentReader &
  RelationshipWriter & { authenticate?(): Promise<void>; tokenProblem?(): TokenProblem | null };

/** The request body of a batch, exactly as it will be sent on every attempt. */
export function batchBody(batch: PlannedBatch<Association>): Record<string, unknown> {
  if (batch.operation === 'release') return { numbers: batch.entries.map((e) => ({ telephoneNumber: e.key.telephoneNumber })) };
  const numbers = batch.entries.map((e) => ({ telephoneNumber: e.key.telephoneNumber, ...(e.target?.configuration ?? {}) }));
  return batch.operation === 'upload' ? { teamsPhoneMobile: batch.teamsPhoneMobile, numbers } : { numbers };
}

export const OPERATOR_CONNECT_PLANNING: BackendPlanning<Association> = {
  holdings: OPERATOR_CONNECT_HOLDINGS,
  desired(facts: NumberFacts, service) {
    const { account } = facts;
    const desired = desiredAssociation(
      {
        number: { serviceDetails: facts.serviceDetails, deleted: facts.deleted },
        account: account
          ? { teamsTenantId: account.teamsTenantId, serviceDetails: account.serviceDetails, deleted: account.deleted }
          : null,
      },
      service as FlowThroughService,
    );
    return { managed: desired.managed, holding: desired.association, releaseScope: account?.teamsTenantId ?? null, blocked: null };
  },
  body: batchBody,
};

/** An Operator Connect consent as a ConsentView (tenant id lower case; contacts, relationship and dates kept for backend_consents). */
function consentOf(consent: ConsentView): ConsentView {
  return consentViewOf(consent as unknown as Readonly<Record<string, unknown>>);
}

function answer(order: Order, remoteId: string): BackendAnswer {
  if (!isTerminal(order)) return { remoteId, remoteStatus: order.status, results: null };
  return {
    remoteId,
    remoteStatus: order.status,
    results: order.results.map((r) => ({
      telephoneNumber: r.telephoneNumber,
      succeeded: r.status === 'succeeded',
      errorCode: r.errorCode,
      message: r.message,
    })),
  };
}

/**
 * Operator Connect direct (the modelled API): number orders per tenant,
 * service and operation, answered with an order id that is polled until
 * terminal. Provisions Operator Connect and Teams Phone Mobile only.
 */
export function operatorConnectBackend(
  client: ReconcilerClient,
  maxNumbersPerOrder: number,
  requestsPerSecond: number,
): Backend<Association> {
  return {
    kind: 'operator-connect',
    maxNumbersPerOperation: maxNumbersPerOrder,
    requestsPerSecond,
    services: FLOW_THROUGH_SERVICES,
    completion: 'an asynchronous number order, read by its id until it ends with per-number results',
    planning: OPERATOR_CONNECT_PLANNING,
    consents: {
      async listConsents(options) {
        return (await client.listConsents(options)).map(consentOf);
      },
      async getConsent(tenantId, options) {
        return consentOf(await client.getConsent(tenantId, options));
      },
      updateCustomerRelationship: (tenantId, change, requestId, options) =>
        client.updateCustomerRelationship(tenantId, change, requestId, options),
    },
    async send(op) {
      const options: MutationOptions = {
        ...(op.signal ? { signal: op.signal } : {}),
        ...(op.firstSentAt !== undefined ? { firstSentAt: op.firstSentAt } : {}),
      };
      let submitted: SubmittedOrder;
      if (op.operation === 'upload')
        submitted = await client.uploadNumbers(op.scope, op.body as unknown as UploadOrderRequest, op.requestId, options);
      else if (op.operation === 'release')
        submitted = await client.releaseNumbers(op.scope, op.body as unknown as ReleaseOrderRequest, op.requestId, options);
      else submitted = await client.updateNumbers(op.scope, op.body as unknown as UpdateOrderRequest, op.requestId, options);
      // An order answered already ended (with its results) needs no read.
      if (isTerminal(submitted.order) && submitted.order.results.length > 0) return answer(submitted.order, submitted.orderId);
      return { remoteId: submitted.orderId, remoteStatus: submitted.status, results: null };
    },
    async read(op) {
      const remoteId = op.remoteId as string;
      return answer(await client.getOrder(remoteId, op.signal ? { signal: op.signal } : {}), remoteId);
    },
    ...(client.authenticate ? { authenticate: () => (client.authenticate as () => Promise<void>).call(client) } : {}),
    ...(client.tokenProblem ? { tokenProblem: () => (client.tokenProblem as () => TokenProblem | null).call(client) } : {}),
  };
}
