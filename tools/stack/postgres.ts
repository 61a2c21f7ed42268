import pg from 'pg';
import { runCommand, commandExists } from './run-command.js';

export interface PostgresProbe {
  readonly answers: boolean;
  readonly version?: string;
  readonly error?: string;
}

export async function probePostgres(url: string): Promise<PostgresProbe> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return { answers: true, version: rows[0]?.server_version ?? 'unknown' };
  } catch (error) {
    return { answers: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface LocalCluster {
  readonly version: string;
  readonly name: string;
  readonly port: number;
  readonly status: string;
}

/** Debian's pg_lsclusters, when installed: the local clusters and whether they run. */
export async function localClusters(): Promise<LocalCluster[]> {
  if (!(await commandExists('pg_lsclusters'))) return [];
  const result = await runCommand('pg_lsclusters', ['--no-header']);
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([version, name, port, status]) => ({ version: version ?? '', name: name ?? '', port: Number(port), status: status ?? '' }));
}

export async function startCluster(cluster: LocalCluster): Promise<{ ok: boolean; output: string }> {
  const result = await runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'start']);
  return { ok: result.code === 0, output: result.stdout + result.stderr };
}

export async function stopCluster(cluster: Pick<LocalCluster, 'version' | 'name'>): Promise<{ ok: boolean; output: string }> {
  const result = await runCommand('pg_ctlcluster', ['--skip-systemctl-redirect', cluster.version, cluster.name, 'stop']);
  return { ok: result.code === 0, output: result.stdout + result.stderr };
}
