import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/platform/config/load-config.js';
import { CLI_VARIABLES, VARIABLES } from '../../../src/platform/config/variables.js';
import { OPS_VARIABLES } from '../../../src/platform/config/ops-variables.js';
import { RECONCILER_VARIABLES } from '../../../src/platform/config/reconciler-variables.js';
import { OPERATOR_CONNECT_VARIABLES } from '../../../src/platform/config/operator-connect-variables.js';
import { SIMULATOR_USAGE } from '../../../src/app/cli/usage.js';
import { createSelfSignedCertificate } from '../../../src/simulator/self-signed-certificate.js';
import kafkajs from 'kafkajs';
import { createEmptyDatabase, kafkaBrokers, onCleanup, openPool, randomName, testKafka } from '../../support/test-context.js';

/**
 * docker-compose.yml without a Docker engine: its services' environments load
 * through the real config loader, name only variables flowthrough reads, and are
 * wired together (dependencies, ports, topics, the simulator's CA); then the same
 * environments, translated to this machine's broker, a test database and a local
 * simulator, run migrate, the simulator, a worker (until /readyz answers 200) and
 * the `examples` publisher as processes.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CLI = join(ROOT, 'src/app/cli/main.ts');

type Environment = Record<string, string>;

interface Service {
  readonly image?: string;
  readonly build?: unknown;
  readonly command?: string | string[];
  readonly entrypoint?: string | string[];
  readonly environment?: Record<string, string | number | boolean> | string[];
  readonly depends_on?: Record<string, { condition: string; restart?: boolean }> | string[];
  readonly ports?: string[];
  readonly volumes?: string[];
  readonly healthcheck?: { test: string | string[] };
  readonly deploy?: { replicas?: number };
  readonly restart?: string;
  readonly profiles?: string[];
  readonly hostname?: string;
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

function service(name: string): Service {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has a service "${name}"`);
  return found;
}

/** A service's environment as the container sees it: every value a string. */
function environmentOf(name: string): Environment {
  const env = service(name).environment ?? {};
  assert.ok(!Array.isArray(env), `${name}: environment as a mapping`);
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
}

const FLOWTHROUGH_NAMES = new Set<string>(
  [VARIABLES, OPS_VARIABLES, RECONCILER_VARIABLES, OPERATOR_CONNECT_VARIABLES, CLI_VARIABLES].flatMap((table) =>
    table.map((v: { name: string }) => v.name),
  ),
);
/** Read by Node or kafkajs themselves, not by flowthrough's tables. */
const RUNTIME_NAMES = new Set(['NODE_EXTRA_CA_CERTS', 'KAFKAJS_NO_PARTITIONER_WARNING']);
/** The simulator's settings: the [VARIABLE] of each option in its usage, and LOG_LEVEL. */
const SIMULATOR_NAMES = new Set([...SIMULATOR_USAGE.matchAll(/\[([A-Z_]+)\]/g)].map((m) => m[1]!));

const FLOWTHROUGH_SERVICES = Object.entries(services)
  .filter(([, s]) => s.build !== undefined)
  .map(([name]) => name);

interface PortMapping {
  readonly service: string;
  readonly ip: string;
  readonly hostFrom: number;
  readonly hostTo: number;
  readonly container: number;
}

function portsOf(name: string): PortMapping[] {
  return (service(name).ports ?? []).map((text) => {
    const match = /^(?:(\d+\.\d+\.\d+\.\d+):)?(\d+)(?:-(\d+))?:(\d+)$/.exec(text);
    assert.ok(match, `${name}: port mapping "${text}" as [ip:]host[-host]:container`);
    const hostFrom = Number(match[2]);
    return { service: name, ip: match[1] ?? '0.0.0.0', hostFrom, hostTo: Number(match[3] ?? hostFrom), container: Number(match[4]) };
  });
}

