import { loadavg } from 'node:os';
import { runHttpLoad, type HttpLoadResult } from '../lib/http-load.js';
import { insertLookupData, lookupNumber } from '../lib/lookup-data.js';
import { startServerProcess, type ServerProcess } from '../lib/lookup-server-process.js';
import type { Figures, Scenario } from '../lib/scenario.js';
import { median, ratio, round, runsFigure } from '../lib/stats.js';
import { workerNodeOptions } from '../lib/worker-node-options.js';

/**
 * The call-time lookup (GET /v1/lookup) over HTTP keep-alive, beside a bare
 * node:http server answering a constant of the same size, on this machine in
 * this run. `numbers` provisioned numbers are made in a fresh database; the
 * lookup server is the worker's HttpServer with the routes the worker mounts
 * before the read API and the read API itself, its index loaded from that
 * database (not the whole worker: its consumers and reconciler would only
 * compete for the CPU). Each server runs in its own process with the
 * worker's Node options; autocannon runs here. Runs alternate bare, lookup;
 * each measurement follows a warm-up; the figures are medians.
 */

const TOKEN = 'bench-lookup-token-0123456789';
const PATHS = 4_096;

function lookupPaths(numbers: number): string[] {
  // Spread over the whole index, one in ten not provisioned (an SBC asks about any call); both directions.
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  return Array.from({ length: PATHS }, (_, i) => {
    const known = next() >= 0.1;
    const number = known ? lookupNumber(Math.floor(next() * numbers)) : `+1999${String(i).padStart(7, '0')}`;
    const other = '%2B12065550199';
    return i % 2 === 0
      ? `/v1/lookup?direction=from-operator&calling=${other}&called=${encodeURIComponent(number)}`
      : `/v1/lookup?direction=to-operator&calling=${encodeURIComponent(number)}&called=${other}`;
  });
}

