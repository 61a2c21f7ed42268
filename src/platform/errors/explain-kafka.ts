import {
  allMessages,
  errorChain,
  firstText,
  isTlsProblem,
  messageOf,
  NETWORK_REASONS,
  oneLine,
  systemCode,
  text,
  type ErrorLike,
} from './error-chain.js';
import type { Explanation } from './explanation.js';

/** The security settings a Kafka failure may be about (no password: it is never shown). */
export interface KafkaSecurity {
  readonly ssl?: boolean;
  /** Empty or absent: no SASL. */
  readonly saslMechanism?: string;
  readonly saslUsername?: string;
  /** oauthbearer: whose token, for which scope. */
  readonly oauthClientId?: string;
  readonly oauthScope?: string;
  /** KAFKA_SSL_CA_FILE; empty: Node's roots. */
  readonly caFile?: string;
}

const SASL_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM']);
const AUTHORIZATION_TYPES = /^(TOPIC|GROUP|CLUSTER|TRANSACTIONAL_ID|DELEGATION_TOKEN)_AUTHORIZATION_FAILED$/;

/** Whether anything along the chain is one of kafkajs' errors. */
export function isKafkaError(error: unknown): boolean {
  return errorChain(error).some((e) => (text(e, 'name') ?? '').startsWith('KafkaJS'));
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** host:port equality, with every loopback name the same host. */
function sameAddress(a: string, b: string): boolean {
  const split = (s: string): [string, string] => {
    const i = s.lastIndexOf(':');
    const host = (i < 0 ? s : s.slice(0, i)).toLowerCase();
    return [LOOPBACK.has(host) ? 'loopback' : host, i < 0 ? '' : s.slice(i + 1)];
  };
  const [ha, pa] = split(a);
  const [hb, pb] = split(b);
  return ha === hb && pa === pb;
}

/** The broker a kafkajs connection error names ("host:port"), if any. */
function failedBroker(chain: readonly ErrorLike[]): string | undefined {
  return firstText(chain, 'broker');
}

/**
 * One line for a Kafka failure naming KAFKA_BROKERS (and KAFKA_SSL or
 * KAFKA_SASL_* when the handshake or the login failed).
 */
export function explainKafkaError(error: unknown, brokers: readonly string[], security: KafkaSecurity = {}): Explanation {
  const chain = errorChain(error);
  const list = brokers.join(',');
  const setting = `KAFKA_BROKERS=${list}`;
  const broker = failedBroker(chain);
  // A broker we were not given is one the cluster advertised: its address is the broker's setting, not ours.
  const advertised = broker !== undefined && !brokers.some((b) => sameAddress(b, broker));
  const where = broker ?? list;
  const message = oneLine(allMessages(chain.slice(-1)) || messageOf(error));
  const mechanism = security.saslMechanism ?? '';
  const ssl = security.ssl === true;

  const protocolType = chain.map((e) => text(e, 'type')).find((t) => t !== undefined);
  const saslFailed =
    chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError') || (protocolType !== undefined && SASL_TYPES.has(protocolType));
  if (saslFailed) {
    const oauth = mechanism === 'oauthbearer';
    const login = !mechanism
      ? 'KAFKA_SASL_MECHANISM is empty (no SASL)'
      : oauth
        ? `KAFKA_SASL_MECHANISM=oauthbearer, KAFKA_OAUTH_CLIENT_ID=${security.oauthClientId || '(empty)'}, KAFKA_OAUTH_SCOPE=${security.oauthScope ?? ''}`
        : `KAFKA_SASL_MECHANISM=${mechanism}, KAFKA_SASL_USERNAME=${security.saslUsername ?? ''}`;
    const refused = protocolType === 'SASL_AUTHENTICATION_FAILED' || chain.some((e) => e.name === 'KafkaJSSASLAuthenticationError');
    const hint = !refused
      ? "check KAFKA_SASL_MECHANISM against the listener's (and whether this listener uses SASL at all)"
      : oauth
        ? "the broker refused the token: check KAFKA_OAUTH_SCOPE (the token's audience) and that the broker trusts this Entra ID tenant (issuer, keys)"
        : 'check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD';
    return {
      code: 'kafka_auth_failed',
      line: `Kafka at ${where} refused the SASL login (${login}; ${setting}): ${message}; ${hint}`,
      retryable: false,
    };
  }

  if (protocolType !== undefined && AUTHORIZATION_TYPES.test(protocolType)) {
    const who = mechanism ? `user "${security.saslUsername ?? ''}" (KAFKA_SASL_USERNAME)` : 'this client';
    return {
      code: 'kafka_not_authorized',
      line: `Kafka at ${where} does not authorize ${who} (${protocolType}; ${setting}): grant the ACLs the worker needs, or fix KAFKA_SASL_USERNAME`,
      retryable: false,
    };
  }

  if (isTlsProblem(chain)) {
    const trust = security.caFile ? `KAFKA_SSL_CA_FILE=${security.caFile}` : "KAFKA_SSL_CA_FILE is empty: Node's roots";
    const hint = ssl
      ? `check that the listener speaks TLS and that its certificate is signed by a CA you trust (${trust}; for a private CA set KAFKA_SSL_CA_FILE), and for mutual TLS KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE`
      : 'the listener expects TLS: set KAFKA_SSL=true, or use its plaintext port';
    return {
      code: 'kafka_tls_failed',
      line: `TLS to Kafka at ${where} failed (KAFKA_SSL=${ssl}; ${setting}): ${message}; ${hint}`,
      retryable: false,
    };
  }

  const code = systemCode(chain);
  const reason = code !== undefined ? NETWORK_REASONS[code] : undefined;
  const connectionError = chain.some((e) =>
    /^KafkaJS(Connection|ConnectionClosed|RequestTimeout|NoBrokerAvailable|BrokerNotFound)Error$|^KafkaJSBrokerNotFound$/.test(
      text(e, 'name') ?? '',
    ),
  );
  if (reason !== undefined || connectionError) {
    const why = reason ?? message;
    if (advertised) {
      return {
        code: 'kafka_unreachable',
        line: `cannot connect to Kafka broker ${broker}, which the cluster advertised (${setting}): ${why}; check the broker's advertised.listeners, or that this host can reach it`,
        retryable: true,
      };
    }
    const hint =
      code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'check the host names in KAFKA_BROKERS'
        : ssl || mechanism
          ? 'is the broker running, and is that its port for this security protocol?'
          : 'is the broker running?';
    return { code: 'kafka_unreachable', line: `cannot connect to Kafka at ${where} (${setting}): ${why}; ${hint}`, retryable: true };
  }

  return { code: 'kafka_error', line: `Kafka failed (${setting}): ${message}`, retryable: chain.some((e) => e.retriable === true) };
}
