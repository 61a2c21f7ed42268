import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Partitioners, type Producer } from 'kafkajs';
import { createOrderValidator } from '../../../contracts/order-validator.js';
import { ORDER_EVENT_TYPE, parseOrderRecord, type OrderValidator } from '../../../core/order/index.js';
import type { Config } from '../../../platform/config/load-config.js';
import { createKafka } from '../../../platform/kafka/client.js';
import type { Logger } from '../../../platform/logging/logger.js';
import { printError, printLine } from '../output.js';
import { PUBLISH_USAGE } from '../usage.js';
import { missingTopicLine, topicExists } from './topic-exists.js';

export { PUBLISH_USAGE };

export interface PublishIo {
  readonly print?: (line: string) => void;
  readonly printError?: (line: string) => void;
  /** What "-" reads: the process' standard input by default. */
  readonly readStdin?: () => Promise<string>;
}

/** One order ready to send: where it came from, its record and its id. */
interface Outgoing {
  readonly origin: string;
  readonly orderId: string;
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: string;
}

interface Refused {
  readonly origin: string;
  readonly orderId?: string;
  readonly problem: string;
}

export interface Published {
  readonly orderId: string;
  readonly origin: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}

/**
 * A record as examples/*.json hold it ({headers, key, value}), or the order
 * data alone, to which the CloudEvents binary-mode headers are added.
 */
function recordOf(entry: unknown): { headers: Record<string, string>; value: string } {
  if (isObject(entry) && isObject(entry.headers) && 'value' in entry) {
    const headers: Record<string, string> = {};
    for (const [name, v] of Object.entries(entry.headers)) headers[name] = typeof v === 'string' ? v : JSON.stringify(v);
    return { headers, value: typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value) };
  }
  return {
    headers: {
      ce_specversion: '1.0',
      ce_id: randomUUID(),
      ce_source: 'urn:flowthrough:cli:publish',
      ce_type: ORDER_EVENT_TYPE,
      'content-type': 'application/json',
    },
    value: JSON.stringify(entry),
  };
}

/** Validates one entry as the intake would; the order to send, or its problem. */
function check(origin: string, entry: unknown, validator: OrderValidator, config: Config): Outgoing | Refused {
  const { headers, value } = recordOf(entry);
  const parsed = parseOrderRecord({ headers: new Map(Object.entries(headers)), value: Buffer.from(value, 'utf8') }, validator, {
    maxRecordBytes: config.intake.maxRecordBytes,
    maxJsonDepth: config.intake.maxJsonDepth,
    maxFutureSkewMs: config.intake.maxFutureSkewMs,
    now: Date.now(),
  });
  if (!parsed.ok) {
    const problems = parsed.violations.map((v) => `${v.code}${v.path ? ` at ${v.path}` : ''}: ${v.message}`);
    const shown = problems.slice(0, 3).join('; ') + (problems.length > 3 ? ` (+${problems.length - 3} more)` : '');
    return { origin, ...(parsed.orderId === undefined ? {} : { orderId: parsed.orderId }), problem: shown.replace(/\s+/g, ' ') };
  }
  return { origin, orderId: parsed.order.orderId, key: parsed.order.account, headers, value };
}

/** Every entry of every source: a file (or "-") holds one order or an array of them. */
async function collect(sources: readonly string[], io: PublishIo, validator: OrderValidator, config: Config) {
  const checked: (Outgoing | Refused)[] = [];
  for (const source of sources) {
    const name = source === '-' ? '<stdin>' : source;
    let entries: unknown[];
    try {
      const text = source === '-' ? await (io.readStdin ?? readStdin)() : await readFile(source, 'utf8');
      const json: unknown = JSON.parse(text);
      entries = Array.isArray(json) ? json : [json];
    } catch (error) {
      checked.push({ origin: name, problem: messageOf(error) });
      continue;
    }
    if (entries.length === 0) checked.push({ origin: name, problem: 'an empty array: no order to send' });
    for (const [i, entry] of entries.entries())
      checked.push(check(entries.length === 1 ? name : `${name}[${i}]`, entry, validator, config));
  }
  return checked;
}

/** Sends the orders one at a time, in the given order, telling where each landed as it lands. */
async function send(producer: Producer, topic: string, orders: readonly Outgoing[], onSent: (p: Published) => void): Promise<void> {
  for (const order of orders) {
    const [meta] = await producer.send({ topic, messages: [{ key: order.key, headers: order.headers, value: order.value }] });
    onSent({
      orderId: order.orderId,
      origin: order.origin,
      topic,
      partition: meta?.partition ?? -1,
      offset: meta?.baseOffset ?? meta?.offset ?? '?',
    });
  }
}

/**
 * `flowthrough publish <file.json|->… [--json]`: validates every order as the
 * intake does, reports the invalid ones (not sent), sends the others to
 * ORDERS_TOPIC and prints where each landed. Exit 1 when any was invalid.
 */
export async function publishCommand(args: readonly string[], config: Config, logger: Logger, io: PublishIo = {}): Promise<number> {
  const print = io.print ?? printLine;
  const fail = io.printError ?? printError;
  let values: { json?: boolean | undefined };
  let sources: string[];
  try {
    ({ values, positionals: sources } = parseArgs({
      args: [...args],
      options: { json: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    fail(`flowthrough publish: ${messageOf(error)} (flowthrough publish --help)`);
    return 2;
  }
  if (sources.length === 0) {
    fail('flowthrough publish: name at least one order file, or - for standard input (flowthrough publish --help)');
    return 2;
  }
  const checked = await collect(sources, io, createOrderValidator(), config);
  const refused = checked.filter((c): c is Refused => 'problem' in c);
  const valid = checked.filter((c): c is Outgoing => !('problem' in c));
  for (const r of refused) {
    if (values.json) print(JSON.stringify({ sent: false, file: r.origin, orderId: r.orderId ?? null, problem: r.problem }));
    else fail(`flowthrough publish: ${r.origin}${r.orderId ? ` (${r.orderId})` : ''}: not sent: ${r.problem}`);
  }
  if (valid.length > 0) {
    if (!(await topicExists(config, logger, config.topics.orders))) {
      fail(missingTopicLine('publish', config.topics.orders, 'ORDERS_TOPIC', config.kafka.brokers));
      return 1;
    }
    // The Java client's partitioner (murmur2 of the key), as a BSS producer would use: one account, one partition.
    const producer = createKafka(config, logger, '-publish').producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      await send(producer, config.topics.orders, valid, (p) => {
        if (values.json)
          print(
            JSON.stringify({ sent: true, file: p.origin, orderId: p.orderId, topic: p.topic, partition: p.partition, offset: p.offset }),
          );
        else print(`${p.orderId} → ${p.topic} partition ${p.partition} offset ${p.offset}`);
      });
    } finally {
      await producer.disconnect();
    }
  }
  return refused.length > 0 ? 1 : 0;
}
