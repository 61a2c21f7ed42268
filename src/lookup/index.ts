/** The call-time lookup (src/lookup): an in-memory index of numbers kept current by PostgreSQL notices, and its records. */
export { LookupIndex, type LookupApplied, type LookupIndexOptions } from './lookup-index.js';
export { findLookupRecord } from './lookup-records.js';
