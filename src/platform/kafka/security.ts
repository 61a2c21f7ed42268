import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { TokenCredential } from '@azure/identity';
import type { Mechanism, OauthbearerProviderResponse, SASLOptions } from 'kafkajs';
import { oauthBearerAuthenticator } from './oauth-bearer-authenticator.js';
import { PermanentError, TransientError } from '../../core/errors.js';
import type { KafkaConnectionConfig, KafkaSasl, KafkaTls } from '../config/kafka-variables.js';
import { explainTokenError, KAFKA_OAUTH_TOKEN_NAMES } from '../errors/explain-token.js';
import { createEntraCredential } from '../identity/entra-credential.js';
import { TokenCache } from '../identity/token-cache.js';
import type { Logger } from '../logging/logger.js';
import { systemClock } from '../time/clock.js';
import { componentLogger } from '../logging/component-logger.js';

function readPem(setting: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PermanentError('kafka_tls_file', `${setting}=${file}: cannot read it (${(error as Error).message})`);
  }
}

/**
 * kafkajs' `ssl` (node:tls options) from KAFKA_SSL_*: verification on unless
 * turned off, the CA, a client certificate for mutual TLS, the server name.
 * Files are read once, at client creation: a bad path fails start-up in one line.
 */
export function kafkaTlsOptions(ssl: boolean, tls: KafkaTls | undefined): ConnectionOptions | boolean {
  if (!ssl) return false;
  if (tls === undefined) return true;
  const options: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  if (tls.caFile) options.ca = readPem('KAFKA_SSL_CA_FILE', tls.caFile);
  if (tls.certFile) options.cert = readPem('KAFKA_SSL_CERT_FILE', tls.certFile);
  if (tls.keyFile) options.key = readPem('KAFKA_SSL_KEY_FILE', tls.keyFile);
  if (tls.keyPassword.reveal()) options.passphrase = tls.keyPassword.reveal();
  if (tls.servername) options.servername = tls.servername;
  return options;
}

/** Tokens are asked for no longer than this; the broker's connection attempt waits on it. */
const TOKEN_TIMEOUT_MS = 30_000;

/**
 * The OAUTHBEARER token provider kafkajs calls on every (re-)authentication:
 * an Entra ID token for KAFKA_OAUTH_SCOPE from the cache, which renews it
 * ahead of expiry (at most halfway through a short-lived token's life), so a
 * re-authentication before the session ends presents a fresh token.
 * A failure is thrown as one line naming the KAFKA_OAUTH_* setting at fault.
 */
export function oauthBearerProvider(
  sasl: Extract<KafkaSasl, { mechanism: 'oauthbearer' }>,
  logger: Logger,
  credential: TokenCredential = createEntraCredential(sasl.oauth),
): () => Promise<OauthbearerProviderResponse> {
  const tokens = new TokenCache(credential, {
    clock: systemClock,
    logger: componentLogger(logger, 'kafka-oauth'),
    timeoutMs: TOKEN_TIMEOUT_MS,
    purpose: { what: 'a Kafka OAUTHBEARER token', timeoutSetting: 'its timeout (ms)' },
  });
  return async () => {
    try {
      return { value: await tokens.get(sasl.oauth.scope) };
    } catch (error) {
      const explanation = explainTokenError(error, sasl.oauth, KAFKA_OAUTH_TOKEN_NAMES);
      // Entra ID unreachable or throttling passes; a refused secret or scope does not. kafkajs retries
      // any error not marked `retriable: false`, so the mark is set for it too.
      const failure = explanation.retryable
        ? new TransientError('kafka_token_unavailable', explanation.line, { cause: error })
        : new PermanentError('kafka_token_failed', explanation.line, { cause: error });
      throw Object.assign(failure, { retriable: explanation.retryable });
    }
  };
}

/** kafkajs' `sasl` from KAFKA_SASL_* (and KAFKA_OAUTH_* for oauthbearer). */
export function kafkaSaslOptions(
  config: Pick<KafkaConnectionConfig, 'sasl'>,
  logger: Logger,
  credential?: TokenCredential,
): SASLOptions | Mechanism | undefined {
  const { sasl } = config;
  if (sasl === null) return undefined;
  if (sasl.mechanism === 'oauthbearer')
    return { mechanism: 'oauthbearer', authenticationProvider: oauthBearerAuthenticator(oauthBearerProvider(sasl, logger, credential)) };
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password.reveal() } as SASLOptions;
}
