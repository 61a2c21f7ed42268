/**
 * The Provisioning API's resources as flowthrough sends and reads them
 * (simulator/acg/2024-02-29-preview/swagger.json; docs/acg-provisioning-api.md
 * maps each field). Only the shapes the client needs: read-only fields are
 * optional here because the service fills them.
 */

export type ProvisioningStatus = 'pending' | 'synced' | 'failed';

export interface ServiceProvisioningError {
  readonly code?: string;
  readonly message?: string;
}

export interface AccountResource {
  readonly name?: string;
  readonly serviceDetails?: Readonly<Record<string, unknown>>;
  readonly serviceProvisioningStatus?: ProvisioningStatus;
  readonly serviceProvisioningErrors?: readonly ServiceProvisioningError[];
  readonly [property: string]: unknown;
}

export interface NumberResource {
  readonly telephoneNumber: string;
  readonly accountName?: string;
  readonly serviceDetails?: Readonly<Record<string, unknown>>;
  readonly configuration?: Readonly<Record<string, unknown>>;
  readonly serviceProvisioningStatus?: ProvisioningStatus;
  readonly serviceProvisioningErrors?: readonly ServiceProvisioningError[];
  readonly [property: string]: unknown;
}

export interface RequestForInformation {
  readonly tenantId: string;
  readonly customerRelationship?: { readonly status?: string; readonly comment?: string; readonly lastModifiedOn?: string };
  readonly serviceProvisioningStatus?: ProvisioningStatus;
  readonly [property: string]: unknown;
}

export interface Page<T> {
  readonly value: readonly T[];
  readonly nextLink?: string;
}

/** A resource with the ETag the service answered with, for a later If-Match. */
export interface Tagged<T> {
  readonly resource: T;
  readonly etag: string | undefined;
}
