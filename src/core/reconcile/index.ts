/** Pure planning of flow-through work: desired vs observed state, batches, roll-ups, drift. */
export * from './association.js';
export * from './plan-work.js';
export * from './roll-up-order.js';
export * from './backoff.js';
export * from './drift.js';
