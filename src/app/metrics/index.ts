/** Prometheus metrics of one worker (GET /metrics). */
export { WorkerMetrics, type WorkerMetricsOptions } from './worker-metrics.js';
export { circuitStateValue } from './circuit-state.js';
export { partitionLags, fetchIntakeLag, type PartitionLag } from './intake-lag.js';
