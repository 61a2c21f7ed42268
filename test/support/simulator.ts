import { randomUUID } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import type { TestContext } from 'node:test';
import { createSimulator, type Simulator, type SimulatorEndpoints, type SimulatorOptions } from '../../src/simulator/index.js';

/** Tenants of the default seed. */
export const TENANT_A = '11111111-1111-4111-8111-111111111111';
export const TENANT_B = '22222222-2222-4222-8222-222222222222';
export const TENANT_SUSPENDED = '33333333-3333-4333-8333-333333333333';
export const CIVIC_US = 'civic-us-redmond';
export const LOCATION_US = 'loc-us-redmond-b1';
export const CIVIC_GB = 'civic-gb-london';

export const SEED_CONSENTS: SimulatorOptions['consents'] = [
  {
    tenantId: TENANT_A,
    consentedCountries: ['US', 'UK', 'CA'],
    contacts: [{ fullName: 'Ada Admin', email: 'ada@contoso.example', companySize: 'L1_U1' }],
    civicAddresses: [
      { id: CIVIC_US, country: 'US', locationIds: [LOCATION_US] },
      { id: CIVIC_GB, country: 'GB' },
    ],
  },
  { tenantId: TENANT_B, consentedCountries: ['DE', 'US'] },
  { tenantId: TENANT_SUSPENDED, status: 'suspended', consentedCountries: ['US'] },
];

/** Fast, unthrottled defaults; a test overrides what it exercises. */
export async function startSimulator(
  t: TestContext,
  options: SimulatorOptions = {},
): Promise<{ simulator: Simulator; endpoints: SimulatorEndpoints; api: ApiClient }> {
  const simulator = createSimulator({ processingDelayMs: 0, rateLimitPerSecond: 0, consents: SEED_CONSENTS, ...options });
  const endpoints = await simulator.start();
  t.after(() => simulator.stop());
  return { simulator, endpoints, api: new ApiClient(endpoints, () => simulator.admin.issueToken()) };
}

export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

export interface CallOptions {
  readonly requestId?: string | null;
  readonly firstSent?: string;
  readonly token?: string | null;
  readonly contentType?: string;
  readonly apiVersion?: string | null;
  readonly signal?: AbortSignal;
}

/** A bare HTTP client of the contract: only what the tests need, none of the real client's retry logic. */
export class ApiClient {
  constructor(
    readonly endpoints: SimulatorEndpoints,
    private readonly token: () => string,
  ) {}

  url(path: string, apiVersion: string | null = this.endpoints.apiVersion): string {
    const url = new URL(`${this.endpoints.url}${path}`);
    if (apiVersion !== null) url.searchParams.set('api-version', apiVersion);
    return url.toString();
  }

  get<T = unknown>(path: string, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('GET', path, undefined, options);
  }

  post<T = unknown>(path: string, body: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('POST', path, body, options);
  }

  patch<T = unknown>(path: string, body: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('PATCH', path, body, { contentType: 'application/merge-patch+json', ...options });
  }

  async call<T>(method: string, path: string, body: unknown, options: CallOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    const token = options.token === undefined ? this.token() : options.token;
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
    if (method !== 'GET') {
      const requestId = options.requestId === undefined ? randomUUID() : options.requestId;
      if (requestId !== null) headers['repeatability-request-id'] = requestId;
      if (options.firstSent) headers['repeatability-first-sent'] = options.firstSent;
    }
    const response = await fetch(this.url(path, options.apiVersion), {
      method,
      headers,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

export const paths = {
  upload: (tenant: string) => `/tenants/${tenant}/numberUploadOrders`,
  release: (tenant: string) => `/tenants/${tenant}/numberReleaseOrders`,
  update: (tenant: string) => `/tenants/${tenant}/numberUpdateOrders`,
  order: (id: string) => `/numberOrders/${id}`,
  numbers: (tenant: string) => `/tenants/${tenant}/numbers`,
  number: (tenant: string, tn: string) => `/tenants/${tenant}/numbers/${encodeURIComponent(tn)}`,
  consents: '/consents',
  consent: (tenant: string) => `/consents/${tenant}`,
};

/** POST over HTTPS trusting only the given CA, as a form (the token endpoint's content type). */
export function postForm(
  url: string,
  form: Record<string, string>,
  ca: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const payload = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method: 'POST',
        ca,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export const ocNumber = (telephoneNumber: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  telephoneNumber,
  usage: 'CallingUserAssignment',
  choosableCapabilities: ['InboundCalling', 'OutboundCalling'],
  ...extra,
});
