import type { TestContext } from 'node:test';
import type { BackendKind } from '../../src/core/reconcile/backend-kind.js';
import type { Reconciler, ReconcilerHooks } from '../../src/reconciler/index.js';
import type { AcgSimulator } from '../../src/acg-simulator/index.js';
import { acgTestClient, startAcgSimulator, type AcgClient } from './acg-simulator.js';
import { trustSimulatorCertificate } from './operator-connect.js';
import { CONSENTS, FAST, setUp, STATUS, TENANT_EU } from './reconciler.js';
import { testConfig } from './test-context.js';

/** What a backend holds for a number, in terms both backends can answer. */
export interface Held {
  /** The Teams tenant (operator-connect) or account (acg) it is held for. */
  readonly scope: string;
  /** Operator Connect or Teams Phone Mobile configuration's usage and capabilities (sorted). */
  readonly usage: string | undefined;
  readonly capabilities: readonly string[];
}

/**
 * One backend behind the reconciler, with its simulator, seen through the
 * questions the shared reconciler suite asks: what it holds, how many
 * changes it applied (a resend answered from the Repeatability store is not
 * one), and how to make a number fail or a call fail transiently.
 */
export interface BackendHarness {
  readonly kind: BackendKind;
  readonly pool: Awaited<ReturnType<typeof setUp>>['pool'];
  submit(order: { orderId: string; account: string; items: unknown[] }): Promise<void>;
  start(hooks?: ReconcilerHooks, env?: Record<string, string>): Promise<Reconciler>;
  holds(telephoneNumber: string, account: string): Promise<Held | null>;
  /** The next write of the number fails at the backend with NumberHeldByAnotherTenant. */
  failNumber(telephoneNumber: string): void;
  /** The next `count` number writes are answered 503. */
  serverErrors(count: number): void;
  /** Number write requests (uploads, updates, releases / :createOrUpdateNumbers, :deleteNumbers) the backend applied, not counting replays. */
  appliedNumberWrites(): number;
  /** Writes answered from the Repeatability store (a resend of an applied request). */
  replays(): number;
  /** The tenant consents (Teams admin center) to service in these countries. */
  giveConsent(tenantId: string, countries: readonly string[]): void;
  /** The customer relationship the backend holds for the tenant's consent. */
  relationship(tenantId: string): Promise<{ status?: string; comment?: string }>;
  /** BACKEND=acg: the simulator and a bare HTTP client of it, for what only ACG has. */
  readonly acg?: { readonly simulator: AcgSimulator; readonly api: AcgClient };
}

const sorted = (list: readonly string[] | undefined): string[] => [...(list ?? [])].sort();

async function operatorConnectHarness(t: TestContext): Promise<BackendHarness> {
  const s = await setUp(t);
  const writes = ['upload', 'release', 'update'] as const;
  return {
    kind: 'operator-connect',
    pool: s.pool,
    submit: (order) => s.submit(order),
    async start(hooks = {}, env = {}) {
      const { reconciler } = s.reconciler(env, { hooks });
      await reconciler.start();
      return reconciler;
    },
    async holds(telephoneNumber) {
      const record = s.simulator.admin.numbers().find((n) => n.telephoneNumber === telephoneNumber);
      if (!record) return null;
      return {
        scope: record.tenantId,
        usage: record.configuration.usage,
        capabilities: sorted(record.configuration.choosableCapabilities),
      };
    },
    failNumber(telephoneNumber) {
      s.simulator.admin.placeNumber({
        telephoneNumber,
        tenantId: TENANT_EU,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] },
      });
    },
    serverErrors(count) {
      const ops = ['createUploadOrder', 'createReleaseOrder', 'createUpdateOrder'] as const;
      s.simulator.admin.injectFaults({
        script: Array.from({ length: count }, () => ({ kind: 'serverError' as const, operations: [...ops] })),
      });
    },
    // The ledger has an entry per number a change applied: one request is one write.
    appliedNumberWrites: () =>
      writes.reduce((n, operation) => n + new Set(s.simulator.ledger.entries({ operation }).map((e) => e.requestId)).size, 0),
    replays: () => s.simulator.counters.snapshot().replays ?? 0,
    giveConsent(tenantId, countries) {
      s.simulator.admin.setConsent(tenantId, { status: 'active', consentedCountries: [...countries] });
    },
    async relationship(tenantId) {
      const { customerRelationship } = await s.client().client.getConsent(tenantId);
      return { status: customerRelationship.status, ...(customerRelationship.comment ? { comment: customerRelationship.comment } : {}) };
    },
  };
}

