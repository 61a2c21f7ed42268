import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';

/**
 * Microsoft's published Swagger 2.0 definition of the ACG Provisioning API
 * (simulator/acg/<api-version>/swagger.json, copied with its provenance), read
 * once, checked by @apidevtools/swagger-parser (the Swagger 2.0 schema and the
 * spec's own rules, every $ref resolvable) and turned into the operation table
 * the simulator routes and validates with. The schemas stay as written (with
 * their $refs): the validator resolves them, so recursive models work.
 */

export const ACG_API_VERSION = '2024-02-29-preview';

/** A parameter of an operation, its $ref resolved. */
export interface SpecParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'body';
  readonly required: boolean;
  /** Non-body parameters: the JSON Schema facets of the parameter (type, format, pattern, lengths, enum). */
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface SpecResponse {
  /** JSON Schema of the body ($refs into the definitions), or none (204). */
  readonly schema: Readonly<Record<string, unknown>> | undefined;
  /** Declared headers, by lower-case name. */
  readonly headers: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface SpecOperation {
  readonly operationId: string;
  readonly method: string;
  /** Path template as in the swagger, e.g. "/accounts/{accountName}:createOrUpdateNumbers". */
  readonly template: string;
  readonly parameters: readonly SpecParameter[];
  readonly consumes: readonly string[];
  /** By status code, plus "default". */
  readonly responses: Readonly<Record<string, SpecResponse>>;
  /** Whether the operation declares Repeatability-Request-ID. */
  readonly repeatable: boolean;
}

export interface AcgSpec {
  readonly apiVersion: string;
  /** The swagger document as read (x-ms-examples removed). */
  readonly document: Readonly<Record<string, unknown>>;
  readonly definitions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly operations: readonly SpecOperation[];
  /** The OAuth2 scope the swagger declares, e.g. "https://…/.default". */
  readonly scope: string;
}

/** simulator/acg/<version>/ in the package: the same from src/ (tsx) and dist/ (compiled). */
export function specDirectory(apiVersion: string = ACG_API_VERSION): string {
  return fileURLToPath(new URL(`../../simulator/acg/${apiVersion}/`, import.meta.url));
}

const PARAMETER_FACETS = ['type', 'format', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'enum', 'items'] as const;

type Json = Record<string, unknown>;

const asRecord = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});

function withoutExamples(document: Json): Json {
  const paths: Json = {};
  for (const [path, item] of Object.entries(asRecord(document.paths))) {
    const operations: Json = {};
    for (const [method, operation] of Object.entries(asRecord(item))) {
      const { 'x-ms-examples': _examples, ...rest } = asRecord(operation);
      operations[method] = rest;
    }
    paths[path] = operations;
  }
  return { ...document, paths };
}

function resolveParameter(document: Json, raw: Json): SpecParameter {
  const ref = typeof raw.$ref === 'string' ? raw.$ref : undefined;
  const parameter = ref ? asRecord(asRecord(document.parameters)[ref.replace('#/parameters/', '')]) : raw;
  const location = String(parameter.in) as SpecParameter['in'];
  const schema: Json = {};
  if (location === 'body') Object.assign(schema, asRecord(parameter.schema));
  else for (const facet of PARAMETER_FACETS) if (parameter[facet] !== undefined) schema[facet] = parameter[facet];
  return { name: String(parameter.name), in: location, required: parameter.required === true, schema };
}

function operationsOf(document: Json): SpecOperation[] {
  const globalConsumes = Array.isArray(document.consumes) ? (document.consumes as string[]) : ['application/json'];
  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(asRecord(document.paths))) {
    for (const [method, value] of Object.entries(asRecord(item))) {
      if (method === 'parameters') continue;
      const operation = asRecord(value);
      const parameters = (Array.isArray(operation.parameters) ? (operation.parameters as Json[]) : []).map((p) =>
        resolveParameter(document, p),
      );
      const responses: Record<string, SpecResponse> = {};
      for (const [status, response] of Object.entries(asRecord(operation.responses))) {
        const r = asRecord(response);
        const headers: Record<string, Json> = {};
        for (const [name, header] of Object.entries(asRecord(r.headers))) headers[name.toLowerCase()] = asRecord(header);
        responses[status] = { schema: r.schema ? asRecord(r.schema) : undefined, headers };
      }
      operations.push({
        operationId: String(operation.operationId),
        method: method.toUpperCase(),
        template,
        parameters,
        consumes: Array.isArray(operation.consumes) ? (operation.consumes as string[]) : globalConsumes,
        responses,
        repeatable: parameters.some((p) => p.in === 'header' && p.name.toLowerCase() === 'repeatability-request-id'),
      });
    }
  }
  return operations;
}

const loaded = new Map<string, Promise<AcgSpec>>();

/** Reads and checks the swagger of `apiVersion` (once per process); rejects when it is not valid Swagger 2.0. */
export function loadAcgSpec(apiVersion: string = ACG_API_VERSION): Promise<AcgSpec> {
  let spec = loaded.get(apiVersion);
  if (!spec) {
    spec = (async () => {
      const text = await readFile(new URL('swagger.json', `file://${specDirectory(apiVersion)}`), 'utf8');
      const document = withoutExamples(JSON.parse(text) as Json);
      // validate() dereferences its argument in place: give it a copy, keep the document with its $refs.
      await SwaggerParser.validate(structuredClone(document) as never);
      const oauth = asRecord(asRecord(document.securityDefinitions).OAuth2Auth);
      return {
        apiVersion,
        document,
        definitions: asRecord(document.definitions) as AcgSpec['definitions'],
        operations: operationsOf(document),
        scope: Object.keys(asRecord(oauth.scopes))[0] ?? '',
      };
    })();
    spec.catch(() => loaded.delete(apiVersion));
    loaded.set(apiVersion, spec);
  }
  return spec;
}
