/** Flow-through to the chosen backend (Operator Connect direct or ACG's Provisioning API), driven by PostgreSQL (src/reconciler). */
export { createReconciler, type ReconcilerSettings, type ReconcilerFactoryDeps, type ReconcilerHooks } from './create-reconciler.js';
export type { Reconciler } from './reconciler-service.js';
export type { ReconcilerClient } from './backend/operator-connect-backend.js';
export type { AcgNumberClient } from './backend/acg-backend.js';
export { runDriftAudit, type DriftAuditReport, type TenantNumberLister } from './drift-audit.js';
export {
  runAcgDriftAudit,
  type AcgDifference,
  type AcgDriftAuditOptions,
  type AcgDriftAuditReport,
  type AcgDriftClient,
} from './acg-drift-audit.js';
export {
  ConsentStateSync,
  createConsentStateSync,
  type ConsentStateSyncDeps,
  type ConsentStateSyncOptions,
  type TenantRefresh,
} from './consent-state-sync.js';
export { acgConsentReader, operatorConnectConsentReader } from './consent-readers.js';
export type { ConsentReader, ConsentView } from './consent-cache.js';