/**
 * The reconciler test set-up with BACKEND=acg's intake, beside an ACG
 * simulator that syncs in 30 ms and holds a request for information for each
 * of the Operator Connect simulator's consents, and a client of it.
 */
export async function acgReconcilerSetUp(t: TestContext) {
  const s = await setUp(t, {}, { backend: 'acg' });
  const { simulator, endpoints, api } = await startAcgSimulator(t, {
    provisioningDelayMs: 30,
    requestsForInformation: CONSENTS.map((c) => ({ tenantId: c.tenantId, consentedCountries: c.consentedCountries ?? [] })),
  });
  trustSimulatorCertificate(t, endpoints);
  return { s, simulator, api, client: acgTestClient(endpoints) };
}

async function acgHarness(t: TestContext): Promise<BackendHarness> {
  const { s, simulator, api, client } = await acgReconcilerSetUp(t);
  const writes = ['Accounts_CreateOrUpdateNumbers', 'Accounts_DeleteNumbers'];
  const answered = (operation: string): number =>
    Object.entries(simulator.counters.snapshot().calls[operation] ?? {})
      .filter(([status]) => status.startsWith('2'))
      .reduce((n, [, count]) => n + count, 0);
  t.after(() => {
    const counters = simulator.counters.snapshot();
    if (counters.requestViolations !== 0)
      throw new Error(`the reconciler sent ${counters.requestViolations} request(s) the swagger refuses`);
  });
  return {
    kind: 'acg',
    acg: { simulator, api },
    pool: s.pool,
    submit: (order) => s.submit(order),
    async start(hooks = {}, env = {}) {
      const { reconciler } = s.reconciler({ ...env, BACKEND: 'acg' }, { hooks, acgClient: client });
      await reconciler.start();
      return reconciler;
    },
    async holds(telephoneNumber, account) {
      const answer = await api.call<{
        serviceDetails?: Record<string, { enabled?: boolean; configuration?: { usage?: string; choosableCapabilities?: string[] } }>;
      }>('GET', `/accounts/${encodeURIComponent(account)}/numbers/${encodeURIComponent(telephoneNumber)}`);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw new Error(`reading ${telephoneNumber} from the ACG simulator: HTTP ${answer.status}`);
      const teams = Object.values(answer.body.serviceDetails ?? {}).find((d) => d.enabled === true && d.configuration);
      return { scope: account, usage: teams?.configuration?.usage, capabilities: sorted(teams?.configuration?.choosableCapabilities) };
    },
    failNumber(telephoneNumber) {
      simulator.admin.scriptNumberError({
        telephoneNumber,
        code: 'NumberHeldByAnotherTenant',
        message: `${telephoneNumber} is held by another tenant in Microsoft Teams`,
      });
    },
    serverErrors(count) {
      simulator.admin.injectFaults({ script: Array.from({ length: count }, () => ({ kind: 'serverError' as const, operations: writes })) });
    },
    appliedNumberWrites: () => writes.reduce((n, operation) => n + answered(operation), 0) - simulator.counters.snapshot().replays,
    replays: () => simulator.counters.snapshot().replays,
    giveConsent(tenantId, countries) {
      simulator.admin.putRequestForInformation({ tenantId, status: 'active', consentedCountries: [...countries] });
    },
    async relationship(tenantId) {
      const answer = await api.call<{ customerRelationship?: { status?: string; comment?: string } }>(
        'GET',
        `/teamsRequestsForInformation/${tenantId}`,
      );
      const { status, comment } = answer.body.customerRelationship ?? {};
      return { ...(status ? { status } : {}), ...(comment ? { comment } : {}) };
    },
  };
}

export const BACKEND_HARNESSES: Readonly<Record<BackendKind, (t: TestContext) => Promise<BackendHarness>>> = {
  'operator-connect': operatorConnectHarness,
  acg: acgHarness,
};

export { FAST, STATUS, testConfig };
