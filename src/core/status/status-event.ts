import { PermanentError } from '../errors.js';
import { isOrderState } from '../order-state/states.js';
import {
  RESEND_REJECTED_EVENT_TYPE,
  STATUS_EVENT_TYPE,
  STATUS_SCHEMA_ID,
  type ItemStatus,
  type NumberCounts,
  type NumberResult,
  type StatusEventData,
} from './status-data.js';

/** A Kafka record ready for a producer: string key, string headers, JSON value. */
export interface StatusEventRecord {
  readonly key: string;
  readonly headers: Record<string, string>;
  readonly value: string;
}

export interface StatusEventInput {
  /**
   * ce_id: stable for this event across retries of the relay, e.g.
   * statusEventId(orderId, sequence), so subscribers can de-duplicate on
   * ce_source + ce_id.
   */
  readonly id: string;
  readonly data: StatusEventData;
}

export interface StatusEventOptions {
  /** ce_source: a URI-reference naming this worker deployment, e.g. `/flowthrough/contoso-prod`. */
  readonly source: string;
  /** ce_time; defaults to data.occurredAt, the moment the state changed (not when the relay sent it). */
  readonly time?: string;
}

/** A received status event: its CloudEvents attributes and its data. */
export interface StatusEvent {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  /** STATUS_EVENT_TYPE: a state change of the order; RESEND_REJECTED_EVENT_TYPE: a record reusing an accepted order's id was rejected (same data shape). */
  readonly type: typeof STATUS_EVENT_TYPE | typeof RESEND_REJECTED_EVENT_TYPE;
  readonly subject: string | undefined;
  readonly time: string | undefined;
  readonly dataschema: string | undefined;
  readonly datacontenttype: string | undefined;
  readonly data: StatusEventData;
}

/** Kafka record headers as kafkajs hands them to a consumer (Buffer is a Uint8Array). */
export type ReceivedHeaders = Readonly<Record<string, Uint8Array | string | readonly (Uint8Array | string)[] | undefined>>;

/** The ce_id convention: one sequence number per order, counted by the outbox. */
export function statusEventId(orderId: string, sequence: number): string {
  return `${orderId}:${sequence}`;
}

function invalid(message: string, context: Record<string, string | undefined> = {}): PermanentError {
  return new PermanentError('invalid_status_event', message, { context });
}

// Copies exactly the schema's fields, so extra properties a caller's object
// carries (a database row, say) never leak into the published contract.
function numberResult(n: NumberResult): NumberResult {
  return {
    telephoneNumber: n.telephoneNumber,
    state: n.state,
    ...(n.errorCode === undefined ? {} : { errorCode: n.errorCode }),
    ...(n.message === undefined ? {} : { message: n.message }),
  };
}

function numberCounts(c: NumberCounts): NumberCounts {
  return { pending: c.pending, succeeded: c.succeeded, failed: c.failed, held: c.held, superseded: c.superseded };
}

function itemStatus(item: ItemStatus): ItemStatus {
  return {
    id: item.id,
    action: item.action,
    resource: item.resource,
    state: item.state,
    ...(item.reason === undefined ? {} : { reason: { code: item.reason.code, message: item.reason.message } }),
    ...(item.numbers === undefined ? {} : { numbers: item.numbers.map(numberResult) }),
    ...(item.numberCounts === undefined ? {} : { numberCounts: numberCounts(item.numberCounts) }),
    ...(item.directRouting === undefined
      ? {}
      : { directRouting: { subdomain: item.directRouting.subdomain, subdomainStatus: item.directRouting.subdomainStatus } }),
  };
}

/** Exactly the schema's fields of a status event's data. */
export function statusData(data: StatusEventData): StatusEventData {
  const problem = (p: { code: string; path: string; message: string }) => ({ code: p.code, path: p.path, message: p.message });
  return {
    orderId: data.orderId,
    account: data.account,
    state: data.state,
    previousState: data.previousState,
    occurredAt: data.occurredAt,
    attempts: data.attempts,
    items: data.items.map(itemStatus),
    ...(data.violations === undefined ? {} : { violations: data.violations.map(problem) }),
    ...(data.warnings === undefined ? {} : { warnings: data.warnings.map(problem) }),
    ...(data.numbersOmitted === undefined
      ? {}
      : {
          numbersOmitted: {
            maxBytes: data.numbersOmitted.maxBytes,
            readApiPath: data.numbersOmitted.readApiPath,
            command: data.numbersOmitted.command,
          },
        }),
  };
}

/**
 * A status event as a Kafka record in CloudEvents 1.0 binary mode: the
 * attributes in ce_* headers, the data as the value. Keyed by account, like
 * the orders topic, so one account's events keep their order; an order
 * rejected before its account could be read is keyed by its orderId.
 */
export function buildStatusEvent(input: StatusEventInput, options: StatusEventOptions): StatusEventRecord {
  const { id, data } = input;
  if (id.length === 0) throw invalid('a status event needs a non-empty id (ce_id)', { orderId: data.orderId });
  if (options.source.length === 0) throw invalid('a status event needs a non-empty source (ce_source)', { orderId: data.orderId });
  return {
    key: statusEventKey(data),
    headers: statusEventHeaders({ id, source: options.source, orderId: data.orderId, time: options.time ?? data.occurredAt }),
    value: JSON.stringify(statusData(data)),
  };
}

