import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PermanentError } from '../../src/core/errors.js';
import { runCommand } from './run-command.js';

/** What the secure broker and its clients need, as files in one directory (made once, kept with the broker's data). */
export interface StackCertificates {
  readonly dir: string;
  /** PEM of the CA that signs the broker's and the client's certificates: KAFKA_SSL_CA_FILE. */
  readonly caFile: string;
  /** The broker's key and certificate (localhost, 127.0.0.1) as PKCS#12, for ssl.keystore.*. */
  readonly brokerKeystore: string;
  readonly brokerKeystorePassword: string;
  /** A client certificate the CA signs, for mutual TLS: KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE. */
  readonly clientCertFile: string;
  readonly clientKeyFile: string;
}

async function openssl(dir: string, args: readonly string[]): Promise<void> {
  const result = await runCommand('openssl', args, { cwd: dir });
  if (result.code === 127)
    throw new PermanentError('openssl_missing', 'openssl was not found on PATH: install it (apt-get install openssl)');
  if (result.code !== 0) throw new PermanentError('certificates_failed', `openssl ${args.slice(0, 2).join(' ')} failed: ${result.stderr}`);
}

const DAYS = '825';

/** A CA, a broker certificate it signs for the local host names, a client certificate; made with openssl unless already there. */
export async function ensureCertificates(dir: string): Promise<StackCertificates> {
  const passwordFile = join(dir, 'keystore-password');
  const certificates = {
    dir,
    caFile: join(dir, 'ca.pem'),
    brokerKeystore: join(dir, 'broker.p12'),
    clientCertFile: join(dir, 'client.pem'),
    clientKeyFile: join(dir, 'client.key'),
  };
  if (existsSync(passwordFile) && existsSync(certificates.brokerKeystore)) {
    return { ...certificates, brokerKeystorePassword: (await readFile(passwordFile, 'utf8')).trim() };
  }
  await mkdir(dir, { recursive: true });
  const password = randomBytes(18).toString('base64url');
  const subject = (cn: string) => ['-subj', `/CN=${cn}`];
  await openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    DAYS,
    ...subject('flowthrough local CA'),
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  ]);
  await writeFile(join(dir, 'broker.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, cn] of [
    ['broker', 'localhost'],
    ['client', 'flowthrough-client'],
  ] as const) {
    await openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', ...subject(cn), '-keyout', `${name}.key`, '-out', `${name}.csr`]);
    await openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      DAYS,
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    ]);
  }
  await openssl(dir, [
    'pkcs12',
    '-export',
    '-in',
    'broker.pem',
    '-inkey',
    'broker.key',
    '-certfile',
    'ca.pem',
    '-name',
    'broker',
    '-passout',
    `pass:${password}`,
    '-out',
    'broker.p12',
  ]);
  for (const key of ['ca.key', 'broker.key', 'client.key']) await chmod(join(dir, key), 0o600);
  await writeFile(passwordFile, password, { mode: 0o600 });
  return { ...certificates, brokerKeystorePassword: password };
}
