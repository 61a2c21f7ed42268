import type { AccountServiceDetailsSpec } from '../order/order.js';

/**
 * The body of PUT /accounts/{accountName} (AccountResource of the ACG
 * Provisioning API 2024-02-29-preview), writable properties only:
 * docs/acg-provisioning-api.md §2, 16 properties. A service block that the
 * account does not configure is absent: absent means "not configured", not
 * "disabled".
 */
export interface AcgAccountBody {
  /** §2 #1; also the {accountName} path segment. */
  readonly name: string;
  /** §2 #2: the BSS's correlator, sent when not null. */
  readonly correlationId?: string;
  readonly serviceDetails: AcgAccountServiceDetails;
}

export interface AcgAccountServiceDetails {
  /** §2 #3: sent when not null. */
  readonly teamsTenantId?: string;
  /** §2 #4, #5. */
  readonly teamsOperatorConnect?: AcgSyncedServiceDetails;
  /** §2 #6–#11. */
  readonly teamsDirectRouting?: AcgDirectRoutingAccountDetails;
  /** §2 #12, #13. */
  readonly teamsPhoneMobile?: AcgSyncedServiceDetails;
  /** §2 #14, #15. */
  readonly zoomPhoneCloudPeering?: AcgSyncedServiceDetails;
  /** §2 #16: this block has no syncEnabled. */
  readonly azureOperatorCallProtection?: { readonly enabled: boolean };
}

export interface AcgSyncedServiceDetails {
  readonly enabled: boolean;
  readonly syncEnabled: boolean;
}

export interface AcgDirectRoutingAccountDetails extends AcgSyncedServiceDetails {
  readonly configuration?: AcgDirectRoutingAccountConfig;
}

export interface AcgDirectRoutingAccountConfig {
  readonly callScreening: boolean;
  readonly subdomain: string;
  readonly subdomainTokens: { readonly region1Token: string; readonly region2Token: string };
}

export interface AcgAccountFacts {
  readonly name: string;
  /** accounts.correlation_id. */
  readonly correlationId: string | null;
  /** accounts.teams_tenant_id (lower case): the source of serviceDetails.teamsTenantId. */
  readonly teamsTenantId: string | null;
  /** accounts.service_details. Its own teamsTenantId is not read: the column above is the source. */
  readonly serviceDetails: AccountServiceDetailsSpec;
}

const synced = (spec: { readonly enabled: boolean; readonly syncEnabled: boolean }): AcgSyncedServiceDetails => ({
  enabled: spec.enabled,
  syncEnabled: spec.syncEnabled,
});

/**
 * The whole desired account as PUT /accounts/{name} takes it
 * (create-or-replace), copied field by field so that nothing but the 16
 * writable properties of §2 is ever sent.
 */
export function acgAccountBody(account: AcgAccountFacts): AcgAccountBody {
  const sd = account.serviceDetails;
  const dr = sd.teamsDirectRouting;
  const serviceDetails: AcgAccountServiceDetails = {
    ...(account.teamsTenantId !== null ? { teamsTenantId: account.teamsTenantId } : {}),
    ...(sd.teamsOperatorConnect ? { teamsOperatorConnect: synced(sd.teamsOperatorConnect) } : {}),
    ...(dr
      ? {
          teamsDirectRouting: {
            ...synced(dr),
            ...(dr.configuration
              ? {
                  configuration: {
                    callScreening: dr.configuration.callScreening,
                    subdomain: dr.configuration.subdomain,
                    subdomainTokens: {
                      region1Token: dr.configuration.subdomainTokens.region1Token,
                      region2Token: dr.configuration.subdomainTokens.region2Token,
                    },
                  },
                }
              : {}),
          },
        }
      : {}),
    ...(sd.teamsPhoneMobile ? { teamsPhoneMobile: synced(sd.teamsPhoneMobile) } : {}),
    ...(sd.zoomPhoneCloudPeering ? { zoomPhoneCloudPeering: synced(sd.zoomPhoneCloudPeering) } : {}),
    ...(sd.azureOperatorCallProtection ? { azureOperatorCallProtection: { enabled: sd.azureOperatorCallProtection.enabled } } : {}),
  };
  return {
    name: account.name,
    ...(account.correlationId !== null ? { correlationId: account.correlationId } : {}),
    serviceDetails,
  };
}