describe('docker-compose.yml', () => {
  it('has the services of the whole flow, flowthrough ones built from the Dockerfile', () => {
    for (const name of ['kafka', 'topics', 'postgres', 'migrate', 'simulator', 'worker']) service(name);
    assert.equal(service('kafka').image, 'apache/kafka:4.4.0');
    assert.equal(service('postgres').image, 'postgres:17');
    assert.deepEqual(FLOWTHROUGH_SERVICES.sort(), ['examples', 'migrate', 'simulator', 'worker']);
    assert.deepEqual(service('migrate').command, ['migrate']);
    assert.deepEqual(service('simulator').command, ['simulator']);
    assert.deepEqual(service('worker').command, ['worker']);
    assert.equal(service('worker').deploy?.replicas, 2, 'two workers');
  });

  it('loads the worker and migrate environments through the real config loader, without problems', () => {
    const worker = loadConfig(environmentOf('worker'));
    assert.ok(worker.operatorConnect, 'the worker has its Operator Connect section');
    assert.equal(worker.reconciler.enabled, true);
    assert.equal(worker.topics.create, false, 'topics are provisioned by the topics service, as in production');
    assert.deepEqual(worker.kafka.brokers, ['kafka:19092']);
    assert.equal(worker.http.port, 8080);
    const migrate = loadConfig(environmentOf('migrate'));
    assert.equal(migrate.database.url, worker.database.url, 'migrate and the workers use one database');
    assert.equal(new URL(worker.database.url).hostname, 'postgres');
  });

  it('names only variables that flowthrough (or Node) reads', () => {
    for (const name of ['migrate', 'worker', 'examples']) {
      const unknown = Object.keys(environmentOf(name)).filter((v) => !FLOWTHROUGH_NAMES.has(v) && !RUNTIME_NAMES.has(v));
      assert.deepEqual(unknown, [], `${name}: variables no table defines`);
    }
    const simulator = Object.keys(environmentOf('simulator')).filter((v) => !SIMULATOR_NAMES.has(v));
    assert.deepEqual(simulator, [], 'simulator: variables its usage does not list');
  });

  it('starts the workers after migrate succeeded, the topics exist and the simulator is healthy', () => {
    const dependsOn = service('worker').depends_on;
    assert.ok(dependsOn && !Array.isArray(dependsOn));
    assert.equal(dependsOn.migrate?.condition, 'service_completed_successfully');
    assert.equal(dependsOn.topics?.condition, 'service_completed_successfully');
    assert.equal(dependsOn.simulator?.condition, 'service_healthy');
    assert.equal(dependsOn.simulator?.restart, true, 'a new simulator (a new certificate) restarts the workers');
    const migrateDeps = service('migrate').depends_on;
    assert.ok(migrateDeps && !Array.isArray(migrateDeps));
    assert.equal(migrateDeps.postgres?.condition, 'service_healthy');
    for (const oneShot of ['migrate', 'topics']) assert.equal(service(oneShot).restart, 'no', `${oneShot} runs once`);
  });

  it('gives every long-running service a health check', () => {
    const longRunning = Object.entries(services).filter(([, s]) => s.restart !== 'no' && s.profiles === undefined);
    assert.deepEqual(longRunning.map(([name]) => name).sort(), ['kafka', 'postgres', 'simulator', 'worker']);
    for (const [name, s] of longRunning) assert.ok(s.healthcheck?.test, `${name}: healthcheck`);
    assert.match(String(service('worker').healthcheck?.test), /\/readyz/);
  });

  it('publishes no host port twice, and each on the port its container listens on', () => {
    const mappings = Object.keys(services).flatMap(portsOf);
    const taken = new Map<string, string>();
    for (const m of mappings) {
      for (let port = m.hostFrom; port <= m.hostTo; port++) {
        for (const ip of m.ip === '0.0.0.0' ? ['0.0.0.0'] : [m.ip, '0.0.0.0']) {
          const key = `${ip}:${port}`;
          assert.ok(!taken.has(key), `host port ${key} of ${m.service} is also ${taken.get(key)}'s`);
        }
        taken.set(`${m.ip}:${port}`, m.service);
      }
    }
    const [worker] = portsOf('worker');
    assert.ok(worker);
    assert.equal(worker.container, Number(environmentOf('worker').HTTP_PORT));
    assert.ok(worker.hostTo - worker.hostFrom + 1 >= (service('worker').deploy?.replicas ?? 1), 'one host port per replica');
    const simulatorEnv = environmentOf('simulator');
    assert.deepEqual(
      portsOf('simulator').map((m) => m.container),
      [Number(simulatorEnv.SIMULATOR_PORT)],
    );
    assert.notEqual(simulatorEnv.SIMULATOR_PORT, simulatorEnv.SIMULATOR_TOKEN_PORT);
    assert.deepEqual(
      portsOf('kafka').map((m) => m.container),
      [9092],
    );
  });

  it('wires the workers to the simulator: its name, ports and the CA file on a shared volume', () => {
    const sim = environmentOf('simulator');
    const worker = environmentOf('worker');
    assert.equal(service('simulator').hostname, sim.SIMULATOR_HOST, 'the simulator binds the name its certificate carries');
    assert.equal(worker.OPERATOR_CONNECT_BASE_URL, `http://${sim.SIMULATOR_HOST}:${sim.SIMULATOR_PORT}/api`);
    assert.equal(worker.OPERATOR_CONNECT_AUTHORITY_HOST, `https://${sim.SIMULATOR_HOST}:${sim.SIMULATOR_TOKEN_PORT}`);
    assert.equal(worker.NODE_EXTRA_CA_CERTS, sim.SIMULATOR_CA_FILE);
    const caDir = sim.SIMULATOR_CA_FILE!.slice(0, sim.SIMULATOR_CA_FILE!.lastIndexOf('/'));
    const volumeAt = (name: string) => (service(name).volumes ?? []).find((v) => v.split(':')[1] === caDir);
    const simVolume = volumeAt('simulator');
    const workerVolume = volumeAt('worker');
    assert.ok(simVolume && workerVolume, `both mount a volume at ${caDir}`);
    assert.equal(simVolume.split(':')[0], workerVolume.split(':')[0], 'the same volume');
    assert.ok(compose.volumes && simVolume.split(':')[0]! in compose.volumes, 'a named volume');
    assert.ok(sim.SIMULATOR_SEED_FILE?.startsWith('/app/simulator/'), 'a seed shipped in the image');
    readFileSync(join(ROOT, sim.SIMULATOR_SEED_FILE!.slice('/app/'.length)));
  });

  it('creates the three topics the workers use, large enough for a 10,000-number order', () => {
    const script = String([service('topics').command].flat().join('\n'));
    const created = [...script.matchAll(/^\s*create (\S+) (\d+)$/gm)].map((m) => m[1]);
    const worker = environmentOf('worker');
    assert.deepEqual(created.sort(), [worker.DEAD_LETTER_TOPIC, worker.ORDERS_TOPIC, worker.STATUS_TOPIC].sort());
    const maxBytes = Number(/max\.message\.bytes=(\d+)/.exec(script)?.[1]);
    assert.ok(maxBytes >= 4 * 1024 * 1024, `max.message.bytes ${maxBytes} ≥ 4 MiB`);
    assert.ok(Number(environmentOf('kafka').KAFKA_MESSAGE_MAX_BYTES) >= maxBytes);
    assert.equal(environmentOf('examples').ORDERS_TOPIC, worker.ORDERS_TOPIC);
    // Compose turns $$ into $; the script is valid bash.
    const check = spawnSync('bash', ['-n', '-c', script.replaceAll('$$', '$')], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });
});

/** A process of ours; killed at the end of the file if still running. */
function start(args: string[], env: Environment): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', '--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  onCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  });
  return child;
}

