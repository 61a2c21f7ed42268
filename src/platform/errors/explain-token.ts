import type { OperatorConnectAuthConfig } from '../config/operator-connect-variables.js';
import { allMessages, errorChain, isTlsProblem, messageOf, NETWORK_REASONS, oneLine, systemCode } from './error-chain.js';
import type { Explanation } from './explanation.js';

/** The OPERATOR_CONNECT_* settings a token failure can be about; the secret is never shown, so it is not asked for. */
export type TokenSettings = Pick<
  OperatorConnectAuthConfig,
  'credential' | 'authorityHost' | 'disableInstanceDiscovery' | 'tenantId' | 'clientId' | 'managedIdentityClientId' | 'scope'
>;

/**
 * Authority hosts MSAL's instance discovery knows (public cloud, US
 * Government, China); any other host fails discovery unless
 * OPERATOR_CONNECT_DISABLE_INSTANCE_DISCOVERY=true.
 */
export const MICROSOFT_AUTHORITY_HOSTS: readonly string[] = [
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'sts.windows.net',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
  'login-us.microsoftonline.com',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
];

export function isMicrosoftAuthorityHost(authorityHost: string): boolean {
  try {
    return MICROSOFT_AUTHORITY_HOSTS.includes(new URL(authorityHost).hostname.toLowerCase());
  } catch {
    return false;
  }
}

/** Whose token it is: the settings' prefix and how a failure is named. */
export interface TokenSettingNames {
  readonly prefix: string;
  readonly what: string;
  readonly code: string;
  readonly scopeHint: string;
}

export const OPERATOR_CONNECT_TOKEN_NAMES: TokenSettingNames = {
  prefix: 'OPERATOR_CONNECT',
  what: 'an Operator Connect access token',
  code: 'backend_token_failed',
  scopeHint: 'the scope is the Project Synergy app id plus /.default',
};

export const ACG_PROVISIONING_TOKEN_NAMES: TokenSettingNames = {
  prefix: 'ACG_PROVISIONING',
  what: 'an ACG Provisioning API access token',
  code: 'backend_token_failed',
  scopeHint: "the scope is the Provisioning API's application id URI plus /.default",
};

export const KAFKA_OAUTH_TOKEN_NAMES: TokenSettingNames = {
  prefix: 'KAFKA_OAUTH',
  what: 'a Kafka OAUTHBEARER token',
  code: 'kafka_token_failed',
  scopeHint: 'Event Hubs takes https://<namespace>.servicebus.windows.net/.default',
};

const isRetryable = (error: unknown): boolean => (error as { retryable?: unknown }).retryable === true;

/** "AADSTS7000215: Invalid client secret provided…" without the trace ids and timestamps Entra ID appends. */
function entraDescription(messages: string): { code: string; description: string } | undefined {
  const match = /AADSTS(\d+):\s*(.*?)(?:\s+Trace ID:|\s+-\s+Correlation ID:|\s*$)/.exec(messages);
  if (!match) return undefined;
  return { code: `AADSTS${match[1] ?? ''}`, description: (match[2] ?? '').replace(/\.$/, '') };
}

/** The OAuth or MSAL error word a message starts with: invalid_client, endpoints_resolution_error… */
function errorWord(messages: string): string | undefined {
  return /\b(endpoints_resolution_error|invalid_client|unauthorized_client|invalid_resource|invalid_scope|invalid_request|invalid_grant|network_error|temporarily_unavailable)\b/.exec(
    messages,
  )?.[1];
}

/**
 * One line for a failure to get an Entra ID token: which OPERATOR_CONNECT_*
 * setting is at fault and its value (never the secret's), and for an
 * authority host Microsoft does not know, the discovery switch.
 */
