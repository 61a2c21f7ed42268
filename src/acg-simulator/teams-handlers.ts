import { checkConditions } from './etag.js';
import { conditions, withEtag, type AcgHandler } from './handler-context.js';
import { page, type PageSizes } from './paging.js';
import type { SchemaValidator } from './schema-validator.js';
import type { AcgState } from './state.js';

/**
 * Teams-side reads and the one Teams-side write: requests for information
 * (consents; the customer relationship is the operator's to set), civic
 * addresses, capability plans and available capabilities.
 */
export function teamsHandlers(
  state: AcgState,
  validator: SchemaValidator,
  sizes: PageSizes,
  capabilityPlans: readonly Readonly<Record<string, unknown>>[],
): Record<string, AcgHandler> {
  const capabilities = [
    ...new Set(
      capabilityPlans.flatMap((p) => [
        ...((p.mandatoryCapabilities as string[] | undefined) ?? []),
        ...((p.choosableCapabilities as string[] | undefined) ?? []),
      ]),
    ),
  ];
  return {
    TeamsRequestsForInformation_List: (call) => page(state.listRequestsForInformation(), call.request, call.url, sizes),

    TeamsRequestsForInformation_GetRequestForInformation: (call) => {
      const tenantId = call.request.path.tenantId ?? '';
      checkConditions(conditions(call), state.rfiEtag(tenantId), false);
      const { body, etag } = state.requestForInformation(tenantId);
      return withEtag(200, body, etag);
    },

    TeamsRequestsForInformation_CreateOrUpdateRequestForInformation: (call) => {
      const tenantId = call.request.path.tenantId ?? '';
      checkConditions(conditions(call), state.rfiEtag(tenantId), true);
      const patch = validator.writable({ $ref: '#/definitions/RequestForInformationResourceCreateOrUpdate' }, call.request.body);
      const { body, etag } = state.patchRequestForInformation(tenantId, patch as Record<string, unknown>);
      return withEtag(200, body, etag);
    },

    Accounts_ListTeamsCivicAddresses: (call) =>
      page(state.civicAddresses(call.request.path.accountName ?? ''), call.request, call.url, sizes),

    Accounts_GetTeamsCivicAddress: (call) => ({
      status: 200,
      body: state.civicAddress(call.request.path.accountName ?? '', call.request.path.civicAddressId ?? ''),
    }),

    Accounts_GetTeamsCapabilityPlans: (call) => {
      state.account(call.request.path.accountName ?? '');
      return { status: 200, body: { capabilityPlans } };
    },

    Accounts_GetTeamsAvailableCapabilities: (call) => {
      state.account(call.request.path.accountName ?? '');
      return { status: 200, body: { availableCapabilities: capabilities } };
    },
  };
}
