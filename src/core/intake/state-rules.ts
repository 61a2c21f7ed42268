/**
 * Rules that need the stored state, beyond what the order alone can show.
 * Each has a stable code; an order that breaks any is rejected whole.
 */
export const STATE_VIOLATION_CODES = [
  'duplicate_order_conflict',
  'stale',
  'partition_key_mismatch',
  'account_not_found',
  'account_has_numbers',
  'tenant_change_with_numbers',
  'number_owned_by_other_account',
  'service_not_enabled_on_account',
  'tenant_id_missing',
] as const;

export type StateViolationCode = (typeof STATE_VIOLATION_CODES)[number];

export interface StateViolation {
  readonly code: StateViolationCode;
  readonly path: string;
  readonly message: string;
}
