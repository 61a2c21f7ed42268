import { acgClientEnvironment, createAcgSimulator, type AcgSimulator } from '../../src/acg-simulator/index.js';
import type { CivicAddressSeed, NumberErrorSeed, RequestForInformationSeed } from '../../src/acg-simulator/index.js';
import { describeCalls } from '../shared/describe-calls.js';
import type { DemoBackend, DemoExample } from './demo-backend.js';

/**
 * The demo's Azure Communications Gateway side (`npm run demo -- --backend acg`):
 * the ACG Provisioning API simulator, seeded from the same simulator/demo-seed.json
 * as the Operator Connect demo, so the examples tell the same story:
 * - each consent of the seed is a Teams request for information (RFI) of its tenant, with its civic addresses
 *   (under the account of examples/ that names that tenant);
 * - Fabrikam's RFI is suspended until its Teams Phone Mobile upload is held, then the demo activates it;
 * - a number the seed gives to another tenant ends its sync `failed` (NumberHeldByAnotherTenant), so Contoso's
 *   numbers order ends `partial` here too.
 * The worker runs with BACKEND=acg and the ACG_PROVISIONING_* settings the simulator gives, paced at the
 * service's published 100 requests/minute (the simulator answers 429 above it).
 */

/** The service's published limit, enforced by the simulator and paced by the worker. */
const REQUESTS_PER_MINUTE = 100;
/** Write → synced / subdomain provisioned, in the simulator. */
const PROVISIONING_DELAY_MS = 500;

interface DemoSeedConsent {
  readonly tenantId: string;
  readonly status?: 'active' | 'suspended' | 'removed';
  readonly consentedCountries?: readonly string[];
  readonly contacts?: readonly { fullName: string; email: string; telephoneNumber?: string; companyName?: string }[];
  readonly customerRelationship?: { readonly status?: string; readonly comment?: string };
  readonly civicAddresses?: readonly (Readonly<Record<string, unknown>> & { readonly id: string })[];
}

export interface DemoSeed {
  readonly consents?: readonly DemoSeedConsent[];
  readonly numbers?: readonly { readonly tenantId: string; readonly telephoneNumber: string }[];
}

/** The account of examples/ whose serviceDetails.teamsTenantId is each tenant. */
function accountsByTenant(examples: readonly DemoExample[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const example of examples) {
    const value = example.value as { data?: unknown; items?: unknown };
    const order = (value.data ?? value) as {
      items?: { resource?: string; account?: { name?: string; serviceDetails?: { teamsTenantId?: string } } }[];
    };
    for (const item of order.items ?? []) {
      const tenant = item.account?.serviceDetails?.teamsTenantId;
      if (item.resource === 'account' && item.account?.name && tenant) found.set(tenant.toLowerCase(), item.account.name);
    }
  }
  return found;
}

/** RFIs, civic addresses and scripted number errors from the Operator Connect demo's seed. */
export function acgSeeds(
  seed: DemoSeed,
  examples: readonly DemoExample[],
): {
  requestsForInformation: RequestForInformationSeed[];
  civicAddresses: CivicAddressSeed[];
  numberErrors: NumberErrorSeed[];
} {
  const accounts = accountsByTenant(examples);
  const requestsForInformation = (seed.consents ?? []).map(
    (c): RequestForInformationSeed => ({
      tenantId: c.tenantId,
      ...(c.status ? { status: c.status } : {}),
      consentedCountries: [...(c.consentedCountries ?? [])],
      contacts: [...(c.contacts ?? [])],
      ...(c.customerRelationship ? { customerRelationship: { ...c.customerRelationship } } : {}),
    }),
  );
  const civicAddresses: CivicAddressSeed[] = [];
  for (const c of seed.consents ?? []) {
    const accountName = accounts.get(c.tenantId.toLowerCase());
    if (accountName === undefined) continue;
    for (const address of c.civicAddresses ?? []) {
      // TeamsCivicAddressResource requires defaultLocationId; the seed's address is its own default location.
      civicAddresses.push({ accountName, address: { defaultLocationId: address.id, tenantId: c.tenantId, ...address } });
    }
  }
  const numberErrors = (seed.numbers ?? []).map(
    (n): NumberErrorSeed => ({
      telephoneNumber: n.telephoneNumber,
      code: 'NumberHeldByAnotherTenant',
      message: `${n.telephoneNumber} is held by another Teams tenant (${n.tenantId})`,
    }),
  );
  return { requestsForInformation, civicAddresses, numberErrors };
}

interface Listed {
  readonly value: Record<string, unknown>[];
  readonly nextLink?: string;
}

/** Every item of a paged list of the simulator's API, with a token its fake Entra ID issues; waits out a 429. */
async function listAll(simulator: AcgSimulator, path: string): Promise<Record<string, unknown>[]> {
  const endpoints = simulator.endpoints;
  if (!endpoints) throw new Error('the ACG simulator is not running');
  const token = simulator.admin.issueToken();
  const items: Record<string, unknown>[] = [];
  let next: string | undefined = `${endpoints.url}${path}?api-version=${encodeURIComponent(endpoints.apiVersion)}`;
  for (let attempts = 0; next !== undefined && attempts < 1000; attempts += 1) {
    const response = await fetch(next, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    if (response.status === 429) {
      const wait = Number(response.headers.get('retry-after') ?? '1');
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait) * 1000));
      continue;
    }
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
    const page = (await response.json()) as Listed;
    items.push(...page.value);
    next = page.nextLink;
  }
  return items;
}

