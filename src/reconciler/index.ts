/** Flow-through to Operator Connect / Teams Phone Mobile, driven by PostgreSQL (src/reconciler). */
export { createReconciler, type ReconcilerSettings, type ReconcilerFactoryDeps, type ReconcilerHooks } from './create-reconciler.js';
export type { Reconciler, ReconcilerClient } from './reconciler-service.js';
export { runDriftAudit, type DriftAuditReport, type TenantNumberLister } from './drift-audit.js';
