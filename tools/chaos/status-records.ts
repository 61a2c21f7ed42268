import { createHash } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { statusEventChecker } from '../fuzz/status-event-check.js';

/**
 * Every record of the status topic, checked against the contract (the fuzz
 * run's checker: a CloudEvent whose data validates against
 * schemas/status.v1.json), with what the invariants need: ce_id, ce_source,
 * type, order, state, sequence, ce_time and a fingerprint of the bytes.
 */

export interface StatusRecord {
  readonly partition: number;
  readonly offset: string;
  readonly ceId: string | undefined;
  readonly ceSource: string | undefined;
  readonly ceType: string | undefined;
  readonly orderId: string | undefined;
  readonly state: string | undefined;
  /** The n of an order's `orderId:n` ce_id; undefined for other ids (rejections). */
  readonly sequence: number | undefined;
  /** ce_time (epoch ms): when the state changed. */
  readonly time: number | undefined;
  /** sha256 of the value and every header: two records with one ce_id must be byte-identical. */
  readonly fingerprint: string;
  readonly problem: string | undefined;
}

function header(headers: IHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
}

function fingerprint(value: Buffer | null, headers: IHeaders): string {
  const hash = createHash('sha256').update(value ?? Buffer.alloc(0));
  for (const name of Object.keys(headers).sort()) {
    const raw = headers[name];
    for (const v of Array.isArray(raw) ? raw : [raw]) hash.update(`\u0000${name}\u0000`).update(v ?? '');
  }
  return hash.digest('hex');
}

export function statusRecordReader(): { read(partition: number, message: KafkaMessage): StatusRecord } {
  const check = statusEventChecker();
  return {
    read: (partition, message) => {
      const headers = message.headers ?? {};
      const checked = check(headers, message.value);
      const ceId = checked.id ?? header(headers, 'ce_id');
      const orderId = checked.orderId;
      const sequence =
        ceId !== undefined && orderId !== undefined && ceId.startsWith(`${orderId}:`) && /^\d+$/.test(ceId.slice(orderId.length + 1))
          ? Number(ceId.slice(orderId.length + 1))
          : undefined;
      const time = header(headers, 'ce_time');
      return {
        partition,
        offset: message.offset,
        ceId,
        ceSource: checked.source ?? header(headers, 'ce_source'),
        ceType: checked.type,
        orderId,
        state: checked.state,
        sequence,
        time: time === undefined || Number.isNaN(Date.parse(time)) ? undefined : Date.parse(time),
        fingerprint: fingerprint(message.value, headers),
        problem: checked.problem,
      };
    },
  };
}
