/** The Azure Communications Gateway Provisioning API client (src/acg); the backend port that drives it comes next (#13). */
export {
  AcgProvisioningClient,
  MAX_NUMBERS_PER_REQUEST,
  PUBLISHED_REQUESTS_PER_MINUTE,
  type AcgClientOptions,
  type AcgClientSettings,
  type MutationOptions,
} from './provisioning-client.js';
export type { AccountResource, NumberResource, ProvisioningStatus, RequestForInformation, Tagged } from './acg-api.js';