/** The record key: the account, or the orderId when no account could be read. */
export function statusEventKey(data: Pick<StatusEventData, 'account' | 'orderId'>): string {
  return data.account !== null && data.account.length > 0 ? data.account : data.orderId;
}

/**
 * The CloudEvents binary-mode headers of a status event (the relay derives
 * them too); `type` defaults to STATUS_EVENT_TYPE and `subject` to the orderId.
 */
export function statusEventHeaders(attributes: {
  id: string;
  source: string;
  orderId: string;
  time: string;
  type?: string;
  subject?: string;
}): Record<string, string> {
  return {
    ce_specversion: '1.0',
    ce_id: attributes.id,
    ce_source: attributes.source,
    ce_type: attributes.type ?? STATUS_EVENT_TYPE,
    ce_subject: attributes.subject ?? attributes.orderId,
    ce_time: attributes.time,
    ce_dataschema: STATUS_SCHEMA_ID,
    'content-type': 'application/json',
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function text(value: Uint8Array | string): string {
  return typeof value === 'string' ? value : decoder.decode(value);
}

function header(headers: ReceivedHeaders, name: string): string | undefined {
  // Header names are case-sensitive in Kafka, but senders disagree on the
  // case of content-type; CloudEvents attribute names are lower case.
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const raw = key === undefined ? undefined : headers[key];
  if (raw === undefined) return undefined;
  const first = Array.isArray(raw) ? (raw as readonly (Uint8Array | string)[])[0] : (raw as Uint8Array | string);
  return first === undefined ? undefined : text(first);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new PermanentError('invalid_status_event', `${what} is not JSON`, { cause: error });
  }
}

/**
 * A shape check, not a schema validation: enough to trust the fields a
 * subscriber reads first. Validate against schemas/status.v1.json (ajv) when
 * the whole contract matters.
 */
function checkData(data: unknown): StatusEventData {
  if (!isRecord(data)) throw invalid('status event data is not a JSON object');
  if (typeof data.orderId !== 'string' || data.orderId.length === 0) throw invalid('status event data has no orderId');
  const orderId = data.orderId;
  if (!isOrderState(data.state)) throw invalid(`status event data has an unknown state ${JSON.stringify(data.state)}`, { orderId });
  if (data.previousState !== null && !isOrderState(data.previousState)) {
    throw invalid(`status event data has an unknown previousState ${JSON.stringify(data.previousState)}`, { orderId });
  }
  if (data.account !== null && typeof data.account !== 'string')
    throw invalid('status event data has no account (string or null)', { orderId });
  if (!Array.isArray(data.items)) throw invalid('status event data has no items array', { orderId });
  return data as unknown as StatusEventData;
}

/**
 * Reads a status event from a Kafka record, in binary mode (what we publish)
 * or structured mode (`content-type: application/cloudevents+json`, which the
 * CloudEvents Kafka binding asks receivers to accept too). Throws
 * PermanentError `invalid_status_event` when it is not one.
 */
export function parseStatusEvent(headers: ReceivedHeaders, value: Uint8Array | string | null): StatusEvent {
  if (value === null) throw invalid('status event has no value (a tombstone)');
  const body = text(value);
  const contentType = header(headers, 'content-type');
  const structured = contentType?.toLowerCase().startsWith('application/cloudevents') === true;

  let attributes: Record<string, unknown>;
  let data: unknown;
  if (structured) {
    const envelope = parseJson(body, 'structured CloudEvent');
    if (!isRecord(envelope)) throw invalid('structured CloudEvent is not a JSON object');
    attributes = envelope;
    data = envelope.data;
  } else {
    attributes = {};
    for (const name of ['specversion', 'id', 'source', 'type', 'subject', 'time', 'dataschema']) {
      attributes[name] = header(headers, `ce_${name}`);
    }
    attributes.datacontenttype = contentType;
    data = parseJson(body, 'status event data');
  }

  const attribute = (name: string): string | undefined => {
    const v = attributes[name];
    return typeof v === 'string' ? v : undefined;
  };
  const id = attribute('id');
  const source = attribute('source');
  if (attribute('specversion') !== '1.0')
    throw invalid(`not a CloudEvents 1.0 event (specversion ${JSON.stringify(attribute('specversion'))})`);
  const type = attribute('type');
  if (type !== STATUS_EVENT_TYPE && type !== RESEND_REJECTED_EVENT_TYPE)
    throw invalid(`not a status event (type ${JSON.stringify(type)})`, { id });
  if (id === undefined || id.length === 0) throw invalid('status event has no id');
  if (source === undefined || source.length === 0) throw invalid('status event has no source', { id });

  return {
    specversion: '1.0',
    id,
    source,
    type,
    subject: attribute('subject'),
    time: attribute('time'),
    dataschema: attribute('dataschema'),
    datacontenttype: attribute('datacontenttype'),
    data: checkData(data),
  };
}
