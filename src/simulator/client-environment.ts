import type { SimulatorEndpoints } from './index.js';

/**
 * Every OPERATOR_CONNECT_* setting that points the worker's client at a running
 * simulator: those without a default, and those whose default would not work
 * (instance discovery must be off: Microsoft does not know the fake Entra ID;
 * the credential kind is pinned in case the environment sets another). The
 * simulator's self-signed certificate must also be trusted: NODE_EXTRA_CA_CERTS
 * in a new process (the simulator command prints it), tls.setDefaultCACertificates
 * in a running one.
 */
export function simulatorClientEnvironment(endpoints: SimulatorEndpoints): Record<string, string> {
  return {
    OPERATOR_CONNECT_BASE_URL: endpoints.url,
    OPERATOR_CONNECT_API_VERSION: endpoints.apiVersion,
    OPERATOR_CONNECT_CREDENTIAL: 'client-secret',
    OPERATOR_CONNECT_AUTHORITY_HOST: endpoints.authorityHost,
    OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY: 'true',
    OPERATOR_CONNECT_TENANT_ID: endpoints.tenantId,
    OPERATOR_CONNECT_CLIENT_ID: endpoints.clientId,
    OPERATOR_CONNECT_CLIENT_SECRET: endpoints.clientSecret,
    OPERATOR_CONNECT_SCOPE: endpoints.scope,
  };
}
