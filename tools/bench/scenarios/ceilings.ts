import { measureCeilingRound, type CeilingRound } from '../lib/ceiling-round.js';
import { topicExtent } from '../lib/offsets.js';
import { workloadCounts, workloadNumberRows, workloadRecords } from '../lib/order-generator.js';
import { benchProducer, publishRecords, type ProduceResult } from '../lib/producer.js';
import { prepareRawUpsertTable } from '../lib/raw-upsert.js';
import { startRssSampler } from '../lib/rss-sampler.js';
import type { Figures, Scenario } from '../lib/scenario.js';
import { BYTES_PER_MB, median, ratio, relativeSpread, round, runsFigure } from '../lib/stats.js';
import { assertWorkloadAccepted } from '../lib/workload-check.js';
import { describeSpec, readWorkloadSettings, WORKLOAD_OPTIONS } from '../lib/workload-options.js';

/**
 * The raw ceilings alone, on the intake's workload: a bare produce, a bare
 * kafkajs consume→produce pipe (and consume→commit alone), a bare batched
 * PostgreSQL upsert on 1 and on `concurrency` connections, each
 * measured `repeats` times in this run; the figures are medians.
 */
export const ceilings: Scenario = {
  name: 'ceilings',
  description:
    'raw ceilings on the intake workload: bare produce, bare kafkajs consume→produce pipe and consume→commit, bare batched Postgres upsert',
  options: WORKLOAD_OPTIONS,
  async run(context, options) {
    const settings = readWorkloadSettings(options);
    const { spec, repeats } = settings;
    const counts = workloadCounts(spec);
    assertWorkloadAccepted(spec);
    context.log(`workload: ${describeSpec(spec)}; ${settings.partitions} partitions, ${repeats} repeats`);
    const rss = startRssSampler();
    const database = await context.createDatabase();
    await prepareRawUpsertTable(database.pool);

    // Generated up front so the produce clock times the producer, not JSON.stringify.
    const records = [...workloadRecords(spec)];
    const rows = [...workloadNumberRows(spec)];

    const produced: ProduceResult[] = [];
    let source: string | undefined;
    for (let i = 0; i < repeats; i += 1) {
      const [topic] = await context.createTopics(['orders'], settings.partitions);
      if (topic === undefined) throw new Error('no topic');
      // A producer per topic: kafkajs keeps refreshing metadata of every topic a producer
      // has sent to, and fails once one of them is deleted.
      const producer = benchProducer(context.kafka);
      await producer.connect();
      try {
        const result = await publishRecords(producer, topic, records, {
          batchSize: settings.produceBatch,
          inFlight: settings.produceInFlight,
        });
        produced.push(result);
        context.log(
          `[${i + 1}/${repeats}] produce: ${round(result.recordsPerSec, 0)} msg/s, ${round(result.mbPerSec, 1)} MB/s (${round(result.elapsedMs, 0)} ms)`,
        );
      } finally {
        await producer.disconnect();
      }
      // The first topic stays as the pipe's source; the others only free the broker.
      if (source === undefined) source = topic;
      else await context.deleteTopics([topic]);
    }
    if (source === undefined) throw new Error('nothing was produced');
    const extent = await topicExtent(context.admin, source);
    if (extent.records !== counts.orders) throw new Error(`${source} holds ${extent.records} records, expected ${counts.orders}`);

    const rounds: CeilingRound[] = [];
    const sourceBytes = produced[0]?.bytes ?? 0;
    for (let i = 0; i < repeats; i += 1) {
      rounds.push(
        await measureCeilingRound(
          context,
          { topic: source, endOffsets: extent.endOffsets, sourceBytes, rows, databaseUrl: database.url, settings },
          `[${i + 1}/${repeats}]`,
        ),
      );
    }
    const memory = rss.stop();

    const produceRates = produced.map((p) => p.recordsPerSec);
    const pipeRates = rounds.map((r) => r.pipe.recordsPerSec);
    const consumeRates = rounds.map((r) => r.consume.recordsPerSec);
    const upsertSingle = rounds.map((r) => r.upsertSingle.rowsPerSec);
    const upsertConcurrent = rounds.map((r) => r.upsertConcurrent.rowsPerSec);
    const figures: Figures = {
      workloadOrders: counts.orders,
      workloadNumbers: counts.numbers,
      workloadMB: round(sourceBytes / BYTES_PER_MB, 1),
      partitions: settings.partitions,
      concurrency: settings.concurrency,
      repeats,
      produceMsgsPerSec: round(median(produceRates), 0),
      produceMBPerSec: round(median(produced.map((p) => p.mbPerSec)), 1),
      produceMsgsPerSecRuns: runsFigure(produceRates),
      rawPipeMsgsPerSec: round(median(pipeRates), 0),
      rawPipeMBPerSec: round(median(rounds.map((r) => r.pipe.mbPerSec)), 1),
      rawPipeMsgsPerSecRuns: runsFigure(pipeRates),
      rawPipeSpread: round(relativeSpread(pipeRates), 3),
      rawPipeRebalances: rounds.reduce((sum, r) => sum + r.pipe.timing.rebalances + r.pipe.timing.restarts, 0),
      rawConsumeMsgsPerSec: round(median(consumeRates), 0),
      rawConsumeMsgsPerSecRuns: runsFigure(consumeRates),
      rawUpsertRowsPerSec1Conn: round(median(upsertSingle), 0),
      rawUpsertRowsPerSec1ConnRuns: runsFigure(upsertSingle),
      rawUpsertRowsPerSecConcurrent: round(median(upsertConcurrent), 0),
      rawUpsertRowsPerSecConcurrentRuns: runsFigure(upsertConcurrent),
      rawUpsertSpread: round(relativeSpread(upsertConcurrent), 3),
      rawUpsertBatch: settings.upsertBatch,
      rawPipeVsProduce: round(median(rounds.map((r, i) => ratio(r.pipe.recordsPerSec, produced[i]?.recordsPerSec ?? Number.NaN))), 3),
      rawUpsertConcurrentVs1Conn: round(median(rounds.map((r) => ratio(r.upsertConcurrent.rowsPerSec, r.upsertSingle.rowsPerSec))), 3),
      rssPeakMb: round(memory.peakMb, 0),
    };
    return figures;
  },
};
