import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { Consumer } from 'kafkajs';
import { formatStatusLine, parseStatusEvent, RESEND_REJECTED_EVENT_TYPE, type StatusEvent } from '../../../core/status/index.js';
import type { Config } from '../../../platform/config/load-config.js';
import { createKafka } from '../../../platform/kafka/client.js';
import type { Logger } from '../../../platform/logging/logger.js';
import { printError, printLine } from '../output.js';
import { STATUS_USAGE } from '../usage.js';
import { missingTopicLine, topicExists } from './topic-exists.js';

export { STATUS_USAGE };

export interface StatusIo {
  readonly print?: (line: string) => void;
  readonly printError?: (line: string) => void;
  /** Ends --follow like SIGINT does (tests, the demo). */
  readonly signal?: AbortSignal;
  /** Whether SIGINT and SIGTERM end it (default true); the demo handles its own signals. */
  readonly handleSignals?: boolean;
  /** Each event that passes the filters, after its line is printed (the demo reacts to them). */
  readonly onEvent?: (event: StatusEvent) => void;
  /** Called once the consumer reads the topic (its partitions are assigned). */
  readonly onReady?: () => void;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/** The line of one event: the formatter's, marked when the event is a rejected resend (not a state change). */
export function statusEventLine(event: StatusEvent): string {
  const line = formatStatusLine(event.data);
  return event.type === RESEND_REJECTED_EVENT_TYPE ? `${line}  (a rejected resend: the accepted order is unaffected)` : line;
}

/** Until SIGINT/SIGTERM or the given signal: then resolves (exit 0). */
function stopRequested(signal: AbortSignal | undefined, handleSignals: boolean): { done: Promise<void>; dispose: () => void } {
  let resolve: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolve = r));
  const onSignal = (): void => resolve();
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  signal?.addEventListener('abort', onSignal, { once: true });
  if (signal?.aborted) resolve();
  return {
    done,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signal?.removeEventListener('abort', onSignal);
    },
  };
}

/**
 * `flowthrough status [--follow] [--from-beginning] [--order ID] [--account NAME] [--json]`:
 * the status events of STATUS_TOPIC, one line (or one JSON object) each. With
 * --follow it reads from the latest offset (or the beginning) until SIGINT;
 * without, it prints what the topic holds up to its current end and exits.
 */
export async function statusCommand(args: readonly string[], config: Config, logger: Logger, io: StatusIo = {}): Promise<number> {
  const print = io.print ?? printLine;
  const fail = io.printError ?? printError;
  let values: { follow?: boolean; 'from-beginning'?: boolean; order?: string; account?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        follow: { type: 'boolean', short: 'f' },
        'from-beginning': { type: 'boolean' },
        order: { type: 'string' },
        account: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`flowthrough status: ${messageOf(error)} (flowthrough status --help)`);
    return 2;
  }
  const topic = config.topics.status;
  const follow = values.follow === true;
  const kafka = createKafka(config, logger, '-status');
  if (!(await topicExists(config, logger, topic))) {
    fail(missingTopicLine('status', topic, 'STATUS_TOPIC', config.kafka.brokers));
    return 1;
  }

  // Without --follow: the end of each partition now is where reading stops.
  const remaining = new Map<number, bigint>();
  if (!follow) {
    const admin = kafka.admin();
    await admin.connect();
    try {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) remaining.set(p.partition, BigInt(p.high));
      }
    } finally {
      await admin.disconnect();
    }
    if (remaining.size === 0) return 0;
  }

  const show = (event: StatusEvent, partition: number, offset: string): void => {
    if (values.order !== undefined && event.data.orderId !== values.order) return;
    if (values.account !== undefined && event.data.account !== values.account) return;
    if (values.json)
      print(JSON.stringify({ id: event.id, type: event.type, time: event.time ?? null, partition, offset, data: event.data }));
    else print(statusEventLine(event));
    io.onEvent?.(event);
  };

  const stop = stopRequested(io.signal, io.handleSignals !== false);
  let reachedEnd: () => void = () => undefined;
  const atEnd = new Promise<void>((resolve) => (reachedEnd = resolve));
  const consumer: Consumer = kafka.consumer({ groupId: `flowthrough-status-${randomUUID()}` });
  consumer.on(consumer.events.GROUP_JOIN, () => io.onReady?.());
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: !follow || values['from-beginning'] === true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        try {
          show(parseStatusEvent(message.headers ?? {}, message.value), partition, message.offset);
        } catch (error) {
          fail(`flowthrough status: skipped the record at partition ${partition} offset ${message.offset}: ${messageOf(error)}`);
        }
        const end = remaining.get(partition);
        if (end !== undefined && BigInt(message.offset) + 1n >= end) {
          remaining.delete(partition);
          if (remaining.size === 0) reachedEnd();
        }
      },
    });
    await Promise.race(follow ? [stop.done] : [stop.done, atEnd]);
  } finally {
    stop.dispose();
    await consumer.disconnect().catch(() => undefined);
  }
  return 0;
}
