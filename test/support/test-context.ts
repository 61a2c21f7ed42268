import { Writable } from 'node:stream';
import { after } from 'node:test';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import pg from 'pg';
import { loadConfig, type Config } from '../../src/platform/config/load-config.js';
import { createLogger, type Logger } from '../../src/platform/logging/logger.js';
import type { Secret } from '../../src/platform/config/secret.js';
import { databaseUrlFor as serverDatabaseUrl, randomName } from '../../tools/shared/names.js';

export { randomName };

const cleanups: Array<() => Promise<unknown>> = [];
let flushRegistered = false;

/**
 * Registers cleanup that runs in reverse order of registration (the worker
 * stops before its database is dropped), when the current test ends — or the
 * file, when called at module scope.
 */
export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
  if (flushRegistered) return;
  flushRegistered = true;
  after(async () => {
    flushRegistered = false;
    while (cleanups.length > 0) await cleanups.pop()?.();
  });
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through "npm test" (its global setup starts the services)`);
  return value;
}

export function databaseUrlFor(database: string): string {
  return serverDatabaseUrl(requireEnv('DATABASE_URL'), database);
}

/**
 * A pool for tests. Its clients may still be closing when the test's cleanup
 * drops the database WITH (FORCE); the server's termination notice then
 * arrives on an ended client, which is expected, not a failure.
 */
export function openPool(url: string, max = 5): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => undefined);
  return pool;
}

/**
 * A database of this test file's own, cloned from the migrated template, dropped at the end.
 * Call it at module scope or inside a test (not in a before() hook: node:test runs cleanup
 * registered there as soon as the hook ends).
 */
export async function createTestDatabase(): Promise<{ url: string; pool: pg.Pool; name: string }> {
  const name = randomName('flowthrough_test');
  const admin = new pg.Client({ connectionString: requireEnv('DATABASE_URL') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${requireEnv('FLOWTHROUGH_TEST_TEMPLATE_DB')}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrlFor(name);
  const pool = openPool(url);
  onCleanup(async () => {
    await pool.end();
    const dropper = new pg.Client({ connectionString: requireEnv('DATABASE_URL') });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  return { url, pool, name };
}

/** An empty database (not migrated), for migrator tests. */
export async function createEmptyDatabase(): Promise<{ url: string; name: string }> {
  const name = randomName('flowthrough_empty');
  const admin = new pg.Client({ connectionString: requireEnv('DATABASE_URL') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  onCleanup(async () => {
    const dropper = new pg.Client({ connectionString: requireEnv('DATABASE_URL') });
    await dropper.connect();
    try {
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await dropper.end();
    }
  });
  return { url: databaseUrlFor(name), name };
}

export function kafkaBrokers(): string[] {
  return requireEnv('KAFKA_BROKERS').split(',');
}

export function testKafka(clientId = randomName('test')): Kafka {
  return new Kafka({ clientId, brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
}

/** A connected producer, disconnected when the file (or test) ends. */
export async function connectedProducer(kafka: Kafka = testKafka()): Promise<Producer> {
  const producer = kafka.producer();
  await producer.connect();
  onCleanup(() => producer.disconnect());
  return producer;
}

/** Creates topics with random names and deletes them when the file ends. */
export async function createTopics(prefixes: readonly string[], partitions = 3): Promise<string[]> {
  const names = prefixes.map((p) => randomName(p).replaceAll('_', '.'));
  const admin: Admin = testKafka().admin();
  await admin.connect();
  await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
  onCleanup(async () => {
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });
  return names;
}

/** A Config for tests: the harness' services plus the overrides given. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    DATABASE_URL: requireEnv('DATABASE_URL'),
    LOG_LEVEL: 'silent',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    ...overrides,
  });
}

/** A logger whose lines are kept in memory, for assertions on what was logged. */
export function capturingLogger(options: { level?: string; secrets?: readonly (Secret | string)[] } = {}): {
  logger: Logger;
  lines: string[];
} {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(
        ...chunk
          .toString()
          .split('\n')
          .filter((l) => l.length > 0),
      );
      callback();
    },
  });
  const logger = createLogger({ level: options.level ?? 'trace', secrets: options.secrets ?? [], destination });
  return { logger, lines };
}

export function silentLogger(): Logger {
  return createLogger({ level: 'silent' });
}
