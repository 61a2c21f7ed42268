/**
 * Failures told in one line that names the variable to fix and its value
 * (passwords hidden): "cannot connect to PostgreSQL at 127.0.0.1:5432
 * (DATABASE_URL=postgres://app:***@127.0.0.1:5432/prov): connection
 * refused; is it running?". Pure functions of the error and the settings;
 * nothing here imports pg, kafkajs or @azure/identity (errors are read by
 * their shape), so the CLI can use them before anything connects.
 */
import type { Config } from '../config/load-config.js';
import { classify, FlowthroughError, PermanentError, TransientError } from '../../core/errors.js';
import { errorChain, messageOf, oneLine, text, type ErrorLike } from './error-chain.js';
import { explainDatabaseError, looksLikeDatabaseError } from './explain-database.js';
import { explainHttpListenError, isListenError, type ListenSettingNames } from './explain-http.js';
import { explainKafkaError, isKafkaError, type KafkaSecurity } from './explain-kafka.js';
import { explainTokenError, type TokenSettings } from './explain-token.js';
import type { Explanation } from './explanation.js';

export type { Explanation } from './explanation.js';
export { databaseTarget, explainDatabaseError, redactDatabaseUrl, type DatabaseTarget } from './explain-database.js';
export { explainKafkaError, isKafkaError, type KafkaSecurity } from './explain-kafka.js';
export { explainHttpListenError, HTTP_SETTINGS, isListenError, type ListenSettingNames } from './explain-http.js';
export { explainTokenError, isMicrosoftAuthorityHost, MICROSOFT_AUTHORITY_HOSTS, type TokenSettings } from './explain-token.js';

/** What a failure may be about: the settings in force, each optional. */
export interface FailureContext {
  readonly databaseUrl?: string;
  readonly kafka?: { readonly brokers: readonly string[] } & KafkaSecurity;
  readonly http?: { readonly host: string; readonly port: number; readonly names?: ListenSettingNames };
  readonly operatorConnect?: TokenSettings;
}

/** The context of a loaded configuration. */
export function failureContext(config: Config): FailureContext {
  return {
    databaseUrl: config.database.url,
    kafka: {
      brokers: config.kafka.brokers,
      ssl: config.kafka.ssl,
      caFile: config.kafka.tls?.caFile ?? '',
      ...kafkaSaslContext(config.kafka.sasl),
    },
    http: { host: config.http.host, port: config.http.port },
    ...(config.operatorConnect ? { operatorConnect: config.operatorConnect.auth } : {}),
  };
}

function kafkaSaslContext(sasl: Config['kafka']['sasl']): Partial<KafkaSecurity> {
  if (sasl === null) return {};
  if (sasl.mechanism === 'oauthbearer')
    return { saslMechanism: sasl.mechanism, oauthClientId: sasl.oauth.clientId, oauthScope: sasl.oauth.scope };
  return { saslMechanism: sasl.mechanism, saslUsername: sasl.username };
}

/** Codes of our own errors that reach the explainer wrapped in a library's: kafkajs wraps what its SASL provider throws. */
const OWN_INSIDE = new Set(['kafka_token_failed', 'kafka_token_unavailable', 'kafka_tls_file']);

/** Codes tokenFailure() gives a failure to get an Entra ID token. */
const TOKEN_CODES = new Set(['authentication_failed', 'credential_unavailable', 'token_unavailable']);

/** Whether a connect() went to one of the brokers (by port: a refused connect names only its address and port). */
function wentToBroker(error: unknown, brokers: readonly string[]): boolean {
  const ports = new Set(brokers.map((b) => Number(b.slice(b.lastIndexOf(':') + 1))));
  return errorChain(error).some((e) => e.syscall === 'connect' && typeof e.port === 'number' && ports.has(e.port));
}

/**
 * Whichever explainer fits: our own errors keep their code and message (they
 * say what to do already), a listen() failure is the HTTP server's, kafkajs'
 * errors are Kafka's, pg's are PostgreSQL's; anything else is its message.
 */
export function explainFailure(error: unknown, context: FailureContext): Explanation {
  if (error instanceof FlowthroughError) {
    if (context.operatorConnect && TOKEN_CODES.has(error.code)) return explainTokenError(error, context.operatorConnect);
    if (context.databaseUrl && /^(database_|migration_)/.test(error.code)) return explainDatabaseError(error, context.databaseUrl);
    return { code: error.code, line: oneLine(error.message, 2_000), retryable: error.retryable };
  }
  // One of ours inside a library's error (a Kafka token failure inside kafkajs' retry error) already says what to do.
  const ours = errorChain(error).find((e): e is ErrorLike & FlowthroughError => e instanceof FlowthroughError && OWN_INSIDE.has(e.code));
  if (ours) return { code: ours.code, line: oneLine(ours.message, 2_000), retryable: ours.retryable };
  if (context.http && isListenError(error)) return explainHttpListenError(error, context.http.host, context.http.port, context.http.names);
  if (context.kafka && isKafkaError(error)) return explainKafkaError(error, context.kafka.brokers, context.kafka);
  if (context.databaseUrl && looksLikeDatabaseError(error, context.databaseUrl)) return explainDatabaseError(error, context.databaseUrl);
  if (context.kafka && wentToBroker(error, context.kafka.brokers)) return explainKafkaError(error, context.kafka.brokers, context.kafka);
  const classified = classify(error);
  const name = errorChain(error)
    .map((e) => text(e, 'name'))
    .find((n) => n !== undefined && n !== 'Error');
  return { code: classified.code, line: `${name ? `${name}: ` : ''}${oneLine(messageOf(error), 2_000)}`, retryable: classified.retryable };
}

/** An explanation as something to throw: transient when waiting can fix it, the original as its cause. */
export function explainedError(explanation: Explanation, cause?: unknown): FlowthroughError {
  const options = cause === undefined ? {} : { cause };
  return explanation.retryable
    ? new TransientError(explanation.code, explanation.line, options)
    : new PermanentError(explanation.code, explanation.line, options);
}
