import type { EntraCredentialSettings } from '../identity/entra-credential.js';
import { Secret } from './secret.js';
import type { VariableSpec } from './variable-spec.js';

/** An Entra ID credential's settings and the scope its tokens are asked for. */
export interface EntraTokenSettings extends EntraCredentialSettings {
  readonly scope: string;
}

/**
 * The variables of one Entra ID credential, named `<prefix>_CREDENTIAL`,
 * `<prefix>_TENANT_ID`…: PostgreSQL's (DATABASE_ENTRA) and Kafka
 * OAUTHBEARER's (KAFKA_OAUTH) take the same kinds as the Operator Connect client.
 */
export function entraVariables(
  prefix: string,
  when: string,
  scope: { readonly default: string; readonly description: string },
): VariableSpec[] {
  return [
    {
      name: `${prefix}_CREDENTIAL`,
      type: 'string',
      default: 'default',
      enum: ['client-secret', 'managed-identity', 'default'],
      description: `with ${when}: the @azure/identity credential (client-secret needs tenant, client id and secret)`,
    },
    { name: `${prefix}_TENANT_ID`, type: 'string', default: '', description: 'Entra ID tenant (client-secret; optional for default)' },
    { name: `${prefix}_CLIENT_ID`, type: 'string', default: '', description: 'application (client) id (client-secret)' },
    { name: `${prefix}_CLIENT_SECRET`, type: 'string', default: '', secret: true, description: 'client secret (client-secret)' },
    { name: `${prefix}_AUTHORITY_HOST`, type: 'url', default: 'https://login.microsoftonline.com', description: 'Entra ID authority host' },
    {
      name: `${prefix}_DISABLE_INSTANCE_DISCOVERY`,
      type: 'boolean',
      default: 'false',
      description: 'skip MSAL instance discovery (an authority host it does not know, such as the simulator)',
    },
    {
      name: `${prefix}_MANAGED_IDENTITY_CLIENT_ID`,
      type: 'string',
      default: '',
      description: 'user-assigned managed identity client id (managed-identity, default); empty: system-assigned',
    },
    { name: `${prefix}_SCOPE`, type: 'string', default: scope.default, description: scope.description },
  ];
}

type Raw = Readonly<Record<string, string | number | boolean | string[]>>;

/** Problems of a client-secret credential missing its parts. */
export function entraProblems(prefix: string, when: string, raw: Raw): string[] {
  if (raw[`${prefix}_CREDENTIAL`] !== 'client-secret') return [];
  return ['TENANT_ID', 'CLIENT_ID', 'CLIENT_SECRET']
    .map((part) => `${prefix}_${part}`)
    .filter((name) => !raw[name])
    .map((name) => `${name}: required when ${when} and ${prefix}_CREDENTIAL is client-secret`);
}

/** The settings read from parsed variables (the secret wrapped, so it never prints). */
export function entraSettings(prefix: string, raw: Raw): EntraTokenSettings {
  const part = (suffix: string): string => String(raw[`${prefix}_${suffix}`] ?? '');
  return {
    credential: part('CREDENTIAL') as EntraCredentialSettings['credential'],
    tenantId: part('TENANT_ID'),
    clientId: part('CLIENT_ID'),
    clientSecret: new Secret(part('CLIENT_SECRET')),
    authorityHost: part('AUTHORITY_HOST'),
    disableInstanceDiscovery: raw[`${prefix}_DISABLE_INSTANCE_DISCOVERY`] === true,
    managedIdentityClientId: part('MANAGED_IDENTITY_CLIENT_ID'),
    scope: part('SCOPE'),
  };
}
