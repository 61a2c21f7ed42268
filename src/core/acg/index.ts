/** Pure builders of the Azure Communications Gateway Provisioning API bodies (docs/acg-provisioning-api.md §2, §3), and the drift audit's comparison. */
export * from './account-resource.js';
export * from './number-resource.js';
export * from './drift.js';
