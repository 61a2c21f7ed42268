/** Flow-through to Operator Connect / Teams Phone Mobile, driven by PostgreSQL. */
export { reconcilerService, type Reconciler, type ReconcilerDeps } from './reconciler-service.js';
export { Planner, batchBody, type PlanPassResult, type PlannerOptions } from './planner.js';
export { Executor, type ExecutorHooks, type OrderClient } from './executor.js';
export { ConsentCache, type ConsentReader } from './consent-cache.js';
export { rollUpOrders, type StatusSettings } from './roll-up-orders.js';
export { runDriftAudit, type DriftAuditOptions, type DriftAuditReport } from './drift-audit.js';
