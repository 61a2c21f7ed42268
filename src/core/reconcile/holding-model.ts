import type { BackendOperationKind, WorkService } from './backend-kind.js';
import { sameAssociation, type Association } from './association.js';

/**
 * What planning needs to know about a backend's holdings (what it holds, or
 * should hold, for one number on one work service), so the one planner drives
 * either backend: Operator Connect holds associations per tenant and service,
 * Azure Communications Gateway holds each number as one resource of an account.
 */
export interface HoldingModel<H> {
  /** Where an operation on the holding goes: its Teams tenant (operator-connect) or its account (acg). */
  scopeOf(holding: H): string;
  /** Holds the same (a change from one to the other needs no call). */
  same(a: H, b: H, service: WorkService): boolean;
  /** The Teams tenant whose consent sending the holding needs; null: none. */
  consentTenantOf(holding: H): string | null;
  /** The operation a change is sent as: acg writes a new number and a changed one with the same call. */
  sentAs(kind: BackendOperationKind): BackendOperationKind;
}

/** Operator Connect direct: an association per tenant and service, sent as uploads, updates and releases. */
export const OPERATOR_CONNECT_HOLDINGS: HoldingModel<Association> = {
  scopeOf: (a) => a.tenantId,
  same: (a, b, service) => sameAssociation(a, b, service as Parameters<typeof sameAssociation>[2]),
  consentTenantOf: (a) => a.tenantId,
  sentAs: (kind) => kind,
};
