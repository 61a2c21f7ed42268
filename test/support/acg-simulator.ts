import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import { AcgProvisioningClient, type AcgClientOptions, type AcgClientSettings } from '../../src/acg/index.js';
import { Secret } from '../../src/platform/config/secret.js';
import { silentLogger } from './test-context.js';
import {
  createAcgSimulator,
  type AcgSimulator,
  type AcgSimulatorEndpoints,
  type AcgSimulatorOptions,
} from '../../src/acg-simulator/index.js';

export interface AcgAnswer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface AcgCallOptions {
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A token string, null for none; the default client's token when absent. */
  readonly token?: string | null;
  readonly contentType?: string;
  /** null: no api-version. */
  readonly apiVersion?: string | null;
}

/** A bare HTTP client of the ACG Provisioning API: no retries, nothing the tests do not ask for. */
export class AcgClient {
  constructor(
    readonly endpoints: AcgSimulatorEndpoints,
    private readonly token: () => string,
  ) {}

  url(path: string, options: AcgCallOptions = {}): string {
    const url = new URL(`${this.endpoints.url}${path}`);
    const apiVersion = options.apiVersion === undefined ? this.endpoints.apiVersion : options.apiVersion;
    if (apiVersion !== null) url.searchParams.set('api-version', apiVersion);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    return url.toString();
  }

  async call<T = unknown>(method: string, pathOrUrl: string, body?: unknown, options: AcgCallOptions = {}): Promise<AcgAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.token() : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined)
      headers['content-type'] = options.contentType ?? (method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : this.url(pathOrUrl, options);
    const response = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

/**
 * A started ACG simulator for one test (stopped after it), unthrottled and
 * with a short provisioning delay unless the test says otherwise; after the
 * test, asserts that no answer broke the swagger.
 */
export async function startAcgSimulator(
  t: TestContext,
  options: AcgSimulatorOptions = {},
): Promise<{ simulator: AcgSimulator; endpoints: AcgSimulatorEndpoints; api: AcgClient }> {
  const simulator = createAcgSimulator({ rateLimitPerMinute: 0, provisioningDelayMs: 50, ...options });
  const endpoints = await simulator.start();
  t.after(async () => {
    await simulator.stop();
    assert.equal(simulator.counters.snapshot().responseViolations, 0, 'the simulator sent answers that violate the swagger');
  });
  return { simulator, endpoints, api: new AcgClient(endpoints, () => simulator.admin.issueToken()) };
}

export const TEAMS_TENANT = 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a';

export const ocAccount = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  name,
  serviceDetails: { teamsTenantId: TEAMS_TENANT, teamsOperatorConnect: { enabled: true, syncEnabled: true }, ...extra },
});

export const ocNumber = (accountName: string, telephoneNumber: string): Record<string, unknown> => ({
  telephoneNumber,
  accountName,
  serviceDetails: {
    teamsOperatorConnect: { enabled: true, configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling'] } },
  },
});

/** Polls `read` until `done` holds, failing with what it last saw after `ms`. */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(last)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
    last = await read();
  }
  return last;
}

/**
 * Settings of a production AcgProvisioningClient for the simulator: a client
 * secret against its fake Entra ID, unpaced, quick retries unless overridden.
 */
export function acgClientSettings(endpoints: AcgSimulatorEndpoints, overrides: Partial<AcgClientSettings> = {}): AcgClientSettings {
  return {
    baseUrl: endpoints.url,
    apiVersion: endpoints.apiVersion,
    auth: {
      credential: 'client-secret',
      tenantId: endpoints.tenantId,
      clientId: endpoints.clientId,
      clientSecret: new Secret(endpoints.clientSecret),
      authorityHost: endpoints.authorityHost,
      disableInstanceDiscovery: true,
      managedIdentityClientId: '',
      scope: endpoints.scope,
    },
    requestsPerMinute: 0,
    retry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 500 },
    ...overrides,
  };
}

/** A production AcgProvisioningClient of the simulator (acgClientSettings), logging nowhere unless told. */
export function acgTestClient(
  endpoints: AcgSimulatorEndpoints,
  overrides: Partial<AcgClientSettings> = {},
  options: Partial<Omit<AcgClientOptions, 'settings'>> = {},
): AcgProvisioningClient {
  return new AcgProvisioningClient({ settings: acgClientSettings(endpoints, overrides), logger: silentLogger(), ...options });
}
