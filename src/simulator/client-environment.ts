import type { SimulatorEndpoints } from './index.js';

/**
 * The OPERATOR_CONNECT_* settings that point the worker's client at a running
 * simulator (its fake Entra ID needs instance discovery off). The simulator's
 * self-signed certificate must also be trusted (tls.setDefaultCACertificates).
 */
export function simulatorClientEnvironment(endpoints: SimulatorEndpoints): Record<string, string> {
  return {
    OPERATOR_CONNECT_BASE_URL: endpoints.url,
    OPERATOR_CONNECT_API_VERSION: endpoints.apiVersion,
    OPERATOR_CONNECT_AUTHORITY_HOST: endpoints.authorityHost,
    OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY: 'true',
    OPERATOR_CONNECT_TENANT_ID: endpoints.tenantId,
    OPERATOR_CONNECT_CLIENT_ID: endpoints.clientId,
    OPERATOR_CONNECT_CLIENT_SECRET: endpoints.clientSecret,
    OPERATOR_CONNECT_SCOPE: endpoints.scope,
  };
}
