import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commitAsEmptyGroup } from '../../../src/platform/kafka/offset-admin.js';
import {
  connectedProducer,
  createTestDatabase,
  createTopics,
  kafkaBrokers,
  onCleanup,
  randomName,
  testKafka,
} from '../../support/test-context.js';
import { runCli } from '../../support/run-cli.js';

/**
 * `flowthrough offsets show|reset` as an operator runs it (a child process),
 * on stored offsets written here by hand: no worker runs, so the group has no
 * member and a reset commits to Kafka as well.
 */

const { pool, url } = await createTestDatabase();
const kafka = testKafka();
const producer = await connectedProducer(kafka);
const admin = kafka.admin();
await admin.connect();
onCleanup(() => admin.disconnect());

const T0 = Date.parse('2026-11-29T10:00:00Z');

/** A three-partition orders topic: 4 records on partition 0 (a minute apart), 2 on 1, none on 2. */
async function setUp(): Promise<{ topic: string; groupId: string; env: Record<string, string> }> {
  const [topic] = await createTopics(['offsets.cli'], 3);
  const groupId = randomName('group');
  await producer.send({
    topic: topic!,
    messages: [
      ...[0, 1, 2, 3].map((i) => ({ partition: 0, value: `p0-${i}`, timestamp: String(T0 + i * 60_000) })),
      ...[0, 1].map((i) => ({ partition: 1, value: `p1-${i}`, timestamp: String(T0) })),
    ],
  });
  // Partition 0: applied up to 2, Kafka agrees. Partition 1: beyond its log. Partition 2: stopped by the intake.
  await pool.query(
    `INSERT INTO consumer_offsets (group_id, topic, partition, next_offset, stopped_reason, stopped_detail, stopped_at)
     VALUES ($1, $2, 0, 2, NULL, NULL, NULL), ($1, $2, 1, 7, NULL, NULL, NULL),
            ($1, $2, 2, 0, 'different_record', 'the record at offset 4 is not the one applied there', '2026-12-01T08:00:00Z')`,
    [groupId, topic],
  );
  assert.ok(await commitAsEmptyGroup(kafka, admin, groupId, topic!, new Map([[0, 2n]])));
  return {
    topic: topic!,
    groupId,
    env: { DATABASE_URL: url, KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_GROUP_ID: groupId, ORDERS_TOPIC: topic!, LOG_LEVEL: 'error' },
  };
}

async function rows(groupId: string, topic: string) {
  const { rows: found } = await pool.query<{
    partition: number;
    next_offset: string;
    stopped_reason: string | null;
    reset_pending: boolean;
    reset_to: string | null;
    reset_by: string | null;
  }>(
    'SELECT partition, next_offset::text AS next_offset, stopped_reason, reset_pending, reset_to, reset_by FROM consumer_offsets WHERE group_id = $1 AND topic = $2 ORDER BY partition',
    [groupId, topic],
  );
  return found;
}

async function committed(groupId: string, topic: string): Promise<Record<number, string>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
}

