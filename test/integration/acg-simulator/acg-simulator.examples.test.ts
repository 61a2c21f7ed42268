import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadAcgSpec, responseViolations, SchemaValidator, specDirectory, type SpecOperation } from '../../../src/acg-simulator/index.js';
import { startAcgSimulator } from '../../support/acg-simulator.js';

interface Example {
  readonly operationId: string;
  readonly parameters: Record<string, unknown>;
  readonly responses: Record<string, { body?: unknown; headers?: Record<string, unknown> }>;
}

/** Writes first (so that reads find something), deletes last. */
const ORDER = [
  'Accounts_CreateOrReplace',
  'Accounts_CreateOrReplaceNumber',
  'TeamsRequestsForInformation_CreateOrUpdateRequestForInformation',
];
const LAST = ['Accounts_DeleteNumbers'];

const rank = (id: string): number => (ORDER.includes(id) ? ORDER.indexOf(id) : LAST.includes(id) ? 100 : 50);

/** The shape of a value: its keys and their types, recursively (arrays by their first element). */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => [k, shape(v)])
        .sort(([a], [b]) => String(a).localeCompare(String(b))),
    );
  }
  return typeof value;
}

test("the simulator answers every one of Microsoft's example requests with the example's status and shape, valid by the swagger", async (t) => {
  const spec = await loadAcgSpec();
  const validator = new SchemaValidator(spec);
  const directory = join(specDirectory(), 'examples');
  const examples = await Promise.all(
    (await readdir(directory)).map(async (file) => ({
      file,
      example: JSON.parse(await readFile(join(directory, file), 'utf8')) as Example,
    })),
  );
  assert.ok(examples.length >= 11, 'every example copied from the swagger is there');
  const sample = examples.find((e) => e.example.operationId === 'Accounts_GetTeamsCivicAddress')?.example.responses['200']?.body as {
    id: string;
  };
  const { api, simulator } = await startAcgSimulator(t, {
    requestsForInformation: [
      {
        tenantId: 'a7f4bd5c-cc01-40f4-8baa-2b6bdb272b8a',
        consentedCountries: ['US', 'UK'],
        contacts: [
          {
            fullName: 'John Smith',
            email: 'johnsmith@commsgw.operator.com',
            telephoneNumber: '+15105850321',
            companyName: 'operator',
            companySize: 'L1_U1',
          },
        ],
        customerRelationship: { status: 'ConsentAcknowledged', comment: 'Acknowledged' },
      },
    ],
    civicAddresses: [{ accountName: 'contoso', address: sample }],
  });

  for (const { file, example } of examples.sort((a, b) => rank(a.example.operationId) - rank(b.example.operationId))) {
    const operation = spec.operations.find((o) => o.operationId === example.operationId) as SpecOperation;
    assert.ok(operation, `${file}: ${example.operationId} is an operation of the swagger`);
    let path = operation.template;
    const query: Record<string, string> = {};
    const headers: Record<string, string> = {};
    let body: unknown;
    for (const parameter of operation.parameters) {
      const value = example.parameters[parameter.name];
      if (value === undefined) continue;
      if (parameter.in === 'path') path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(value)));
      else if (parameter.in === 'query') query[parameter.name] = String(value);
      else if (parameter.in === 'header') headers[parameter.name] = String(value);
      else body = value;
    }
    const answer = await api.call(operation.method, path, body, { query, headers, apiVersion: null });
    const expected = Object.keys(example.responses).map(Number);
    assert.ok(
      expected.includes(answer.status),
      `${file}: status ${answer.status}, expected one of ${expected.join(', ')}: ${JSON.stringify(answer.body)}`,
    );
    const reply = { status: answer.status, body: answer.body, headers: Object.fromEntries(answer.headers) };
    assert.deepEqual(responseViolations(validator, operation, reply), [], `${file}: the answer is valid by the swagger`);
    const documented = example.responses[String(answer.status)];
    if (documented?.body !== undefined)
      assert.deepEqual(shape(answer.body), shape(documented.body), `${file}: the answer has the example's shape`);
    else assert.equal(answer.body, undefined, `${file}: no body, as in the example`);
    for (const header of Object.keys(documented?.headers ?? {})) assert.ok(answer.headers.has(header), `${file}: header ${header}`);
  }
  assert.equal(simulator.counters.snapshot().requestViolations, 0, "Microsoft's example requests are valid");
});
