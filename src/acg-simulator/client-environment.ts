import type { AcgSimulatorEndpoints } from './acg-simulator.js';

/**
 * What a client of the ACG simulator needs, named ACG_PROVISIONING_* as the
 * worker reads them (loadAcgConfig, src/platform/config/acg-variables.ts;
 * every other ACG_PROVISIONING_* setting keeps its default, and BACKEND=acg is
 * the deployment's choice, not the simulator's).
 * Instance discovery must be off (Microsoft does not know the fake Entra ID)
 * and the token endpoint's self-signed certificate trusted
 * (NODE_EXTRA_CA_CERTS, which the simulator command adds).
 */
export function acgClientEnvironment(endpoints: AcgSimulatorEndpoints): Record<string, string> {
  return {
    ACG_PROVISIONING_BASE_URL: endpoints.url,
    ACG_PROVISIONING_API_VERSION: endpoints.apiVersion,
    ACG_PROVISIONING_AUTHORITY_HOST: endpoints.authorityHost,
    ACG_PROVISIONING_DISABLE_INSTANCE_DISCOVERY: 'true',
    ACG_PROVISIONING_TENANT_ID: endpoints.tenantId,
    ACG_PROVISIONING_CLIENT_ID: endpoints.clientId,
    ACG_PROVISIONING_CLIENT_SECRET: endpoints.clientSecret,
    ACG_PROVISIONING_SCOPE: endpoints.scope,
  };
}
