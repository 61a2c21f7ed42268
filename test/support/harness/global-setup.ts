import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../../src/platform/db/migrator.js';
import { startServices, type RunningServices } from './start-services.js';

let services: RunningServices | undefined;
let templateDb: string | undefined;

const log = (line: string): void => void process.stderr.write(`[global-setup] ${line}\n`);

/**
 * Starts (or finds) Kafka and PostgreSQL once for the whole run and migrates
 * a template database that each test file clones into its own database.
 */
export async function globalSetup(): Promise<void> {
  services = await startServices(process.env, log);
  templateDb = `flowthrough_tmpl_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: services.databaseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${templateDb}`);
  } finally {
    await admin.end();
  }
  const url = new URL(services.databaseUrl);
  url.pathname = `/${templateDb}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  process.env.KAFKA_BROKERS = services.kafkaBrokers;
  process.env.DATABASE_URL = services.databaseUrl;
  process.env.FLOWTHROUGH_TEST_TEMPLATE_DB = templateDb;
}

export async function globalTeardown(): Promise<void> {
  if (services && templateDb) {
    const admin = new pg.Client({ connectionString: services.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
  await services?.stop();
}
