import { sameAcgNumber, type AcgNumberHolding } from '../acg/number-resource.js';
import type { HoldingModel } from './holding-model.js';

/**
 * Azure Communications Gateway: a number is one resource of one account,
 * written (created or changed) with :createOrUpdateNumbers and removed with
 * :deleteNumbers, so an upload and an update are both sent as an upload.
 */
export const ACG_HOLDINGS: HoldingModel<AcgNumberHolding> = {
  scopeOf: (h) => h.accountName,
  same: (a, b) => sameAcgNumber(a, b),
  consentTenantOf: (h) => h.consentTenantId,
  sentAs: (kind) => (kind === 'release' ? 'release' : 'upload'),
};