describe('flowthrough offsets', () => {
  it('show --json: per partition the stored and committed offsets, the log, the lag and the problem; exit 3 with a problem', async () => {
    const { topic, groupId, env } = await setUp();
    const result = await runCli(['offsets', 'show', '--json'], env);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /^flowthrough offsets: Kafka \S+, PostgreSQL \S+\n$/, 'only the line naming the services');
    assert.deepEqual(JSON.parse(result.stdout), {
      group: groupId,
      topic,
      topicExists: true,
      groupState: 'Empty',
      members: 0,
      partitions: [
        { partition: 0, stored: 2, committed: 2, logStart: 0, logEnd: 4, lag: 2, problem: null, lastReset: null },
        {
          partition: 1,
          stored: 7,
          committed: null,
          logStart: 0,
          logEnd: 2,
          lag: 0,
          problem: {
            code: 'beyond_log_end',
            detail:
              'stored offset 7 is beyond the log end 2: the topic was recreated or the cluster replaced (offsets started again), or records were lost',
            stopped: false,
            since: null,
          },
          lastReset: null,
        },
        {
          partition: 2,
          stored: 0,
          committed: null,
          logStart: 0,
          logEnd: 0,
          lag: 0,
          problem: {
            code: 'different_record',
            detail: 'the record at offset 4 is not the one applied there',
            stopped: true,
            since: '2026-12-01T08:00:00.000Z',
          },
          lastReset: null,
        },
      ],
    });

    const text = await runCli(['offsets', 'show'], env);
    assert.equal(text.code, 3);
    assert.match(text.stdout, /^group .* \(Empty, 0 members\), topic /);
    assert.match(text.stdout, /partition 2: different_record \(stopped by the intake since 2026-12-01T08:00:00.000Z\)/);
    assert.match(text.stdout, /flowthrough offsets reset --partition N --to earliest\|latest\|<offset>\|<time>/);
  });

  it('reset refuses without a terminal and without --yes; --dry-run prints the change and makes none', async () => {
    const { topic, groupId, env } = await setUp();
    const before = await rows(groupId, topic);
    const refused = await runCli(['offsets', 'reset', '--to', 'earliest'], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /refusing to reset without --yes: there is no terminal/);
    assert.equal(refused.stdout, '');

    const dry = await runCli(['offsets', 'reset', '--to', 'latest', '--dry-run'], env);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /reset to latest/);
    assert.match(dry.stdout, /\n0 +2 +2 +0…4 +4 +never applies offsets 2…3 \(2 offsets skipped\)/);
    assert.match(dry.stdout, /\n2 +0 +- +0…0 +0 +no change +STOPPED different_record/);
    assert.match(dry.stdout, /dry run: nothing changed/);
    assert.deepEqual(await rows(groupId, topic), before);
    assert.deepEqual(await committed(groupId, topic), { 0: '2', 1: '-1', 2: '-1' });

    const help = await runCli(['offsets', 'reset', '--to', 'earliest', '--yes', '--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: flowthrough offsets <show\|reset>/);
    assert.deepEqual(await rows(groupId, topic), before, '--help changed nothing');
  });

  it("reset --yes sets the stored offsets (stop lifted, reset marked) and, the group being empty, Kafka's; by offset, by time, refused outside the log", async () => {
    const { topic, groupId, env } = await setUp();
    const outside = await runCli(['offsets', 'reset', '--to', '9', '--partition', '0', '--yes'], env);
    assert.equal(outside.code, 1);
    assert.match(outside.stderr, /offset_outside_log: offset 9 is outside partition 0's log \[0, 4\]/);

    const byOffset = await runCli(['offsets', 'reset', '--to', '1', '--partition', '0', '--yes', '--by', 'ops-anna'], env);
    assert.equal(byOffset.code, 0, byOffset.stderr);
    assert.match(byOffset.stdout, /reads offsets 1…1 again/);
    assert.match(byOffset.stdout, /Kafka's committed offsets for group .* set to the same/);

    // The first record at or after 10:01:30 on partition 0 is offset 2; partition 1 has none (its log end); partition 2 is empty.
    const byTime = await runCli(
      ['offsets', 'reset', '--to', '2026-11-29T10:01:30Z', '--partition', '1,2', '--yes', '--by', 'ops-anna'],
      env,
    );
    assert.equal(byTime.code, 0, byTime.stderr);
    const all = await runCli(['offsets', 'reset', '--to', '2026-11-29T10:01:30Z', '--partition', '0', '--yes', '--by', 'ops-anna'], env);
    assert.equal(all.code, 0, all.stderr);

    assert.deepEqual(
      (await rows(groupId, topic)).map((r) => [r.partition, r.next_offset, r.stopped_reason, r.reset_pending, r.reset_to, r.reset_by]),
      [
        [0, '2', null, true, 'time 2026-11-29T10:01:30.000Z', 'ops-anna'],
        [1, '2', null, true, 'time 2026-11-29T10:01:30.000Z', 'ops-anna'],
        [2, '0', null, true, 'time 2026-11-29T10:01:30.000Z', 'ops-anna'],
      ],
    );
    assert.deepEqual(await committed(groupId, topic), { 0: '2', 1: '2', 2: '0' });
    const show = JSON.parse((await runCli(['offsets', 'show', '--json'], env)).stdout) as {
      partitions: Array<{ problem: unknown; lastReset: { at: string; to: string; by: string; pending: boolean } }>;
    };
    assert.deepEqual(
      show.partitions.map((p) => p.problem),
      [null, null, null],
    );
    assert.deepEqual(show.partitions[2]?.lastReset, {
      at: show.partitions[2]?.lastReset.at,
      to: 'time 2026-11-29T10:01:30.000Z',
      by: 'ops-anna',
      pending: true,
    });
  });
});
