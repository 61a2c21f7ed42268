import type { Kafka } from 'kafkajs';
import { PermanentError } from '../errors.js';

/** Creates the topics that do not exist yet (development convenience; a no-op for existing ones). */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], partitions: number): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions })), waitForLeaders: true });
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}

/** Fails with a clear message when a topic the worker needs does not exist. */
export async function assertTopicsExist(kafka: Kafka, topics: readonly string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) {
      throw new PermanentError('topics_missing', `topic(s) ${missing.join(', ')} do not exist: create them (see README, topic sizing) or set KAFKA_CREATE_TOPICS=true`);
    }
  } finally {
    await admin.disconnect();
  }
}