const record = (value: unknown): Record<string, unknown> => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

export function acgDemoBackend(seed: DemoSeed, examples: readonly DemoExample[]): DemoBackend {
  const seeds = acgSeeds(seed, examples);
  const simulator = createAcgSimulator({
    latencyMs: 20,
    provisioningDelayMs: PROVISIONING_DELAY_MS,
    rateLimitPerMinute: REQUESTS_PER_MINUTE,
    ...seeds,
  });
  return {
    name: 'Azure Communications Gateway',
    async start() {
      const endpoints = await simulator.start();
      return {
        endpoints,
        banner: `Azure Communications Gateway Provisioning API simulator on ${endpoints.url} (fake Entra ID on ${endpoints.authorityHost}; ${REQUESTS_PER_MINUTE} requests/minute, 429 above)`,
        seeded: `seeded: ${seeds.requestsForInformation.length} requests for information (${seeds.requestsForInformation.map((r) => `${r.tenantId.slice(0, 8)}… ${r.status ?? 'active'}`).join(', ')}), ${seeds.civicAddresses.length} civic address(es), ${seeds.numberErrors.length} number the sync refuses (${seeds.numberErrors.map((e) => e.telephoneNumber).join(', ')})`,
        env: {
          ...acgClientEnvironment(endpoints),
          BACKEND: 'acg',
          ACG_PROVISIONING_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
          // An account written is read again after this (it settles PROVISIONING_DELAY_MS after its write).
          ACG_PROVISIONING_POLL_INTERVAL_MS: String(PROVISIONING_DELAY_MS + 100),
          RECONCILER_EXPECTED_PROCESSING_MS: String(PROVISIONING_DELAY_MS + 100),
          RECONCILER_CONSENT_CACHE_MS: '200',
          RECONCILER_CONSENT_RECHECK_MS: '1000',
        },
      };
    },
    activateConsent(tenantId) {
      const rfi = seeds.requestsForInformation.find((r) => r.tenantId.toLowerCase() === tenantId.toLowerCase());
      // The customer accepts the operator in Teams: the same RFI, now active.
      simulator.admin.putRequestForInformation({ ...(rfi ?? { tenantId }), status: 'active' });
    },
    async report() {
      const lines: string[] = [];
      const problems: string[] = [];
      // The worker's calls only: the listings below go through the API too.
      const c = simulator.counters.snapshot();
      let pending = 0;
      const accounts = await listAll(simulator, '/accounts');
      lines.push(`Azure Communications Gateway holds ${accounts.length} account(s):`);
      for (const account of accounts) {
        const name = String(account.name);
        const details = record(account.serviceDetails);
        const services = Object.entries(details)
          .filter(([, v]) => record(v).enabled === true)
          .map(([service, v]) => `${service} ${String(record(v).numberCount ?? 0)}`);
        const subdomain = record(details.teamsDirectRouting).subdomainStatus;
        const numbers = await listAll(simulator, `/accounts/${encodeURIComponent(name)}/numbers`);
        const byStatus = new Map<string, number>();
        for (const n of numbers) {
          const status = String(n.serviceProvisioningStatus ?? 'none');
          byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
          if (status === 'pending') pending += 1;
        }
        lines.push(
          `  ${name.padEnd(12)} ${String(account.serviceProvisioningStatus ?? '?').padEnd(8)} subdomainStatus ${typeof subdomain === 'string' ? subdomain : '-'}  ` +
            `numbers ${numbers.length}${numbers.length > 0 ? ` (${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ')})` : ''}` +
            `${services.length > 0 ? `  numberCount: ${services.join(', ')}` : ''}`,
        );
      }
      const rfis = await listAll(simulator, '/teamsRequestsForInformation');
      for (const rfi of rfis) {
        const relationship = record(rfi.customerRelationship);
        lines.push(
          `  RFI ${String(rfi.tenantId)} ${String(rfi.status)}${rfi.accountName ? ` (account ${String(rfi.accountName)})` : ''} customerRelationship ${String(relationship.status ?? '-')}`,
        );
      }
      lines.push(
        `Azure Communications Gateway API calls: ${c.totalCalls} (${describeCalls(c.calls)}); 429s ${c.throttled}; ` +
          `request violations ${c.requestViolations}, response violations ${c.responseViolations}.`,
      );
      if (c.requestViolations > 0) problems.push(`${c.requestViolations} request(s) the swagger refuses reached the simulator`);
      if (c.responseViolations > 0) problems.push(`the simulator sent ${c.responseViolations} answer(s) that break the swagger`);
      if (pending > 0) problems.push(`${pending} number(s) are still pending in Azure Communications Gateway`);
      return { lines, problems };
    },
    stop: () => simulator.stop(),
  };
}