async function finish(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** Resolves with the first stdout line that matches. */
function lineMatching(child: ChildProcessWithoutNullStreams, pattern: RegExp, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = createInterface({ input: child.stdout });
    input.on('line', (line) => {
      lines.push(line);
      if (pattern.test(line)) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`exited ${String(code)} before ${pattern}:\n${lines.join('\n')}`)));
  });
}

/**
 * The topics the `topics` service creates, with its partitions and --config settings
 * (so Kafka 4.4.0 accepts them), under random names deleted at the end.
 */
async function createComposeTopics(): Promise<string[]> {
  const script = [service('topics').command].flat().join('\n').replaceAll('$$', '$');
  const partitions = Number(/--partitions (\d+)/.exec(script)?.[1]);
  const configs = [...script.matchAll(/--config ([a-z.]+)=("?\$2"?|\d+|[a-z]+)/g)];
  const created = [...script.matchAll(/^\s*create (\S+) (\d+)$/gm)];
  assert.equal(created.length, 3);
  const names = created.map(([, name]) => randomName(`compose.${name}`).replaceAll('_', '.'));
  const admin = testKafka().admin();
  await admin.connect();
  onCleanup(async () => {
    await admin.deleteTopics({ topics: names }).catch(() => undefined);
    await admin.disconnect();
  });
  await admin.createTopics({
    waitForLeaders: true,
    topics: created.map(([, , retention], i) => ({
      topic: names[i]!,
      numPartitions: partitions,
      configEntries: configs.map(([, name, value]) => ({ name: name!, value: value!.includes('$2') ? retention! : value! })),
    })),
  });
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name })),
  });
  for (const resource of described.resources) {
    const value = (key: string) => resource.configEntries.find((e) => e.configName === key)?.configValue;
    assert.ok(Number(value('max.message.bytes')) >= 4 * 1024 * 1024, `${resource.resourceName}: max.message.bytes`);
    assert.equal(value('cleanup.policy'), 'delete');
  }
  return names;
}

