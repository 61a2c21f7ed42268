import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** schemas/status.v1.json, as a subscriber would read it. */
export const statusSchema = JSON.parse(readFileSync(new URL('../../schemas/status.v1.json', import.meta.url), 'utf8')) as { $id: string };

const ajv = new Ajv2020({ strict: true, allErrors: true });
// ajv-formats is CommonJS: under NodeNext the default import is module.exports, whose .default is the plugin.
addFormats.default(ajv);
const validate = ajv.compile(statusSchema);

/** The schema's complaints about a status event's data; empty when it is valid. */
export function statusSchemaErrors(data: unknown): string[] {
  return validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}