export function explainTokenError(
  error: unknown,
  settings: TokenSettings,
  names: TokenSettingNames = OPERATOR_CONNECT_TOKEN_NAMES,
): Explanation {
  const PREFIX = `cannot get ${names.what}`;
  const p = names.prefix;
  // The client's token errors carry this explanation already (tokenFailure): told once, not re-read.
  const told = messageOf(error);
  if (told.startsWith(`${PREFIX}: `) && told.includes(`${p}_`)) return { code: names.code, line: told, retryable: isRetryable(error) };
  const chain = errorChain(error);
  const messages = allMessages(chain);
  const word = errorWord(messages);
  const entra = entraDescription(messages);
  const authority = `${p}_AUTHORITY_HOST=${settings.authorityHost}`;
  const tenant = `${p}_TENANT_ID=${settings.tenantId || '(empty)'}`;
  const client = `${p}_CLIENT_ID=${settings.clientId || '(empty)'}`;
  const failed = (line: string, retryable = false): Explanation => ({
    code: names.code,
    line: `${PREFIX}: ${line}`,
    retryable,
  });
  // An error tokenFailure() wrapped already starts with the prefix: say it once.
  const cause = entra
    ? `${entra.code}${word ? ` ${word}` : ''}: ${entra.description}`
    : oneLine(messageOf(error).replace(`${PREFIX}: `, ''), 200);

  if (settings.credential === 'managed-identity') {
    const which = settings.managedIdentityClientId
      ? `the user-assigned identity ${p}_MANAGED_IDENTITY_CLIENT_ID=${settings.managedIdentityClientId}`
      : `the system-assigned identity (${p}_MANAGED_IDENTITY_CLIENT_ID is empty)`;
    return failed(
      `${p}_CREDENTIAL=managed-identity gave no token for ${which} (${cause}): run where that identity is assigned, or set ${p}_CREDENTIAL=client-secret`,
    );
  }
  if (
    settings.credential === 'default' &&
    chain.some((e) => e.name === 'AggregateAuthenticationError' || e.name === 'CredentialUnavailableError') &&
    !entra &&
    word !== 'endpoints_resolution_error'
  ) {
    return failed(
      `${p}_CREDENTIAL=default: no source of DefaultAzureCredential gave a token (${cause}): set ${p}_CREDENTIAL=client-secret with ${p}_TENANT_ID, ${p}_CLIENT_ID and ${p}_CLIENT_SECRET, or managed-identity`,
    );
  }

  if (word === 'endpoints_resolution_error' || /instance discovery|authority_mismatch|untrusted_authority/i.test(messages)) {
    if (!settings.disableInstanceDiscovery && !isMicrosoftAuthorityHost(settings.authorityHost)) {
      return failed(
        `Microsoft's instance discovery does not know ${authority} (endpoints_resolution_error): set ${p}_DISABLE_INSTANCE_DISCOVERY=true for an authority host of your own, such as the simulator`,
      );
    }
    return failed(
      `cannot read the OpenID configuration of ${tenant} at ${authority} (endpoints_resolution_error): check both, that the host answers HTTPS and that its certificate is trusted (NODE_EXTRA_CA_CERTS for a private CA)`,
      true,
    );
  }

  switch (entra?.code) {
    case 'AADSTS7000215':
    case 'AADSTS7000222':
    case 'AADSTS7000216':
      return failed(`Entra ID refused the client secret of ${client} in ${tenant} (${cause}): check ${p}_CLIENT_SECRET (wrong or expired)`);
    case 'AADSTS700016':
      return failed(`Entra ID does not know the application ${client} in ${tenant} (${cause}): check both`);
    case 'AADSTS90002':
    case 'AADSTS900023':
    case 'AADSTS90013':
      return failed(`Entra ID does not know ${tenant} at ${authority} (${cause}): check the tenant id`);
    case 'AADSTS500011':
    case 'AADSTS70011':
    case 'AADSTS1002012':
      return failed(`Entra ID does not accept ${p}_SCOPE=${settings.scope} in ${tenant} (${cause}): ${names.scopeHint}`);
    default:
      break;
  }
  if (word === 'invalid_client')
    return failed(
      `Entra ID refused the client credentials of ${client} in ${tenant} (${cause}): check ${p}_CLIENT_ID and ${p}_CLIENT_SECRET`,
    );
  if (word === 'unauthorized_client') return failed(`Entra ID does not know the application ${client} in ${tenant} (${cause}): check both`);
  if (word === 'invalid_resource' || word === 'invalid_scope')
    return failed(`Entra ID does not accept ${p}_SCOPE=${settings.scope} (${cause})`);

  if (isTlsProblem(chain)) {
    return failed(
      `the TLS certificate of ${authority} is not trusted or the handshake failed (${cause}): trust its CA (NODE_EXTRA_CA_CERTS) or fix the host`,
      true,
    );
  }
  const code = systemCode(chain);
  const reason = code !== undefined ? NETWORK_REASONS[code] : undefined;
  if (reason !== undefined || word === 'network_error') {
    return failed(`cannot reach Entra ID at ${authority}: ${reason ?? cause}; check the host and the network (a proxy: HTTPS_PROXY)`, true);
  }
  const status = chain.map((e) => e.statusCode).find((s): s is number => typeof s === 'number');
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) {
    return failed(`Entra ID at ${authority} answered ${status} (${cause}): it is unavailable or throttling; retrying`, true);
  }
  return failed(`${cause} (${p}_CREDENTIAL=${settings.credential}, ${authority}, ${tenant}, ${client})`);
}
