import { unpackStatusRow } from '../../src/outbox/status-row-events.js';
import type { TestContext } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import type { KafkaMessage } from 'kafkajs';
import type pg from 'pg';
import { createOrderValidator } from '../../src/contracts/order-validator.js';
import type { BackendKind } from '../../src/core/reconcile/backend-kind.js';
import { parseStatusEvent, type StatusEventData } from '../../src/core/status/index.js';
import { statusEventHeaders } from '../../src/core/status/status-event.js';
import { withTransaction } from '../../src/platform/db/pool.js';
import { IntakeProcessor } from '../../src/intake/intake-processor.js';
import {
  createCredential,
  OperatorConnectClient,
  type CallEvent,
  type OperatorConnectClientOptions,
} from '../../src/operator-connect/index.js';
import { createReconciler, type Reconciler, type ReconcilerFactoryDeps, type ReconcilerHooks } from '../../src/reconciler/index.js';
import { createSimulator, ManualClock, type SimulatorOptions } from '../../src/simulator/index.js';
import { clientConfig, trustSimulatorCertificate, virtualSleep } from './operator-connect.js';
import { createTestDatabase, silentLogger, testConfig } from './test-context.js';

export const TENANT_US = '11111111-1111-4111-8111-111111111111';
export const TENANT_EU = '22222222-2222-4222-8222-222222222222';
export const TENANT_NONE = '44444444-4444-4444-8444-444444444444';
export const STATUS = { topic: 'status.test', source: '/flowthrough/test' } as const;

export const CONSENTS: NonNullable<SimulatorOptions['consents']> = [
  {
    tenantId: TENANT_US,
    consentedCountries: ['US', 'CA'],
    civicAddresses: [{ id: 'c0a8e1f2-0000-4000-8000-000000000001', country: 'US', locationIds: [] }],
  },
  { tenantId: TENANT_EU, consentedCountries: ['DE', 'GB'] },
];

/** Settings that keep tests fast: no linger unless asked, short waits, short leases. */
export const FAST: Record<string, string> = {
  RECONCILER_LINGER_MS: '0',
  RECONCILER_MAX_LINGER_MS: '0',
  RECONCILER_IDLE_POLL_MS: '50',
  RECONCILER_EXPECTED_PROCESSING_MS: '30',
  RECONCILER_POLL_MAX_MS: '200',
  RECONCILER_RETRY_BASE_MS: '10',
  RECONCILER_RETRY_CAP_MS: '100',
  RECONCILER_LEASE_MS: '5000',
  RECONCILER_CONSENT_CACHE_MS: '0',
};

let offset = 0;

/**
 * The intake code path without Kafka: each order becomes a record of
 * `orders.test` at the next offset (requestedAt, unless given, later with
 * each offset) and is applied in a transaction.
 */
export function intakeSubmitter(pool: pg.Pool, backend?: BackendKind) {
  const intake = new IntakeProcessor({
    validator: createOrderValidator(),
    logger: silentLogger(),
    settings: { statusTopic: STATUS.topic, deadLetterTopic: 'orders.dlt.test', consumerGroup: 'test', statusSource: STATUS.source },
    ...(backend ? { backend } : {}),
  });
  return async function submit(data: { orderId: string; account: string; items: unknown[]; requestedAt?: string }): Promise<void> {
    const message = {
      key: Buffer.from(data.account),
      value: Buffer.from(JSON.stringify({ requestedAt: new Date(Date.UTC(2026, 10, 29, 10, 0, 0) + offset).toISOString(), ...data })),
      headers: {
        ce_specversion: '1.0',
        ce_id: `ce-${data.orderId}`,
        ce_source: '/bss/test',
        ce_type: 'io.flowthrough.order.v1',
        'content-type': 'application/json',
      },
      timestamp: String(Date.now()),
      attributes: 0,
      offset: String(offset),
      size: 0,
    } as unknown as KafkaMessage;
    const record = { topic: 'orders.test', partition: 0, offset: String(offset++), message };
    await withTransaction(pool, (c) => intake.apply(c, [record]));
  };
}

export type Setup = Awaited<ReturnType<typeof setUp>>;

/**
 * A test's own database, an in-process simulator over HTTP (its clock manual,
 * its order processing on real timers), clients with the real
 * ClientSecretCredential against the fake Entra ID, and the intake code path
 * to write orders without Kafka.
 */
