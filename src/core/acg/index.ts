/** Pure builders of the Azure Communications Gateway Provisioning API bodies (docs/acg-provisioning-api.md §2, §3). */
export * from './account-resource.js';
export * from './number-resource.js';
