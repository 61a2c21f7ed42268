import { spawn, spawnSync } from 'node:child_process';
import { chown, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../shared/free-port.js';

/**
 * The chaos run's own PostgreSQL: a throw-away cluster (initdb into a temp
 * dir, trust auth, a free port on 127.0.0.1, its socket in the same dir)
 * that the run may restart at will without touching anyone else's server.
 * PostgreSQL refuses to run as root: as root, the cluster belongs to the
 * `postgres` user and its programs run as that user.
 */

export interface PostgresCluster {
  readonly port: number;
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly dir: string;
  readonly logFile: string;
  /** `pg_ctl restart -m fast`: resolves once the server accepts connections again; the ms it was away. */
  restart(): Promise<number>;
  /** Stops the server (immediate) and removes its directory; safe to call twice. */
  destroy(): Promise<void>;
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

interface Result {
  readonly code: number;
  readonly output: string;
}

function run(program: string, args: readonly string[], runAs: RunAs | undefined, timeoutMs = 120_000): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ code: 127, output: output + error.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** The directory holding initdb and pg_ctl: PG_BINDIR, else the newest /usr/lib/postgresql/<v>/bin, else pg_config --bindir. */
export async function postgresBinDir(env: Readonly<Record<string, string | undefined>> = process.env): Promise<string> {
  if (env.PG_BINDIR && existsSync(join(env.PG_BINDIR, 'initdb'))) return env.PG_BINDIR;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = (await readdir(root)).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  const config = await run('pg_config', ['--bindir'], undefined);
  const dir = config.output.trim();
  if (config.code === 0 && existsSync(join(dir, 'initdb'))) return dir;
  throw new Error(
    'initdb was not found: install the PostgreSQL server binaries, or set PG_BINDIR to the directory holding initdb and pg_ctl',
  );
}

async function postgresUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const uid = await run('id', ['-u', 'postgres'], undefined);
  const gid = await run('id', ['-g', 'postgres'], undefined);
  if (uid.code !== 0 || gid.code !== 0)
    throw new Error(
      'running as root, and there is no "postgres" user to own the chaos run\'s PostgreSQL cluster (PostgreSQL refuses to run as root)',
    );
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}

async function logTail(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startPostgresCluster(log: (line: string) => void): Promise<PostgresCluster> {
  const bin = await postgresBinDir();
  const runAs = await postgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'flowthrough-chaos-pg-'));
  if (runAs) await chown(dir, runAs.uid, runAs.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'postgres.log');
  let destroyed = false;
  // A run that exits without its clean-up (a second signal) must not leave a server behind.
  const stopOnExit = (): void => {
    if (destroyed) return;
    destroyed = true;
    if (existsSync(join(data, 'postmaster.pid')))
      spawnSync(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '10', 'stop'], { stdio: 'ignore', ...(runAs ?? {}) });
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stopOnExit);
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    process.off('exit', stopOnExit);
    if (existsSync(join(data, 'postmaster.pid')))
      await run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', '-t', '30', 'stop'], runAs);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const init = await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      runAs,
    );
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.output.slice(-2_000)}`);
    const port = await freePort();
    // fsync off: the run restarts the server (fast shutdown, a clean checkpoint), never the machine.
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off`;
    const start = await run(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', options, '-w', '-t', '60', 'start'], runAs);
    if (start.code !== 0) throw new Error(`pg_ctl start failed:\n${start.output.slice(-2_000)}\n${await logTail(logFile)}`);
    log(`postgres   own cluster on 127.0.0.1:${port} (${bin}, data ${data})`);
    return {
      port,
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      dir,
      logFile,
      restart: async () => {
        if (destroyed) throw new Error('the PostgreSQL cluster was removed; not restarting it');
        const started = performance.now();
        // pg_ctl restart reuses the options the server was started with (postmaster.opts).
        const restart = await run(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-m', 'fast', '-w', '-t', '60', 'restart'], runAs);
        if (restart.code !== 0) throw new Error(`pg_ctl restart failed:\n${restart.output.slice(-2_000)}\n${await logTail(logFile)}`);
        return performance.now() - started;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
