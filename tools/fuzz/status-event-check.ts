import type { IHeaders } from 'kafkajs';
import { createSchemaAjv, readSchema } from '../../src/contracts/order-validator.js';

/**
 * Checks a status-topic record as the contract states it, without the
 * project's own reader: a CloudEvents 1.0 event (binary mode: ce_* headers,
 * or structured mode: application/cloudevents+json) whose data validates
 * against schemas/status.v1.json. The event types the topic carries are
 * the contract's business (status.v1.json); any non-empty type passes here.
 */

export interface CheckedStatusEvent {
  readonly id: string | undefined;
  readonly source: string | undefined;
  readonly type: string | undefined;
  readonly orderId: string | undefined;
  readonly state: string | undefined;
  /** Why it is not a valid status event; undefined when it is. */
  readonly problem: string | undefined;
}

const ATTRIBUTES = {
  type: 'object',
  required: ['specversion', 'id', 'source', 'type'],
  properties: {
    specversion: { const: '1.0' },
    id: { type: 'string', minLength: 1 },
    source: { type: 'string', minLength: 1 },
    type: { type: 'string', minLength: 1 },
    time: { type: 'string', format: 'date-time' },
    subject: { type: 'string', minLength: 1 },
    dataschema: { type: 'string', minLength: 1 },
    datacontenttype: { type: 'string', pattern: '^[Aa][Pp][Pp][Ll][Ii][Cc][Aa][Tt][Ii][Oo][Nn]/[Jj][Ss][Oo][Nn][ \\t]*(;.*)?$' },
  },
} as const;

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function errorsText(errors: ReadonlyArray<{ instancePath: string; message?: string; keyword: string }> | null | undefined): string {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
    .join('; ');
}

export function statusEventChecker(): (headers: IHeaders, value: Buffer | null) => CheckedStatusEvent {
  const ajv = createSchemaAjv();
  const attributesValid = ajv.compile(ATTRIBUTES);
  const dataValid = ajv.compile(readSchema('status.v1.json'));
  return (headers, value) => {
    const attributes: Record<string, unknown> = {};
    let data: unknown;
    let problem: string | undefined;
    try {
      const header = (name: string): string | undefined => {
        const raw = headers[name];
        const first = Array.isArray(raw) ? raw[0] : raw;
        return first === undefined ? undefined : typeof first === 'string' ? first : UTF8.decode(first);
      };
      if (value === null) throw new Error('no value (a tombstone)');
      const body = UTF8.decode(value);
      const contentType = header('content-type');
      if (contentType?.trim().toLowerCase().startsWith('application/cloudevents') === true) {
        const event = JSON.parse(body) as unknown;
        if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new Error('structured event is not a JSON object');
        Object.assign(attributes, event);
        data = (event as Record<string, unknown>).data;
      } else {
        for (const name of ['specversion', 'id', 'source', 'type', 'time', 'subject', 'dataschema']) {
          const v = header(`ce_${name}`);
          if (v !== undefined) attributes[name] = v;
        }
        if (contentType !== undefined) attributes.datacontenttype = contentType;
        data = JSON.parse(body) as unknown;
      }
      if (!attributesValid(attributes)) problem = `not a CloudEvent: ${errorsText(attributesValid.errors)}`;
      else if (!dataValid(data)) problem = `data fails status.v1.json: ${errorsText(dataValid.errors)}`;
    } catch (error) {
      problem = error instanceof Error ? error.message : String(error);
    }
    const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
    const fields = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
    return {
      id: text(attributes.id),
      source: text(attributes.source),
      type: text(attributes.type),
      orderId: text(fields.orderId),
      state: text(fields.state),
      problem,
    };
  };
}
