import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tools/shared/free-port.js';

/** A throw-away PostgreSQL cluster with ssl = on, its server certificate signed by a CA made here (openssl). */
export interface TlsPostgresCluster {
  readonly port: number;
  readonly dir: string;
  /** PEM of the CA that signs the server certificate (names localhost only, not 127.0.0.1). */
  readonly caFile: string;
  /** PEM of another CA, which signs nothing the server holds. */
  readonly otherCaFile: string;
  /** Runs SQL as the superuser over the Unix socket. */
  sql(statement: string): string;
  destroy(): void;
}

function binDir(): string {
  if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined) throw new Error('initdb not found (set PG_BINDIR)');
  return join(root, version, 'bin');
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

export async function startTlsPostgresCluster(): Promise<TlsPostgresCluster> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot
    ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString()) }
    : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'flowthrough-tls-pg-'));
  const data = join(dir, 'data');
  const run = (file: string, args: string[]): string => {
    const result = spawnSync(file, args, { encoding: 'utf8', ...(ids ?? {}) });
    if (result.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
    return result.stdout;
  };
  // Certificates: a CA, a server certificate for localhost/127.0.0.1 it signs, another CA.
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\n');
  for (const ca of ['ca', 'other-ca'])
    openssl(dir, [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=flowthrough test ${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.pem`,
    ]);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    'san.ext',
    '-out',
    'server.pem',
  ]);
  chmodSync(join(dir, 'server.key'), 0o600);
  if (ids) for (const f of ['', 'server.key', 'server.pem']) chownSync(join(dir, f), ids.uid, ids.gid);
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    process.off('exit', destroy);
    if (existsSync(join(data, 'postmaster.pid')))
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'], { stdio: 'ignore', ...(ids ?? {}) });
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', destroy);
  try {
    run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // TCP: scram-sha-256 for everyone (the Unix socket stays trust, for set-up).
    const hba = 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 scram-sha-256\n';
    writeFileSync(join(data, 'pg_hba.conf'), hba);
    if (ids) chownSync(join(data, 'pg_hba.conf'), ids.uid, ids.gid);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c ssl=on',
      `-c ssl_cert_file=${join(dir, 'server.pem')}`,
      `-c ssl_key_file=${join(dir, 'server.key')}`,
      '-c password_encryption=scram-sha-256',
    ].join(' ');
    run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', '60', 'start']);
    const sql = (statement: string): string =>
      run(join(bin, 'psql'), ['-h', dir, '-p', String(port), '-U', 'postgres', '-Atqc', statement]);
    return { port, dir, caFile: join(dir, 'ca.pem'), otherCaFile: join(dir, 'other-ca.pem'), sql, destroy };
  } catch (error) {
    destroy();
    throw error;
  }
}
