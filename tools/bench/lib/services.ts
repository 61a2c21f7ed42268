import type { Admin } from 'kafkajs';
import pg from 'pg';
import { loadStackConfig } from '../../stack/stack-config.js';
import { migrate } from '../../../src/platform/db/migrator.js';
import { redactUrl, stackDown, stackUp } from '../../stack/stack.js';
import { databaseUrlFor, randomName } from '../../shared/names.js';

export { databaseUrlFor, randomName };

export type Log = (line: string) => void;

/** Where the benchmark's Kafka and PostgreSQL come from, and how to stop what it started. */
export interface BenchServices {
  readonly kafkaBrokers: readonly string[];
  /** The server's administrative database URL (bench databases are created next to it). */
  readonly databaseUrl: string;
  readonly kafkaSource: 'environment' | 'launcher';
  readonly postgresSource: 'environment' | 'launcher';
  /** Stops only what this run started. */
  stop(): Promise<void>;
}

/**
 * KAFKA_BROKERS / DATABASE_URL from the environment when given; otherwise the
 * project's launcher (`npm run stack -- up`), which is a no-op for what
 * already runs. Real services only: a benchmark against a mock measures nothing.
 */
export async function startBenchServices(env: Readonly<Record<string, string | undefined>>, log: Log): Promise<BenchServices> {
  const givenBrokers = env.KAFKA_BROKERS?.trim();
  const givenDatabase = env.DATABASE_URL?.trim();
  if (givenBrokers) {
    const databaseUrl = givenDatabase || loadStackConfig(env).databaseUrl;
    log(
      `services: kafka ${givenBrokers} (KAFKA_BROKERS), postgres ${redactUrl(databaseUrl)} (${givenDatabase ? 'DATABASE_URL' : 'default'})`,
    );
    return {
      kafkaBrokers: givenBrokers
        .split(',')
        .map((b) => b.trim())
        .filter((b) => b.length > 0),
      databaseUrl,
      kafkaSource: 'environment',
      postgresSource: givenDatabase ? 'environment' : 'launcher',
      stop: async () => undefined,
    };
  }
  const stackConfig = loadStackConfig(env);
  const up = await stackUp(stackConfig, log);
  log(
    `services: kafka ${up.kafkaBrokers} (launcher${up.startedKafka ? ', started by this run' : ', already running'}), postgres ${redactUrl(up.databaseUrl)}`,
  );
  return {
    kafkaBrokers: [up.kafkaBrokers],
    databaseUrl: up.databaseUrl,
    kafkaSource: 'launcher',
    postgresSource: givenDatabase ? 'environment' : 'launcher',
    stop: async () => {
      if (up.startedKafka || up.startedPostgres)
        await stackDown(stackConfig, log, { kafka: up.startedKafka, postgres: up.startedPostgres });
    },
  };
}

/** A fresh database of this run: created with a random name, migrated, dropped at the end. */
export interface BenchDatabase {
  readonly name: string;
  readonly url: string;
  /** A small pool for the harness' own queries (counts, resets); the code under test opens its own. */
  readonly pool: pg.Pool;
  /** Empties every table the migrations made (not the migration ledger), for the next repeat. */
  reset(): Promise<void>;
  drop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: 'flowthrough-bench' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const USER_TABLES = `
  SELECT quote_ident(tablename) AS name FROM pg_tables
   WHERE schemaname = 'public' AND tablename <> 'flowthrough_migrations'`;

export async function createBenchDatabase(adminUrl: string, log: Log): Promise<BenchDatabase> {
  const name = randomName('flowthrough_bench');
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = databaseUrlFor(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: 'flowthrough-bench' });
  // A client of this pool may still be idle when the drop terminates it; that is expected.
  pool.on('error', () => undefined);
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    await pool.end().catch(() => undefined);
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    log(`database ${name} dropped`);
  };
  try {
    const result = await migrate(pool);
    log(`database ${name} created, migrated to ${result.current}`);
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    name,
    url,
    pool,
    drop,
    reset: async () => {
      const { rows } = await pool.query<{ name: string }>(USER_TABLES);
      if (rows.length > 0) await pool.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} RESTART IDENTITY CASCADE`);
    },
  };
}

/** Topic names are dotted, lower case, random: `bench.orders.1a2b3c4d5e`. */
export function randomTopicName(prefix: string): string {
  return randomName(`bench.${prefix}`).replace('_', '.');
}

export async function createTopics(admin: Admin, topics: readonly string[], partitions: number): Promise<void> {
  await admin.createTopics({
    topics: topics.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: -1 })),
    waitForLeaders: true,
  });
}

export async function deleteTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  if (topics.length > 0) await admin.deleteTopics({ topics: [...topics], timeout: 30_000 });
}
