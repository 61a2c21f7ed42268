import { readdirSync, readFileSync } from 'node:fs';
import { DEFAULT_PARSE_LIMITS, type OrderRecord, type ParseLimits } from '../../../../src/core/order/parse-order-record.js';

/** Files of example and fixture records, read from the repository (never from outside it: CI has only the repo). */
const ROOT = new URL('../../../../', import.meta.url);
export const EXAMPLES_DIRECTORY = new URL('examples/', ROOT);
export const INVALID_DIRECTORY = new URL('test/support/fixtures/invalid/', ROOT);
export const ACG_EXAMPLES_DIRECTORY = new URL('test/support/fixtures/acg-examples/', ROOT);

export function readJson<T = unknown>(directory: URL, file: string): T {
  return JSON.parse(readFileSync(new URL(file, directory), 'utf8')) as T;
}

export function jsonFiles(directory: URL): string[] {
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

export type Headers = Record<string, string>;

/**
 * The decision time of unit tests: after every requestedAt of examples/ and
 * the fixtures (2026-11-29), so none is "in the future", and fixed, so no
 * test depends on the day it runs.
 */
export const TEST_NOW = Date.parse('2026-12-01T00:00:00.000Z');
export const TEST_LIMITS: ParseLimits = { ...DEFAULT_PARSE_LIMITS, now: TEST_NOW };

/** Headers as the Kafka adapter hands them over (name → first value). */
export function headerMap(headers: Headers): Map<string, string> {
  return new Map(Object.entries(headers));
}

/** An example as the demo publishes it. */
export interface ExampleFile {
  readonly headers: Headers;
  readonly key: string;
  readonly value: unknown;
}

export interface InvalidFixture {
  readonly description: string;
  readonly headers: Headers;
  readonly value?: unknown;
  readonly valueText?: string;
  readonly valueBase64?: string;
  readonly expect: { readonly codes: readonly string[]; readonly orderId?: string; readonly account?: string };
  /** Limits other than TEST_LIMITS, so a fixture of too_large need not be megabytes. */
  readonly limits?: Partial<ParseLimits>;
}

export function fixtureLimits(fixture: InvalidFixture): ParseLimits {
  return { ...TEST_LIMITS, ...fixture.limits };
}

export function encodeJson(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function exampleRecord(example: ExampleFile): OrderRecord {
  return { headers: headerMap(example.headers), value: encodeJson(example.value) };
}

export function fixtureRecord(fixture: InvalidFixture): OrderRecord {
  let value: Uint8Array | null;
  if (fixture.valueBase64 !== undefined) value = Buffer.from(fixture.valueBase64, 'base64');
  else if (fixture.valueText !== undefined) value = new TextEncoder().encode(fixture.valueText);
  else if (fixture.value === null || fixture.value === undefined) value = null;
  else value = encodeJson(fixture.value);
  return { headers: headerMap(fixture.headers), value };
}

export const BINARY_HEADERS: Headers = {
  ce_specversion: '1.0',
  ce_id: 'test-event-1',
  ce_source: 'urn:example-telco:bss:test',
  ce_type: 'io.flowthrough.order.v1',
  'content-type': 'application/json',
};

/** A binary-mode record carrying `data`. */
export function binaryRecord(data: unknown, headers: Headers = {}): OrderRecord {
  return { headers: headerMap({ ...BINARY_HEADERS, ...headers }), value: encodeJson(data) };
}

/** The smallest valid order around the given items. */
export function orderData(items: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { orderId: 'ORD-TEST-1', account: 'contoso', requestedAt: '2026-11-29T09:00:00Z', items, ...overrides };
}

export function ocNumber(telephoneNumber: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    telephoneNumber,
    serviceDetails: {
      teamsOperatorConnect: {
        enabled: true,
        configuration: { usage: 'CallingUserAssignment', choosableCapabilities: ['InboundCalling', 'OutboundCalling'] },
      },
    },
    ...extra,
  };
}