export const lookup: Scenario = {
  name: 'lookup',
  description: 'GET /v1/lookup over HTTP keep-alive from the in-memory index, beside a bare node:http server answering a constant',
  options: [
    { name: 'numbers', description: 'provisioned numbers in the database and the index', default: '1000000' },
    { name: 'accounts', description: 'accounts the numbers are spread over', default: '1000' },
    { name: 'connections', description: 'keep-alive connections of the load generator', default: '16' },
    { name: 'duration-s', description: 'seconds of each measurement', default: '10' },
    { name: 'warmup-s', description: 'seconds of load before each measurement, not counted', default: '2' },
    { name: 'runs', description: 'measurements of each server (figures are medians)', default: '3' },
  ],
  async run(context, options) {
    const numbers = options.integer('numbers', { min: 1, max: 10_000_000 });
    const accounts = options.integer('accounts', { min: 1, max: 100_000 });
    const connections = options.integer('connections', { min: 1, max: 1_000 });
    const durationS = options.integer('duration-s', { min: 1, max: 600 });
    const warmupS = options.integer('warmup-s', { min: 0, max: 600 });
    const runs = options.integer('runs', { min: 1, max: 20 });
    const nodeOptions = workerNodeOptions();

    const database = await context.createDatabase();
    const insertMs = await insertLookupData(database.pool, numbers, accounts);
    context.log(`inserted ${numbers} numbers over ${accounts} accounts in ${round(insertMs / 1000, 1)} s`);

    const env = context.configEnv({
      DATABASE_URL: database.url,
      READ_API_TOKENS: TOKEN,
      DIRECT_ROUTING_BASE_DOMAIN: '0123456789abcdef.commsgw.azure.com',
      LOG_LEVEL: options.string('log-level'),
    });
    const lookupServer: ServerProcess = await startServerProcess({ mode: 'lookup', env }, nodeOptions, 600_000);
    context.defer('stop the lookup server', () => lookupServer.stop());
    context.log(
      `lookup server: ${lookupServer.report.numbers} numbers indexed in ${round(lookupServer.report.loadMs / 1000, 1)} s, RSS ${round(lookupServer.report.rssMb, 0)} MB`,
    );
    if (lookupServer.report.numbers !== numbers) throw new Error(`the index holds ${lookupServer.report.numbers} numbers, not ${numbers}`);

    const paths = lookupPaths(numbers);
    const headers = { authorization: `Bearer ${TOKEN}` };
    // The bare server answers what a typical lookup answers, byte for byte in size.
    const sample = await fetch(`http://127.0.0.1:${lookupServer.port}${paths[0]}`, { headers });
    const sampleBody = await sample.text();
    if (sample.status !== 200) throw new Error(`a lookup answered ${sample.status}: ${sampleBody}`);
    const bareServer = await startServerProcess({ mode: 'bare', body: sampleBody }, nodeOptions, 60_000);
    context.defer('stop the bare server', () => bareServer.stop());

    // CPU per answer of the server's process: what the machine's other load changes much less than rates.
    type Measured = HttpLoadResult & { readonly cpuUsPerAnswer: number };
    const measure = async (server: ServerProcess, label: string, i: number): Promise<Measured> => {
      if (warmupS > 0) await runHttpLoad({ port: server.port, paths, headers, connections, durationS: warmupS });
      const cpuBefore = await server.cpuUs();
      const result = await runHttpLoad({ port: server.port, paths, headers, connections, durationS });
      const cpuUsPerAnswer = ((await server.cpuUs()) - cpuBefore) / (result.requestsPerSec * durationS);
      context.log(
        `[${i + 1}/${runs}] ${label}: ${round(result.requestsPerSec, 0)}/s, p50 ${round(result.p50Ms, 3)} ms, p99 ${round(result.p99Ms, 3)} ms, ${round(cpuUsPerAnswer, 1)} µs CPU/answer, load ${round(loadavg()[0] ?? 0, 2)}`,
      );
      if (result.non2xx > 0 || result.errors > 0) throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      return { ...result, cpuUsPerAnswer };
    };
    const bare: Measured[] = [];
    const lookups: Measured[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await measure(bareServer, 'bare http', i));
      lookups.push(await measure(lookupServer, 'lookup', i));
    }

    const rate = (list: readonly HttpLoadResult[]) => list.map((r) => r.requestsPerSec);
    const figures: Figures = {
      numbers,
      accounts,
      connections,
      durationS,
      runs,
      insertSeconds: round(insertMs / 1000, 1),
      indexLoadSeconds: round(lookupServer.report.loadMs / 1000, 1),
      lookupServerRssMb: round(lookupServer.report.rssMb, 0),
      answerBytes: Buffer.byteLength(sampleBody),
      lookups_per_s: round(median(rate(lookups)), 0),
      lookup_p50_ms: round(median(lookups.map((r) => r.p50Ms)), 3),
      lookup_p99_ms: round(median(lookups.map((r) => r.p99Ms)), 3),
      bare_http_per_s: round(median(rate(bare)), 0),
      bare_http_p50_ms: round(median(bare.map((r) => r.p50Ms)), 3),
      bare_http_p99_ms: round(median(bare.map((r) => r.p99Ms)), 3),
      ratio_to_bare_http: round(ratio(median(rate(lookups)), median(rate(bare))), 3),
      lookup_cpu_us_per_answer: round(median(lookups.map((r) => r.cpuUsPerAnswer)), 1),
      bare_http_cpu_us_per_answer: round(median(bare.map((r) => r.cpuUsPerAnswer)), 1),
      lookupsPerSecRuns: runsFigure(rate(lookups)),
      bareHttpPerSecRuns: runsFigure(rate(bare)),
      lookupP99MsRuns: runsFigure(
        lookups.map((r) => r.p99Ms),
        3,
      ),
      bareHttpP99MsRuns: runsFigure(
        bare.map((r) => r.p99Ms),
        3,
      ),
    };
    return figures;
  },
};
