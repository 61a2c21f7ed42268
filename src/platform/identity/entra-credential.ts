import { ClientSecretCredential, DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Secret } from '../config/secret.js';

/** What an Entra ID credential is made from: the Operator Connect client's settings and the database's share this shape. */
export interface EntraCredentialSettings {
  readonly credential: 'client-secret' | 'managed-identity' | 'default';
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: Secret;
  readonly authorityHost: string;
  readonly disableInstanceDiscovery: boolean;
  readonly managedIdentityClientId: string;
}

/** The @azure/identity credential the settings ask for. The secret is revealed only here, straight into the credential. */
export function createEntraCredential(settings: EntraCredentialSettings): TokenCredential {
  switch (settings.credential) {
    case 'client-secret':
      return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret.reveal(), {
        authorityHost: settings.authorityHost,
        // MSAL otherwise asks login.microsoftonline.com about the authority host, which fails for one it does not know (the simulator).
        disableInstanceDiscovery: settings.disableInstanceDiscovery,
      });
    case 'managed-identity':
      return settings.managedIdentityClientId
        ? new ManagedIdentityCredential({ clientId: settings.managedIdentityClientId })
        : new ManagedIdentityCredential();
    case 'default':
      return new DefaultAzureCredential({
        authorityHost: settings.authorityHost,
        ...(settings.tenantId ? { tenantId: settings.tenantId } : {}),
        ...(settings.managedIdentityClientId ? { managedIdentityClientId: settings.managedIdentityClientId } : {}),
      });
  }
}
