import type { Admin, Kafka } from 'kafkajs';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../../src/platform/config/load-config.js';
import { createKafka } from '../../../src/platform/kafka/client.js';
import { createLogger, type Logger } from '../../../src/platform/logging/logger.js';
import {
  createBenchDatabase,
  createTopics,
  deleteTopics,
  randomName,
  randomTopicName,
  startBenchServices,
  type BenchDatabase,
  type BenchServices,
  type Log,
} from './services.js';

/**
 * What a scenario gets: the real services, a Kafka client configured like the
 * worker's, and factories for run-scoped resources (databases, topics, group
 * ids) that are all removed when the run ends, whether it succeeds or not.
 */
export interface BenchContext {
  /** Human-readable progress, to stderr. */
  readonly log: Log;
  /** pino to stderr, for kafkajs and the code under test. */
  readonly logger: Logger;
  readonly services: BenchServices;
  /** A kafkajs client built by the worker's own createKafka(). */
  readonly kafka: Kafka;
  readonly admin: Admin;
  /** The worker's Config for this run's services; pass DATABASE_URL, ORDERS_TOPIC, … as overrides. */
  config(overrides?: Readonly<Record<string, string>>): Config;
  /** The environment config() loads: for code under test that runs in a process of its own. */
  configEnv(overrides?: Readonly<Record<string, string>>): Readonly<Record<string, string | undefined>>;
  /** A fresh database, migrated; dropped at the end of the run. */
  createDatabase(): Promise<BenchDatabase>;
  /** Topics with random names (`bench.<prefix>.<hex>`), one per prefix; deleted at the end of the run. */
  createTopics(prefixes: readonly string[], partitions: number): Promise<string[]>;
  /** Deletes run topics early (to free the broker between repeats). */
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** A random consumer group id; the group is deleted at the end of the run. */
  groupId(prefix: string): string;
  /** Registers a cleanup; cleanups run in reverse order at the end. */
  defer(label: string, cleanup: () => Promise<unknown> | unknown): void;
}

export interface OpenedContext {
  readonly context: BenchContext;
  /** Runs every cleanup (reverse order, each failure logged, none skipped). Idempotent. */
  close(): Promise<void>;
}

export async function openBenchContext(
  env: Readonly<Record<string, string | undefined>>,
  log: Log,
  logLevel: string,
): Promise<OpenedContext> {
  const cleanups: Array<{ label: string; run: () => Promise<unknown> | unknown }> = [];
  const defer = (label: string, run: () => Promise<unknown> | unknown): void => void cleanups.push({ label, run });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      for (const { label, run } of cleanups.reverse()) {
        try {
          await run();
        } catch (error) {
          log(`cleanup "${label}" failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })());

  try {
    const services = await startBenchServices(env, log);
    defer('stop services started by this run', () => services.stop());
    const logger = createLogger({ level: logLevel, name: 'flowthrough-bench', destination: pino.destination({ dest: 2, sync: true }) });
    const baseEnv: Record<string, string | undefined> = {
      ...env,
      KAFKA_BROKERS: services.kafkaBrokers.join(','),
      DATABASE_URL: services.databaseUrl,
      KAFKA_CLIENT_ID: 'flowthrough-bench',
      LOG_LEVEL: logLevel,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
    };
    const configEnv = (overrides: Readonly<Record<string, string>> = {}): Record<string, string | undefined> => ({
      ...baseEnv,
      ...overrides,
    });
    const config = (overrides: Readonly<Record<string, string>> = {}): Config => loadConfig(configEnv(overrides));
    const kafka = createKafka(config(), logger);
    const admin = kafka.admin();
    await admin.connect();
    defer('disconnect the admin client', () => admin.disconnect());

    const topics = new Set<string>();
    const groups = new Set<string>();
    defer('delete run consumer groups', async () => {
      if (groups.size > 0) await admin.deleteGroups([...groups]);
    });
    defer('delete run topics', async () => {
      if (topics.size === 0) return;
      await deleteTopics(admin, [...topics]);
      log(`deleted topics ${[...topics].join(', ')}`);
    });

    const context: BenchContext = {
      log,
      logger,
      services,
      kafka,
      admin,
      config,
      configEnv,
      defer,
      createDatabase: async () => {
        const database = await createBenchDatabase(services.databaseUrl, log);
        defer(`drop database ${database.name}`, () => database.drop());
        return database;
      },
      createTopics: async (prefixes, partitions) => {
        const names = prefixes.map(randomTopicName);
        for (const name of names) topics.add(name);
        await createTopics(admin, names, partitions);
        return names;
      },
      deleteTopics: async (names) => {
        await deleteTopics(admin, names);
        for (const name of names) topics.delete(name);
      },
      groupId: (prefix) => {
        const id = randomName(`bench-${prefix}`);
        groups.add(id);
        return id;
      },
    };
    return { context, close };
  } catch (error) {
    await close();
    throw error;
  }
}
