import type { ItemState } from './states.js';

/**
 * The services whose number associations live in Microsoft's Operator Connect
 * APIs and so need a backend call. Direct Routing, Zoom Phone Cloud Peering
 * and Azure Operator Call Protection are configured in our own records only.
 */
export const FLOW_THROUGH_SERVICES = ['teamsOperatorConnect', 'teamsPhoneMobile'] as const;
export type FlowThroughService = (typeof FLOW_THROUGH_SERVICES)[number];

/** One number's association with one flow-through service, around this item. */
export interface AssociationChange {
  /** Associated before the item applies (from the stored desired state). */
  readonly before: boolean;
  /** Associated after it applies (from the item). */
  readonly after: boolean;
  /**
   * Associated before and after, with a different service configuration
   * (usage, capabilities, civic address, location…). Custom SIP header
   * contents are not service configuration: they never reach Microsoft.
   */
  readonly configurationChanged?: boolean;
}

/** What intake knows about one number an item touches. */
export interface NumberIntakeFacts {
  readonly telephoneNumber: string;
  readonly teamsOperatorConnect: AssociationChange;
  readonly teamsPhoneMobile: AssociationChange;
  /**
   * The number as a whole resource (BACKEND=acg, where one NumberResource
   * carries every service and the custom SIP header): before = it existed
   * (live) before the item, after = it exists after it, configurationChanged =
   * it existed before and after with different service details or custom SIP
   * header (canonical JSON of {serviceDetails, customSipHeader}). Absent:
   * treated as unchanged.
   */
  readonly acgNumber?: AssociationChange;
}

/**
 * What intake knows about an item, without depending on the order types.
 * `numbers` lists every number whose association the item may change: the
 * numbers of a numbers item, and for an account item the numbers it deletes
 * or detaches with it (empty for plain account settings).
 */
export interface ItemIntakeFacts {
  readonly resource: 'account' | 'numbers' | 'consent';
  readonly numbers?: readonly NumberIntakeFacts[];
}

/** The account as it stands once the order's own account items are applied. */
export interface AccountIntakeFacts {
  readonly syncEnabled: Readonly<Record<FlowThroughService, boolean>>;
  /**
   * The backend the deployment writes to (BACKEND, BackendKind of
   * src/core/reconcile/backend-kind.ts, spelled out here because that module
   * imports this one); 'operator-connect' when absent.
   */
  readonly backend?: 'operator-connect' | 'acg';
}

/** Whether the association (or, for acgNumber, the number resource) is added, removed or reconfigured. */
export function changes(association: AssociationChange | undefined): boolean {
  if (association === undefined) return false;
  if (association.before !== association.after) return true;
  return association.before && association.configurationChanged === true;
}

/**
 * Whether a consent item's customer relationship is written to Operator
 * Connect: when the account syncs Operator Connect or Teams Phone Mobile
 * (both use the tenant's Operator Connect consent). With neither synced the
 * operator manages the relationship in Microsoft's portal, so recording it is
 * all there is to do.
 */
export function writesConsent(account: AccountIntakeFacts): boolean {
  return FLOW_THROUGH_SERVICES.some((service) => account.syncEnabled[service]);
}

/**
 * Whether the item needs the reconciler: it adds, changes or removes an
 * Operator Connect or Teams Phone Mobile association of a number on a service
 * the account syncs (with syncEnabled false the operator manages that service
 * in Microsoft's portal itself, so our records are all there is to change), or
 * it is a consent item whose customer relationship is written back
 * (writesConsent).
 *
 * Under BACKEND=acg every number change goes to Azure Communications Gateway
 * (which itself decides, from syncEnabled, what to sync to Microsoft): a
 * numbers item, or an account delete that takes numbers with it, needs the
 * reconciler when a number it touches is created, deleted, or changes its
 * service details or custom SIP header (acgNumber); an account item always
 * does (the account resource is written to ACG, src/reconciler/account-sync.ts).
 */
export function needsFlowThrough(item: ItemIntakeFacts, account: AccountIntakeFacts): boolean {
  if (item.resource === 'consent') return writesConsent(account);
  if (account.backend === 'acg') return item.resource === 'account' || (item.numbers ?? []).some((number) => changes(number.acgNumber));
  return (item.numbers ?? []).some((number) =>
    FLOW_THROUGH_SERVICES.some((service) => account.syncEnabled[service] && changes(number[service])),
  );
}

/**
 * The state an item takes when the intake transaction commits: completed when
 * committing it is all there is to do (account settings, Direct Routing,
 * Zoom, Call Protection, custom SIP headers, deleting numbers that have no
 * OC/TPM association, a consent of an account that syncs neither OC nor TPM);
 * inProgress when the reconciler must carry it to Operator Connect / Teams
 * Phone Mobile (number changes; a consent item until its customer
 * relationship is written, see src/reconciler/consent-sync.ts), or under
 * BACKEND=acg to Azure Communications Gateway (needsFlowThrough). The item
 * moves acknowledged → this state in the same transaction.
 */
export function initialItemState(item: ItemIntakeFacts, account: AccountIntakeFacts): Extract<ItemState, 'completed' | 'inProgress'> {
  return needsFlowThrough(item, account) ? 'inProgress' : 'completed';
}