export async function setUp(t: TestContext, simulatorOptions: SimulatorOptions = {}, intakeOptions: { backend?: BackendKind } = {}) {
  const reconcilers: Reconciler[] = [];
  // Registered first: node:test runs after() hooks in registration order, so reconcilers stop before the simulator does.
  t.after(async () => {
    for (const r of reconcilers) await r.stop();
  });
  const db = await createTestDatabase();
  const clock = simulatorOptions.clock ?? new ManualClock(Date.now());
  const simulator = createSimulator({ processingDelayMs: 20, rateLimitPerSecond: 0, consents: CONSENTS, ...simulatorOptions, clock });
  const endpoints = await simulator.start();
  t.after(() => simulator.stop());
  const sim = { simulator, endpoints, clock };
  trustSimulatorCertificate(t, sim.endpoints);
  const submit = intakeSubmitter(db.pool, intakeOptions.backend);
  /** A client as production builds it: ClientSecretCredential, the simulator's clock, virtual in-call waits. */
  function client(options: Partial<OperatorConnectClientOptions> & { env?: Record<string, string> } = {}) {
    const calls: CallEvent[] = [];
    const config = clientConfig(sim.endpoints, options.env ?? {});
    const c = new OperatorConnectClient({
      config,
      logger: silentLogger(),
      credential: createCredential(config.auth),
      // On a manual clock the client's in-call waits (Retry-After, backoff) move time instead of passing.
      ...(sim.clock instanceof ManualClock ? { clock: sim.clock, sleep: virtualSleep(sim.clock) } : {}),
      random: () => 0.5,
      onCall: (e) => calls.push(e),
      ...options,
    });
    return { client: c, calls, config };
  }

  /**
   * A reconciler built as the worker builds it (createReconciler, a Config
   * through the real loader: FAST, the STATUS topic and source, then `env`),
   * with a client of client() unless one is given.
   */
  function reconciler(
    env: Record<string, string> = {},
    options: Omit<ReconcilerFactoryDeps, 'pool' | 'logger'> & { readonly hooks?: ReconcilerHooks } = {},
    clientEnv: Record<string, string> = {},
  ) {
    const { client: c, calls } = client({ env: clientEnv });
    const config = testConfig({ ...FAST, STATUS_TOPIC: STATUS.topic, STATUS_EVENT_SOURCE: STATUS.source, ...env });
    const { hooks, ...deps } = options;
    const r = createReconciler(config, { pool: db.pool, logger: silentLogger(), client: c, ...deps }, hooks);
    reconcilers.push(r);
    return { reconciler: r, calls };
  }

  return { db, pool: db.pool, ...sim, client, reconciler, submit };
}

export function account(name: string, tenant: string, services: { oc?: boolean; tpm?: boolean } = { oc: true }): Record<string, unknown> {
  return {
    id: 'account',
    action: 'upsert',
    resource: 'account',
    account: {
      name,
      serviceDetails: {
        teamsTenantId: tenant,
        ...(services.oc ? { teamsOperatorConnect: { enabled: true, syncEnabled: true } } : {}),
        ...(services.tpm ? { teamsPhoneMobile: { enabled: true, syncEnabled: true } } : {}),
      },
    },
  };
}

export function ocNumber(telephoneNumber: string, configuration: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    telephoneNumber,
    serviceDetails: {
      teamsOperatorConnect: {
        enabled: true,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'], ...configuration },
      },
    },
  };
}

export function tpmNumber(telephoneNumber: string): Record<string, unknown> {
  return {
    telephoneNumber,
    serviceDetails: {
      teamsPhoneMobile: {
        enabled: true,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling', 'Mobile'] },
      },
    },
  };
}

export const numbersItem = (numbers: unknown[], id = 'numbers') => ({ id, action: 'upsert', resource: 'numbers', numbers });
export const deleteItem = (numbers: string[], id = 'delete') => ({
  id,
  action: 'delete',
  resource: 'numbers',
  numbers: numbers.map((telephoneNumber) => ({ telephoneNumber })),
});

export async function orderState(pool: pg.Pool, orderId: string): Promise<string | undefined> {
  return (await pool.query<{ state: string }>('SELECT state FROM orders WHERE order_id = $1', [orderId])).rows[0]?.state;
}

/** Waits (polling the database) until the order is in one of the states; fails after timeoutMs. */
export async function waitForOrderState(pool: pg.Pool, orderId: string, states: readonly string[], timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await orderState(pool, orderId);
    if (state !== undefined && states.includes(state)) return state;
    if (Date.now() > deadline) throw new Error(`order ${orderId} is ${state}, not ${states.join('|')}, after ${timeoutMs} ms`);
    await delay(15);
  }
}

export interface OutboxEvent {
  readonly eventId: string;
  readonly data: StatusEventData;
}

/** The status events of an order in the outbox, in sequence order, parsed as a subscriber would. */
export async function statusEventsOf(pool: pg.Pool, orderId: string): Promise<OutboxEvent[]> {
  const rows = await pool.query<{ event_ids: string[]; event_time: Date; value: Buffer }>(
    'SELECT event_ids, event_time, value FROM outbox WHERE order_id = $1 AND topic = $2 ORDER BY id',
    [orderId, STATUS.topic],
  );
  // The relay unpacks a row and derives the headers of a status event the same way.
  return rows.rows.flatMap((r) =>
    unpackStatusRow(r.event_ids, r.value).map((e) => ({
      eventId: e.id,
      data: parseStatusEvent(statusEventHeaders({ id: e.id, source: STATUS.source, orderId, time: r.event_time.toISOString() }), e.value)
        .data,
    })),
  );
}

export async function operations(pool: pg.Pool) {
  return (
    await pool.query<{
      id: string;
      request_id: string;
      tenant_id: string;
      operation: string;
      state: string;
      remote_order_id: string | null;
      attempts: number;
      polls: number;
      numbers: string[];
    }>(
      'SELECT id::text, request_id, tenant_id, operation, state, remote_order_id, attempts, polls, numbers FROM backend_operations ORDER BY id',
    )
  ).rows;
}
