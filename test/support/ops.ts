import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { OpsIo } from '../../src/ops/index.js';
import { createTestDatabase } from './test-context.js';

/** A test database of this file's own; the template carries migration 000004 (dead_letter_replays). */
export async function createOpsDatabase(): Promise<{ url: string; pool: pg.Pool; name: string }> {
  const db = await createTestDatabase();
  const { rows } = await db.pool.query<{ present: boolean }>(`SELECT to_regclass('dead_letter_replays') IS NOT NULL AS present`);
  if (!rows[0]?.present)
    throw new Error('the test template lacks dead_letter_replays: is migrations/000004_dead_letter_replays.sql there?');
  return db;
}

/** An OpsIo whose output is kept for assertions. */
export function captureIo(
  options: { tty?: boolean; now?: () => Date; user?: string } = {},
): OpsIo & { out: () => string; err: () => string; lines: () => string[] } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t), isTTY: options.tty === true },
    stderr: { write: (t: string) => (err += t) },
    ...(options.now ? { now: options.now } : {}),
    user: options.user ?? 'test-operator',
    out: () => out,
    err: () => err,
    lines: () => out.split('\n').filter((l) => l.length > 0),
  };
}

/** The sum of the topic's high watermarks: grows by one per record produced. */
export async function topicEnd(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((t, p) => t + Number(p.high), 0);
  } finally {
    await admin.disconnect();
  }
}
