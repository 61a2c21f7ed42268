import { entraProblems, entraSettings, entraVariables, type EntraTokenSettings } from './entra-variables.js';
import { Secret } from './secret.js';
import type { VariableSpec } from './variable-spec.js';

/** KAFKA_SSL and KAFKA_SSL_*: TLS to the brokers, verified by default. */
export interface KafkaTls {
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly keyPassword: Secret;
  readonly servername: string;
  readonly rejectUnauthorized: boolean;
}

export type KafkaSasl =
  | { readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; readonly username: string; readonly password: Secret }
  | { readonly mechanism: 'oauthbearer'; readonly oauth: EntraTokenSettings };

export type KafkaProfile = 'default' | 'event-hubs';

/** Event Hubs closes a connection idle for 240 s and refuses requests and messages over 1 MB. */
export const EVENT_HUBS = { idleTimeoutMs: 240_000, maxRequestBytes: 1_000_000 } as const;

export const KAFKA_CONNECTION_VARIABLES: VariableSpec[] = [
  {
    name: 'KAFKA_PROFILE',
    type: 'string',
    default: 'default',
    enum: ['default', 'event-hubs'],
    description:
      'event-hubs: Azure Event Hubs defaults and limits (TLS on, gzip, metadata refreshed within its 240 s idle limit, records and requests under 1 MB, no topic creation; docs/DEPLOYMENT.md)',
  },
  {
    name: 'KAFKA_BROKERS',
    type: 'list',
    default: '127.0.0.1:9092',
    description:
      "comma-separated Kafka bootstrap brokers (host:port); unset with FLOWTHROUGH_KAFKA_PORT set: the local stack's 127.0.0.1:<port>",
  },
  { name: 'KAFKA_CLIENT_ID', type: 'string', default: 'flowthrough', description: 'Kafka client id' },
  { name: 'KAFKA_SSL', type: 'boolean', default: 'false', description: 'connect to Kafka over TLS (event-hubs profile: true)' },
  {
    name: 'KAFKA_SSL_CA_FILE',
    type: 'string',
    default: '',
    description: "PEM file of the CA(s) that sign the brokers' certificates; empty: Node's roots",
  },
  {
    name: 'KAFKA_SSL_CERT_FILE',
    type: 'string',
    default: '',
    description: 'PEM client certificate for mutual TLS (with KAFKA_SSL_KEY_FILE)',
  },
  { name: 'KAFKA_SSL_KEY_FILE', type: 'string', default: '', description: 'PEM private key of KAFKA_SSL_CERT_FILE' },
  {
    name: 'KAFKA_SSL_KEY_PASSWORD',
    type: 'string',
    default: '',
    secret: true,
    description: 'passphrase of KAFKA_SSL_KEY_FILE, if encrypted',
  },
  {
    name: 'KAFKA_SSL_SERVERNAME',
    type: 'string',
    default: '',
    description: "name the brokers' certificates must hold (and SNI); empty: each broker's host",
  },
  {
    name: 'KAFKA_SSL_REJECT_UNAUTHORIZED',
    type: 'boolean',
    default: 'true',
    description: "verify the brokers' certificates (chain and name); false only to diagnose, never in production",
  },
  {
    name: 'KAFKA_SASL_MECHANISM',
    type: 'string',
    default: '',
    enum: ['', 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'],
    description: 'SASL mechanism; empty disables SASL; oauthbearer: an Entra ID token (KAFKA_OAUTH_*), e.g. for Event Hubs',
  },
  {
    name: 'KAFKA_SASL_USERNAME',
    type: 'string',
    default: '',
    description: 'SASL user name (plain, scram-*; Event Hubs: $ConnectionString)',
  },
  {
    name: 'KAFKA_SASL_PASSWORD',
    type: 'string',
    default: '',
    secret: true,
    description: 'SASL password (plain, scram-*; Event Hubs: the namespace connection string)',
  },
  ...entraVariables('KAFKA_OAUTH', 'KAFKA_SASL_MECHANISM=oauthbearer', {
    default: '',
    description:
      'token scope (oauthbearer): Event Hubs https://<namespace>.servicebus.windows.net/.default (the event-hubs profile derives it from KAFKA_BROKERS)',
  }),
  {
    name: 'KAFKA_REAUTHENTICATION_THRESHOLD_MS',
    type: 'integer',
    default: '10000',
    minimum: 1000,
    maximum: 3600000,
    description:
      'SASL: re-authenticate a connection this long before the session the broker granted ends (KIP-368 connections.max.reauth.ms, token expiry)',
  },
  {
    name: 'KAFKA_METADATA_MAX_AGE_MS',
    type: 'integer',
    default: '300000',
    minimum: 1000,
    maximum: 3600000,
    description: 'topic metadata is refreshed at least this often (event-hubs profile: 180000, under its 240 s idle limit)',
  },
  {
    name: 'KAFKA_IDEMPOTENT_PRODUCER',
    type: 'boolean',
    default: 'true',
    description:
      "the relay's and dlq replay's producers are idempotent (no duplicate from a retried send); event-hubs profile: false, as tiers differ (delivery stays exactly-once to subscribers by ce_id either way)",
  },
  {
    name: 'KAFKA_COMPRESSION',
    type: 'string',
    default: 'none',
    enum: ['none', 'gzip'],
    description: 'compression of the records flowthrough produces (event-hubs profile: gzip, the only codec it takes)',
  },
];

/** What a profile changes of the defaults (a variable set explicitly wins, and is checked against the profile's limits). */
export const PROFILE_DEFAULTS: Readonly<Record<KafkaProfile, Readonly<Record<string, string>>>> = {
  default: {},
  'event-hubs': {
    KAFKA_SSL: 'true',
    KAFKA_COMPRESSION: 'gzip',
    KAFKA_METADATA_MAX_AGE_MS: '180000',
    KAFKA_IDEMPOTENT_PRODUCER: 'false',
    OUTBOX_MAX_BATCH_BYTES: '900000',
    DEAD_LETTER_MAX_RECORD_BYTES: '900000',
    STATUS_EVENT_MAX_BYTES: '900000',
  },
};

/**
 * Defaults that depend on other variables: the local stack's port
 * (FLOWTHROUGH_KAFKA_PORT, set by `npm run stack` users), and Event Hubs'
 * token scope, which names the namespace of the brokers.
 */
export function derivedDefaults(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const derived: Record<string, string> = { ...PROFILE_DEFAULTS[profileOf(env)] };
  if (env.KAFKA_BROKERS === undefined && env.FLOWTHROUGH_KAFKA_PORT) derived.KAFKA_BROKERS = `127.0.0.1:${env.FLOWTHROUGH_KAFKA_PORT}`;
  if (profileOf(env) === 'event-hubs' && env.KAFKA_BROKERS) {
    const host = env.KAFKA_BROKERS.split(',')[0]?.trim().replace(/:\d+$/, '') ?? '';
    if (host.endsWith('.servicebus.windows.net')) derived.KAFKA_OAUTH_SCOPE = `https://${host}/.default`;
  }
  return derived;
}

function profileOf(env: Readonly<Record<string, string | undefined>>): KafkaProfile {
  return env.KAFKA_PROFILE === 'event-hubs' ? 'event-hubs' : 'default';
}

type Raw = Readonly<Record<string, string | number | boolean | string[]>>;

/** Settings that contradict each other or the profile, each a readable problem. */
export function kafkaProblems(raw: Raw): string[] {
  const problems: string[] = [];
  const mechanism = String(raw.KAFKA_SASL_MECHANISM ?? '');
  if (['plain', 'scram-sha-256', 'scram-sha-512'].includes(mechanism) && (!raw.KAFKA_SASL_USERNAME || !raw.KAFKA_SASL_PASSWORD)) {
    problems.push(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required when KAFKA_SASL_MECHANISM is ${mechanism}`);
  }
  if (mechanism === 'oauthbearer') {
    problems.push(...entraProblems('KAFKA_OAUTH', 'KAFKA_SASL_MECHANISM is oauthbearer', raw));
    if (!raw.KAFKA_OAUTH_SCOPE)
      problems.push(
        'KAFKA_OAUTH_SCOPE: required when KAFKA_SASL_MECHANISM is oauthbearer (Event Hubs: https://<namespace>.servicebus.windows.net/.default)',
      );
  }
  if (Boolean(raw.KAFKA_SSL_CERT_FILE) !== Boolean(raw.KAFKA_SSL_KEY_FILE))
    problems.push('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both or neither');
  if (raw.KAFKA_SSL !== true) {
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_SERVERNAME'])
      if (raw[name]) problems.push(`${name}: set, but KAFKA_SSL is false, so it would be ignored: set KAFKA_SSL=true`);
  }
  if (raw.KAFKA_PROFILE === 'event-hubs') problems.push(...eventHubsProblems(raw));
  return problems;
}

function eventHubsProblems(raw: Raw): string[] {
  const problems: string[] = [];
  const why = 'KAFKA_PROFILE=event-hubs';
  if (raw.KAFKA_SSL !== true) problems.push(`KAFKA_SSL=false: ${why} needs TLS (port 9093)`);
  if (raw.KAFKA_CREATE_TOPICS === true)
    problems.push(
      `KAFKA_CREATE_TOPICS=true: ${why} cannot create topics through the Kafka admin API; create the event hubs first (docs/DEPLOYMENT.md)`,
    );
  if (Number(raw.KAFKA_METADATA_MAX_AGE_MS) >= EVENT_HUBS.idleTimeoutMs)
    problems.push(
      `KAFKA_METADATA_MAX_AGE_MS=${String(raw.KAFKA_METADATA_MAX_AGE_MS)}: ${why} closes connections idle for 240 s; keep it below 240000`,
    );
  for (const name of ['OUTBOX_MAX_BATCH_BYTES', 'DEAD_LETTER_MAX_RECORD_BYTES', 'STATUS_EVENT_MAX_BYTES']) {
    if (Number(raw[name]) > EVENT_HUBS.maxRequestBytes)
      problems.push(`${name}=${String(raw[name])}: ${why} refuses records and requests over 1 MB; at most ${EVENT_HUBS.maxRequestBytes}`);
  }
  return problems;
}

export interface KafkaConnectionConfig {
  readonly profile: KafkaProfile;
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly ssl: boolean;
  /** KAFKA_SSL_*; absent (a configuration built by hand): Node's defaults. */
  readonly tls?: KafkaTls;
  readonly sasl: KafkaSasl | null;
  /** Absent: kafkajs' defaults (10 s, 5 minutes, none). */
  readonly reauthenticationThresholdMs?: number;
  readonly metadataMaxAgeMs?: number;
  readonly compression?: 'none' | 'gzip';
  /** false: producers are never idempotent, whatever their caller asks (absent: as asked). */
  readonly idempotentProducer?: boolean;
}

/** The connection settings from parsed (and checked) variables. */
export function kafkaConnection(raw: Raw): KafkaConnectionConfig {
  const str = (name: string): string => String(raw[name] ?? '');
  const mechanism = str('KAFKA_SASL_MECHANISM');
  return {
    profile: str('KAFKA_PROFILE') as KafkaProfile,
    brokers: raw.KAFKA_BROKERS as string[],
    clientId: str('KAFKA_CLIENT_ID'),
    ssl: raw.KAFKA_SSL === true,
    tls: {
      caFile: str('KAFKA_SSL_CA_FILE'),
      certFile: str('KAFKA_SSL_CERT_FILE'),
      keyFile: str('KAFKA_SSL_KEY_FILE'),
      keyPassword: new Secret(str('KAFKA_SSL_KEY_PASSWORD')),
      servername: str('KAFKA_SSL_SERVERNAME'),
      rejectUnauthorized: raw.KAFKA_SSL_REJECT_UNAUTHORIZED === true,
    },
    sasl:
      mechanism === 'oauthbearer'
        ? { mechanism, oauth: entraSettings('KAFKA_OAUTH', raw) }
        : mechanism
          ? {
              mechanism: mechanism as 'plain' | 'scram-sha-256' | 'scram-sha-512',
              username: str('KAFKA_SASL_USERNAME'),
              password: new Secret(str('KAFKA_SASL_PASSWORD')),
            }
          : null,
    reauthenticationThresholdMs: Number(raw.KAFKA_REAUTHENTICATION_THRESHOLD_MS),
    metadataMaxAgeMs: Number(raw.KAFKA_METADATA_MAX_AGE_MS),
    compression: str('KAFKA_COMPRESSION') as 'none' | 'gzip',
    idempotentProducer: raw.KAFKA_IDEMPOTENT_PRODUCER === true,
  };
}
