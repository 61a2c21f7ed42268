import type { Admin, Kafka } from 'kafkajs';
import { PermanentError } from '../../core/errors.js';

async function withAdmin<T>(kafka: Kafka, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

async function missingTopics(admin: Admin, topics: readonly string[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  return topics.filter((t) => !existing.has(t));
}

/** Creates the topics that do not exist yet (development convenience; a no-op for existing ones). */
export function ensureTopics(kafka: Kafka, topics: readonly string[], partitions: number): Promise<string[]> {
  return withAdmin(kafka, async (admin) => {
    const missing = await missingTopics(admin, topics);
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
    }
    return missing;
  });
}

/** Fails with a clear message when a topic the worker needs does not exist. */
export function assertTopicsExist(kafka: Kafka, topics: readonly string[]): Promise<void> {
  return withAdmin(kafka, async (admin) => {
    const missing = await missingTopics(admin, topics);
    if (missing.length > 0) {
      throw new PermanentError(
        'topics_missing',
        `topic(s) ${missing.join(', ')} do not exist: create them (see README, topic sizing) or set KAFKA_CREATE_TOPICS=true`,
      );
    }
  });
}