/** The `node -e` script of a service's health check, its host names and ports replaced. */
function healthScript(name: string, replacements: ReadonlyArray<readonly [string, string]>): string {
  const test = service(name).healthcheck?.test;
  assert.ok(Array.isArray(test) && test[0] === 'CMD' && test[1] === 'node' && test[2] === '-e', `${name}: CMD node -e`);
  return replacements.reduce((text, [from, to]) => text.split(from).join(to), String(test[3]));
}

/** The Dockerfile's HEALTHCHECK script. */
function imageHealthScript(): string {
  const line = /HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])/.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
  assert.ok(line, 'Dockerfile HEALTHCHECK CMD [...]');
  const command = JSON.parse(line[1]!) as string[];
  assert.deepEqual(command.slice(0, 2), ['node', '-e']);
  return command[2]!;
}

/** Runs a health check script as Docker would (exit 0: healthy). */
async function exitCodeOf(script: string, env: Environment = {}): Promise<number | null> {
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return code;
}

/** Replaces every occurrence of each key by its value. */
function translate(env: Environment, replacements: ReadonlyArray<readonly [string, string]>): Environment {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [k, replacements.reduce((text, [from, to]) => text.split(from).join(to), v)]),
  );
}

describe('docker-compose.yml through the launcher path on this machine', () => {
  it('runs migrate, the simulator, a worker (ready) and the examples publisher with the compose environments', async () => {
    const caDir = mkdtempSync(join(tmpdir(), 'flowthrough-compose-ca-'));
    onCleanup(async () => rmSync(caDir, { recursive: true, force: true }));
    const { url: databaseUrl } = await createEmptyDatabase();
    const [orders, deadLetter, status] = await createComposeTopics();
    const composeWorker = environmentOf('worker');
    const composeSim = environmentOf('simulator');
    const machine: Array<readonly [string, string]> = [
      [environmentOf('migrate').DATABASE_URL!, databaseUrl],
      ['kafka:19092', kafkaBrokers().join(',')],
      ['/var/lib/flowthrough', caDir],
      ['/app/', ROOT],
    ];

    // migrate, as the one-shot service runs it.
    const migrate = await finish(start([CLI, ...[service('migrate').command!].flat()], translate(environmentOf('migrate'), machine)));
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, /applied migrations/);

    // The simulator, on this host's loopback and free ports instead of its service name and fixed ones.
    const simEnv = translate({ ...composeSim, SIMULATOR_HOST: '127.0.0.1', SIMULATOR_PORT: '0', SIMULATOR_TOKEN_PORT: '0' }, machine);
    const simulator = start([CLI, ...[service('simulator').command!].flat()], simEnv);
    const simLines: string[] = [];
    await lineMatching(simulator, /^ {2}NODE_EXTRA_CA_CERTS=/, simLines);
    const printed = Object.fromEntries(
      simLines.flatMap((line) => {
        const m = /^ {2}([A-Z_]+)=(.*)$/.exec(line);
        return m ? [[m[1]!, m[2]!]] : [];
      }),
    );
    const api = new URL(printed.OPERATOR_CONNECT_BASE_URL!);
    const token = new URL(printed.OPERATOR_CONNECT_AUTHORITY_HOST!);
    const simulatorAt: Array<readonly [string, string]> = [
      [`${composeSim.SIMULATOR_HOST}:${composeSim.SIMULATOR_PORT}`, api.host],
      [`${composeSim.SIMULATOR_HOST}:${composeSim.SIMULATOR_TOKEN_PORT}`, token.host],
    ];
    const workerEnv = translate(
      {
        ...composeWorker,
        ORDERS_TOPIC: orders!,
        DEAD_LETTER_TOPIC: deadLetter!,
        STATUS_TOPIC: status!,
        KAFKA_GROUP_ID: `${orders}.group`,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
      },
      [...machine, ...simulatorAt],
    );
    // The simulator's health check, pointed at this host: healthy with the CA file it wrote, not with another one.
    const simHealth = healthScript('simulator', [
      [`${composeSim.SIMULATOR_HOST}:${composeSim.SIMULATOR_PORT}`, api.host],
      [`host: '${composeSim.SIMULATOR_HOST}', port: ${composeSim.SIMULATOR_TOKEN_PORT}`, `host: '127.0.0.1', port: ${token.port}`],
      ['/var/lib/flowthrough', caDir],
    ]);
    assert.equal(await exitCodeOf(simHealth), 0, 'simulator healthy');
    const otherCa = join(caDir, 'other.pem');
    writeFileSync(otherCa, createSelfSignedCertificate({ commonName: 'other', hosts: ['127.0.0.1'] }).certificatePem);
    assert.equal(await exitCodeOf(simHealth.split(composeSim.SIMULATOR_CA_FILE!.replace('/var/lib/flowthrough', caDir)).join(otherCa)), 1);

    // Every setting the simulator prints for its clients is in the worker's environment, as printed.
    for (const [name, value] of Object.entries(printed)) assert.equal(workerEnv[name], value, `worker ${name}`);

    // A worker with that environment becomes ready: PostgreSQL, Kafka, topics, relay, intake, reconciler and its token.
    const worker = start([CLI, ...[service('worker').command!].flat()], workerEnv);
    const workerLines: string[] = [];
    const listening = JSON.parse(await lineMatching(worker, /"msg":"health endpoints listening"/, workerLines)) as { port: number };
    const base = `http://127.0.0.1:${listening.port}`;
    const deadline = Date.now() + 90_000;
    let ready: { status: number; body: unknown } = { status: 0, body: null };
    while (Date.now() < deadline) {
      const response = await fetch(`${base}/readyz`);
      ready = { status: response.status, body: await response.json() };
      if (ready.status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    // The compose check (/readyz) and the image's HEALTHCHECK (/healthz, HTTP_PORT) answer 0 for this worker.
    assert.equal(await exitCodeOf(healthScript('worker', [['127.0.0.1:8080', `127.0.0.1:${listening.port}`]])), 0);
    assert.equal(await exitCodeOf(imageHealthScript(), { HTTP_PORT: String(listening.port) }), 0);
    assert.equal(await exitCodeOf(imageHealthScript(), { HTTP_PORT: String(api.port) }), 1, 'the simulator has no /healthz');

    // The examples publisher, reading this checkout's examples/ instead of the mounted /examples.
    const examplesService = service('examples');
    const script = [examplesService.command!].flat()[1]!.split("'/examples").join(`'${ROOT}examples`);
    assert.deepEqual([examplesService.entrypoint].flat(), ['node']);
    const examplesEnv = translate({ ...environmentOf('examples'), ORDERS_TOPIC: orders! }, machine);
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...examplesEnv } });
    const published = await finish(child as ChildProcessWithoutNullStreams);
    assert.equal(published.code, 0, published.stderr);
    const examples = published.stdout.split('\n').filter((l) => l.startsWith('published '));
    assert.ok(examples.length >= 7, published.stdout);

    // The worker takes them in.
    const pool = openPool(databaseUrl, 1);
    onCleanup(() => pool.end());
    let accepted = 0;
    while (Date.now() < deadline + 30_000 && accepted < examples.length) {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
      accepted = rows[0]?.n ?? 0;
      if (accepted < examples.length) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(accepted, examples.length, 'every example order recorded');
  });
});
