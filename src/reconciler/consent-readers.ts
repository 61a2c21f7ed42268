import { acgBackend, type AcgNumberClient } from './backend/acg-backend.js';
import { operatorConnectBackend, type ReconcilerClient } from './backend/operator-connect-backend.js';
import type { ConsentReader } from './consent-cache.js';

/**
 * A backend's consents port outside the worker (`flowthrough consents show
 * --refresh`): the same mapping the reconciler reads consents with, from a
 * client the caller built. The numbers side of the backend is never used.
 */
export function acgConsentReader(client: AcgNumberClient): ConsentReader {
  return acgBackend(client, 0).consents;
}

export function operatorConnectConsentReader(client: ReconcilerClient): ConsentReader {
  return operatorConnectBackend(client, 1, 0).consents;
}
