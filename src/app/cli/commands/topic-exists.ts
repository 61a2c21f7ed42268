import type { Config } from '../../../platform/config/load-config.js';
import { createProbeKafka } from '../../../platform/kafka/client.js';
import type { Logger } from '../../../platform/logging/logger.js';

/**
 * Whether the topic exists, asked once with few retries: kafkajs would otherwise
 * retry a send to (or a read of) a missing topic, or an unreachable broker, for a
 * minute and more before failing.
 */
export async function topicExists(config: Pick<Config, 'kafka'>, logger: Logger, topic: string): Promise<boolean> {
  const admin = createProbeKafka(config, logger).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).includes(topic);
  } finally {
    await admin.disconnect();
  }
}

/** The one line for a missing topic, naming its setting. */
export function missingTopicLine(command: string, topic: string, variable: string, brokers: readonly string[]): string {
  return `flowthrough ${command}: topic ${topic} (${variable}) does not exist on ${brokers.join(',')}: start the worker with KAFKA_CREATE_TOPICS=true once, or create the topic`;
}
