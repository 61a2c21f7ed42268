import { GenericContainer, getContainerRuntimeClient, Wait, type StartedTestContainer } from 'testcontainers';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { KAFKA_VERSION, loadStackConfig } from '../../../tools/stack/stack-config.js';
import { stackDown, stackUp } from '../../../tools/stack/stack.js';
import { selectServices, type ServiceSelection } from './select-services.js';
import { freePort } from '../../../tools/shared/free-port.js';

export interface RunningServices {
  readonly kafkaBrokers: string;
  readonly databaseUrl: string;
  readonly selection: ServiceSelection;
  stop(): Promise<void>;
}

async function containerRuntimeAnswers(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/** The official apache/kafka image, single-node KRaft, advertised on a fixed host port. */
async function startKafkaContainer(): Promise<StartedTestContainer> {
  const port = await freePort();
  return new GenericContainer(`apache/kafka:${KAFKA_VERSION}`)
    .withExposedPorts({ container: 9092, host: port })
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_MESSAGE_MAX_BYTES: '8388608',
      KAFKA_REPLICA_FETCH_MAX_BYTES: '8388608',
    })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .start();
}

export async function startServices(
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<RunningServices> {
  const selection = selectServices(env, await containerRuntimeAnswers());
  const stops: Array<() => Promise<unknown>> = [];
  let kafkaBrokers: string;
  let databaseUrl: string;

  if (selection.postgres === 'environment') databaseUrl = env.DATABASE_URL as string;
  else if (selection.postgres === 'testcontainers') {
    const pg = await new PostgreSqlContainer('postgres:17').start();
    stops.push(() => pg.stop());
    databaseUrl = pg.getConnectionUri();
  } else databaseUrl = loadStackConfig(env).databaseUrl;

  if (selection.kafka === 'environment') kafkaBrokers = env.KAFKA_BROKERS as string;
  else if (selection.kafka === 'testcontainers') {
    const kafka = await startKafkaContainer();
    stops.push(() => kafka.stop());
    kafkaBrokers = `127.0.0.1:${kafka.getMappedPort(9092)}`;
  } else {
    const stackConfig = loadStackConfig({ ...env, DATABASE_URL: databaseUrl });
    const up = await stackUp(stackConfig, log);
    kafkaBrokers = up.kafkaBrokers;
    // Stop only what this run started; a developer's running stack stays up.
    stops.push(() => stackDown(stackConfig, log, { kafka: up.startedKafka, postgres: up.startedPostgres }));
  }
  log(`test services: kafka from ${selection.kafka} (${kafkaBrokers}), postgres from ${selection.postgres}`);
  return {
    kafkaBrokers,
    databaseUrl,
    selection,
    stop: async () => {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
