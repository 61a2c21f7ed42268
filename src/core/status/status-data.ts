import type { ItemState, NumberOutcome, OrderState } from '../order-state/states.js';

/**
 * The data of a status event, as schemas/status.v1.json describes it. The
 * schema is the authority; these types follow it field by field.
 */

/** The $id of schemas/status.v1.json: the ce_dataschema of every status event. */
export const STATUS_SCHEMA_ID = 'https://flowthrough.dev/schemas/status.v1.json';

/** The CloudEvents type of a status event; `.v1` moves with the schema's major version. */
export const STATUS_EVENT_TYPE = 'io.flowthrough.order.status.v1';

/**
 * The CloudEvents type of a rejected record that reused the orderId of an
 * accepted order (a conflicting resend, or an invalid record carrying that
 * id): its data has the status event's shape (state rejected, previousState
 * null, violations), but it is not a state change of the accepted order,
 * which is unaffected. Lifecycle subscribers filter on STATUS_EVENT_TYPE.
 */
export const RESEND_REJECTED_EVENT_TYPE = 'io.flowthrough.order.resend-rejected.v1';

// Item action and resource names mirror the order contract (DESIGN §3); kept
// as literals here so the status code does not depend on the order module.
export type StatusItemAction = 'upsert' | 'delete' | 'update';
export type StatusItemResource = 'account' | 'numbers' | 'consent';

export interface StatusReason {
  readonly code: string;
  readonly message: string;
}

/** A rejection cause or a warning, pointing into the order's data. */
export interface StatusProblem {
  readonly code: string;
  /**
   * JSON Pointer (RFC 6901) into the order's data ("" for the data itself);
   * for an envelope problem, the header name or a pointer into the event.
   * Intake's Violation has this same shape.
   */
  readonly path: string;
  readonly message: string;
}

export interface NumberResult {
  readonly telephoneNumber: string;
  readonly state: NumberOutcome;
  readonly errorCode?: string;
  readonly message?: string;
}

export interface ItemStatus {
  readonly id: string;
  readonly action: StatusItemAction;
  readonly resource: StatusItemResource;
  readonly state: ItemState;
  readonly reason?: StatusReason;
  readonly numbers?: readonly NumberResult[];
  /**
   * How many of the item's numbers are in each state, in place of `numbers`
   * when the event summarises its per-number results (see numbersOmitted).
   */
  readonly numberCounts?: NumberCounts;
  /** An account item's Direct Routing subdomain as the backend that provisions its DNS records reported it (acg). */
  readonly directRouting?: DirectRoutingStatus;
}

export interface DirectRoutingStatus {
  readonly subdomain: string;
  readonly subdomainStatus: 'provisioned' | 'notProvisioned' | 'inconsistent';
}

/** What the backend reported about an item's own resource when it was written (order_items.backend_details). */
export interface ItemBackendDetails {
  readonly directRouting?: DirectRoutingStatus;
}

/** Per-number states of a numbers item, counted: every state, zeros included. */
export type NumberCounts = { readonly [state in NumberOutcome]: number };

/**
 * Set when the event left out some items' per-number results to stay under
 * the status event size limit (STATUS_EVENT_MAX_BYTES): those items carry
 * numberCounts instead, and the whole results are read where this says.
 */
export interface NumbersOmitted {
  /** The size limit, in bytes of the event's JSON value, that the event respects. */
  readonly maxBytes: number;
  /** The read API resource listing every per-number result of the order (paged), e.g. /v1/orders/ORD-1/numbers. */
  readonly readApiPath: string;
  /** The CLI command that prints them all, e.g. `flowthrough orders show ORD-1 --json`. */
  readonly command: string;
}

export interface StatusEventData {
  readonly orderId: string;
  /** null when a rejected order's account could not be read. */
  readonly account: string | null;
  readonly state: OrderState;
  /** null for an order's first event. */
  readonly previousState: OrderState | null;
  /** RFC 3339 time of the state change. */
  readonly occurredAt: string;
  /** Backend calls made for the order so far. */
  readonly attempts: number;
  readonly items: readonly ItemStatus[];
  readonly violations?: readonly StatusProblem[];
  readonly warnings?: readonly StatusProblem[];
  readonly numbersOmitted?: NumbersOmitted;
}
