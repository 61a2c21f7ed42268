import type { FlowThroughService } from '../order-state/initial-item-state.js';

/** The backends a deployment can choose with BACKEND. */
export const BACKENDS = ['operator-connect', 'acg'] as const;
export type BackendKind = (typeof BACKENDS)[number];

/**
 * Under BACKEND=acg a number is one resource in Azure Communications Gateway
 * that carries every service and the custom SIP header: its work rows,
 * operations and observed state use this one service name instead of one per
 * flow-through service.
 */
export const ACG_NUMBER_SERVICE = 'acgNumber';

/** The service of a work row or backend operation: a flow-through service (operator-connect) or the whole number (acg). */
export type WorkService = FlowThroughService | typeof ACG_NUMBER_SERVICE;

/** What a backend operation does to its numbers: hold them (upload, update) or not (release). */
export type BackendOperationKind = 'upload' | 'release' | 'update';
