import type { CloudEventEnvelope, Order, OrderItem } from '../order/index.js';
import type { ItemState, OrderState } from '../order-state/states.js';
import type { WorkService } from '../reconcile/backend-kind.js';
import type { StatusEventData, StatusProblem } from '../status/status-data.js';

/**
 * A backend change one number needs: the reconciler's work item. Its service
 * is a flow-through service (BACKEND=operator-connect: one row per OC/TPM
 * association) or ACG_NUMBER_SERVICE (BACKEND=acg: one row for the whole number).
 */
export interface FlowNumber {
  readonly telephoneNumber: string;
  readonly service: WorkService;
  readonly operation: 'upload' | 'release' | 'update';
}

export interface PlannedItem {
  readonly item: OrderItem;
  readonly position: number;
  readonly state: ItemState;
  readonly numberCount: number;
  readonly flowNumbers: readonly FlowNumber[];
}

/** Where a record came from, for orders, dead letters and their headers. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: string | null;
}

export interface AcceptedOrder {
  readonly kind: 'accepted';
  readonly order: Order;
  readonly fingerprint: string;
  readonly envelope: CloudEventEnvelope;
  readonly warnings: readonly StatusProblem[];
  readonly items: readonly PlannedItem[];
  readonly state: OrderState;
  /** The status events of this intake, in order (sequence = index + 1). */
  readonly events: readonly StatusEventData[];
}

export interface RejectedRecord {
  readonly kind: 'rejected';
  readonly orderId?: string;
  readonly account?: string;
  readonly violations: readonly StatusProblem[];
  /** The first violation's code: the dead letter's error code. */
  readonly errorCode: string;
  readonly errorMessage: string;
  /** The rejected status event, when the orderId could be read. */
  readonly event?: StatusEventData;
  /** The orderId is an accepted order's: the event is a resend rejection, not that order's transition. */
  readonly resendOfAcceptedOrder?: boolean;
}

export interface DuplicateOrder {
  readonly kind: 'duplicate';
  readonly orderId: string;
}

export type RecordDecision = AcceptedOrder | RejectedRecord | DuplicateOrder;
