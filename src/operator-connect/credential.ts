import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { OperatorConnectAuthConfig } from '../platform/config/operator-connect-variables.js';

/**
 * The @azure/identity credential the configuration asks for. The secret is
 * revealed only here, straight into the credential.
 */
export function createCredential(auth: OperatorConnectAuthConfig): TokenCredential {
  switch (auth.credential) {
    case 'client-secret':
      return new ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret.reveal(), {
        authorityHost: auth.authorityHost,
        // MSAL otherwise asks login.microsoftonline.com about the authority host, which fails for one it does not know (the simulator).
        disableInstanceDiscovery: auth.disableInstanceDiscovery,
      });
    case 'managed-identity':
      return auth.managedIdentityClientId
        ? new ManagedIdentityCredential({ clientId: auth.managedIdentityClientId })
        : new ManagedIdentityCredential();
    case 'default':
      return new DefaultAzureCredential({
        authorityHost: auth.authorityHost,
        ...(auth.tenantId ? { tenantId: auth.tenantId } : {}),
        ...(auth.managedIdentityClientId ? { managedIdentityClientId: auth.managedIdentityClientId } : {}),
      });
  }
}
