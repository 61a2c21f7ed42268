/** The Provisioning API's app roles (ACG docs: "Provisioning API" app registration). */
export const ACG_ROLES = ['ProvisioningAPI.Admin', 'ProvisioningAPI.Read', 'ProvisioningAPI.Write', 'ProvisioningAPI.Delete'] as const;
export type AcgRole = (typeof ACG_ROLES)[number];

/** Operations that only read, though some are POSTs (the :get… actions). */
const READS = new Set(['Accounts_GetTeamsCapabilityPlans', 'Accounts_GetTeamsAvailableCapabilities']);
const DELETES = new Set(['Accounts_Delete', 'Accounts_DeleteNumber', 'Accounts_DeleteNumbers']);

/** The roles any one of which lets a caller run `operationId` (Admin always does). */
export function rolesFor(method: string, operationId: string): readonly AcgRole[] {
  if (method === 'GET' || READS.has(operationId)) return ['ProvisioningAPI.Read', 'ProvisioningAPI.Admin'];
  if (method === 'DELETE' || DELETES.has(operationId)) return ['ProvisioningAPI.Delete', 'ProvisioningAPI.Admin'];
  return ['ProvisioningAPI.Write', 'ProvisioningAPI.Admin'];
}
