import type { TokenCredential } from '@azure/identity';
import type { OperatorConnectAuthConfig } from '../platform/config/operator-connect-variables.js';
import { createEntraCredential } from '../platform/identity/entra-credential.js';

/** The @azure/identity credential the OPERATOR_CONNECT_* settings ask for. */
export function createCredential(auth: OperatorConnectAuthConfig): TokenCredential {
  return createEntraCredential(auth);
}
