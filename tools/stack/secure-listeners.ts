import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackCertificates } from './certificates.js';

/** OAUTHBEARER as the broker validates it: tokens signed by a key of this JWKS, for this audience, from this issuer. */
export interface StackOauthSettings {
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** PEM the broker trusts for an https JWKS URL (the simulator's fake Entra ID has a self-signed certificate); empty: the JVM's roots. */
  readonly jwksCaFile: string;
}

/** `npm run stack -- up --secure`: a SASL_SSL listener and a mutual-TLS listener beside the plaintext one. */
export interface SecureStackSettings {
  readonly saslPort: number;
  readonly mtlsPort: number;
  /** connections.max.reauth.ms of the SASL listener (KIP-368): a session ends after it unless the client re-authenticates. */
  readonly reauthMs: number;
  /** null: OAUTHBEARER is not offered (no JWKS to check tokens against). */
  readonly oauth: StackOauthSettings | null;
}

/** The SCRAM (and PLAIN) user the stack seeds: one per cluster, made at format time. */
export interface StackUser {
  readonly username: string;
  readonly password: string;
}

/** How a client reaches the secure listeners (recorded with the broker's state, printed by `stack up`). */
export interface SecureEndpoints {
  readonly saslBootstrap: string;
  readonly mtlsBootstrap: string;
  readonly mechanisms: readonly string[];
  readonly caFile: string;
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
  readonly username: string;
  /** The SCRAM/PLAIN password sits in this file (mode 600), never in the broker's state or output. */
  readonly passwordFile: string;
  readonly reauthMs: number;
}

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export function saslMechanisms(secure: SecureStackSettings): string[] {
  return ['PLAIN', ...SCRAM_MECHANISMS, ...(secure.oauth ? ['OAUTHBEARER'] : [])];
}

function userFile(dir: string): string {
  return join(dir, 'user.json');
}

export function passwordFile(dir: string): string {
  return join(dir, 'sasl-password');
}

/** The stack's user of this cluster; made when absent. `created` tells a fresh user (which format must seed) from a kept one. */
export async function ensureStackUser(dir: string): Promise<{ user: StackUser; created: boolean }> {
  if (existsSync(userFile(dir))) return { user: JSON.parse(await readFile(userFile(dir), 'utf8')) as StackUser, created: false };
  const user = { username: 'flowthrough', password: randomBytes(18).toString('base64url') };
  await writeFile(userFile(dir), JSON.stringify(user), { mode: 0o600 });
  await writeFile(passwordFile(dir), user.password, { mode: 0o600 });
  return { user, created: true };
}

/** `kafka-storage format --add-scram …`: SCRAM credentials live in the cluster metadata, seeded before the first start. */
export function scramFormatArguments(user: StackUser): string[] {
  return SCRAM_MECHANISMS.flatMap((m) => ['--add-scram', `${m}=[name=${user.username},password=${user.password}]`]);
}

const quoted = (value: string): string => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

/** The JVM must be told which URLs OAUTHBEARER may fetch (Kafka 4.x refuses any other). */
export function oauthSystemProperties(secure: SecureStackSettings): string[] {
  return secure.oauth ? [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${secure.oauth.jwksUrl}`] : [];
}

/** server.properties lines of the secure listeners; the plaintext listener stays for the controller and local tools. */
export function secureListenerProperties(
  host: string,
  secure: SecureStackSettings,
  certificates: StackCertificates,
  user: StackUser,
): { listeners: string[]; lines: string[] } {
  const mechanisms = saslMechanisms(secure);
  const sasl = 'listener.name.sasl_ssl';
  const lines = [
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${certificates.brokerKeystore}`,
    `ssl.keystore.password=${certificates.brokerKeystorePassword}`,
    `ssl.key.password=${certificates.brokerKeystorePassword}`,
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${certificates.caFile}`,
    'listener.name.ssl.ssl.client.auth=required',
    `${sasl}.ssl.client.auth=none`,
    `${sasl}.sasl.enabled.mechanisms=${mechanisms.join(',')}`,
    `sasl.enabled.mechanisms=${mechanisms.join(',')}`,
    `${sasl}.connections.max.reauth.ms=${secure.reauthMs}`,
    `${sasl}.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${user.username}=${quoted(user.password)};`,
    ...SCRAM_MECHANISMS.map(
      (m) => `${sasl}.${m.toLowerCase()}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
    ),
  ];
  if (secure.oauth) {
    const trust = secure.oauth.jwksCaFile ? ` ssl.truststore.type="PEM" ssl.truststore.location=${quoted(secure.oauth.jwksCaFile)}` : '';
    // The broker logs in too when a listener offers OAUTHBEARER (for its own clients, unused here: brokers talk
    // over PLAINTEXT); the default, unsecured login handler needs a subject for that token of its own.
    lines.push(
      `${sasl}.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker"${trust};`,
      `${sasl}.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler`,
      `sasl.oauthbearer.jwks.endpoint.url=${secure.oauth.jwksUrl}`,
      `sasl.oauthbearer.expected.audience=${secure.oauth.audience}`,
      `sasl.oauthbearer.expected.issuer=${secure.oauth.issuer}`,
    );
  }
  return { listeners: [`SASL_SSL://${host}:${secure.saslPort}`, `SSL://${host}:${secure.mtlsPort}`], lines };
}

export function secureEndpoints(
  host: string,
  secure: SecureStackSettings,
  certificates: StackCertificates,
  user: StackUser,
): SecureEndpoints {
  return {
    saslBootstrap: `${host}:${secure.saslPort}`,
    mtlsBootstrap: `${host}:${secure.mtlsPort}`,
    mechanisms: saslMechanisms(secure),
    caFile: certificates.caFile,
    clientCertFile: certificates.clientCertFile,
    clientKeyFile: certificates.clientKeyFile,
    username: user.username,
    passwordFile: passwordFile(certificates.dir),
    reauthMs: secure.reauthMs,
  };
}
