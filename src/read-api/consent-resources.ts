import type { Pool } from 'pg';
import { consentDetail, consentPage, relationshipSync, type ConsentRow } from '../ops/index.js';
import type { Page } from './resources.js';

/**
 * RequestForInformationResource bodies (ACG 2024-02-29-preview) per tenant,
 * from what the backend last reported (backend_consents) and the customer
 * relationship our orders set (consents), the same way accounts and numbers
 * are served: the relationship is ours (the desired one) once an order set
 * it, and serviceProvisioningStatus says where writing it stands — pending
 * until the backend took it, failed with the backend's refusal, synced
 * otherwise. A tenant the backend no longer lists is not served unless an
 * order set its relationship (then without the backend's fields).
 */

/** TeamsConsentStatus of the swagger: another status the backend may report is left out rather than sent off-contract. */
const CONSENT_STATUSES = ['active', 'suspended', 'removed'];

function relationship(c: ConsentRow): Record<string, unknown> | undefined {
  const ours = c.our_relationship;
  const backend = c.backend_relationship;
  if (ours?.status) {
    // Once written, the backend's lastModifiedOn is when it took it; before, when our order set it.
    const synced = relationshipSync(c) === 'synced' && backend?.status === ours.status;
    const modified = synced && backend?.lastModifiedOn ? backend.lastModifiedOn : c.our_updated_at?.toISOString();
    return {
      status: ours.status,
      ...(typeof ours.comment === 'string' && ours.comment !== '' ? { comment: ours.comment } : {}),
      ...(modified ? { lastModifiedOn: modified } : {}),
    };
  }
  if (!backend || c.gone_at !== null) return undefined;
  return {
    ...(backend.status ? { status: backend.status } : {}),
    ...(typeof backend.comment === 'string' && backend.comment !== '' ? { comment: backend.comment } : {}),
    ...(backend.lastModifiedOn ? { lastModifiedOn: backend.lastModifiedOn } : {}),
  };
}

function provisioning(c: ConsentRow): Record<string, unknown> {
  const sync = relationshipSync(c);
  if (sync === 'pending') return { serviceProvisioningStatus: 'pending' };
  if (sync === 'failed')
    return {
      serviceProvisioningStatus: 'failed',
      serviceProvisioningErrors: [
        {
          code: c.sync_error?.code ?? 'CustomerRelationshipRefused',
          message: c.sync_error?.message ?? 'the backend refused the customer relationship',
        },
      ],
    };
  return { serviceProvisioningStatus: 'synced' };
}

/** A row as a RequestForInformationResource (pure: the read API test validates it against the swagger). */
export function requestForInformationBody(c: ConsentRow): Record<string, unknown> {
  const listed = c.read_at !== null && c.gone_at === null;
  const contacts = (c.contacts ?? []).filter(
    (x) => typeof x.fullName === 'string' && x.fullName !== '' && typeof x.email === 'string' && x.email !== '',
  );
  const account = c.backend_account ?? c.our_account;
  const rel = relationship(c);
  return {
    tenantId: c.tenant_id,
    ...(account ? { accountName: account } : {}),
    ...(listed
      ? {
          ...(c.product_context ? { productContext: c.product_context } : {}),
          ...(c.operator_id ? { operatorId: c.operator_id } : {}),
          ...(c.status !== null && CONSENT_STATUSES.includes(c.status) ? { status: c.status } : {}),
          ...(c.consented_on ? { consentedOn: c.consented_on.toISOString() } : {}),
          ...(c.last_modified_on ? { lastModifiedOn: c.last_modified_on.toISOString() } : {}),
          consentedCountries: c.consented_countries ?? [],
          contacts,
        }
      : {}),
    ...(rel ? { customerRelationship: rel } : {}),
    ...provisioning(c),
  };
}

export async function requestForInformationPage(pool: Pool, after: string | null, size: number): Promise<Page<Record<string, unknown>>> {
  const rows = await consentPage(pool, { after, limit: size + 1 });
  const page = rows.slice(0, size);
  return {
    items: page.map(requestForInformationBody),
    nextAfter: rows.length > size ? (page.at(-1)?.tenant_id ?? null) : null,
  };
}

/** The tenant's resource; null when it is not served (unknown, or gone from the backend with no relationship of ours). */
export async function requestForInformationResource(pool: Pool, tenantId: string): Promise<Record<string, unknown> | null> {
  const detail = await consentDetail(pool, tenantId, 0);
  if (detail === null) return null;
  const c = detail.consent;
  if (c.last_order_id === null && (c.read_at === null || c.gone_at !== null)) return null;
  return requestForInformationBody(c);
}
