import type { IHeaders } from 'kafkajs';
import { FORCE_STALE_HEADER } from '../../core/order/index.js';
import { REPLAY_HEADERS } from '../../core/intake/replay-claim.js';
import { DLT_HEADERS } from '../../intake/index.js';
import { storeHeaders, toKafkaHeaders, unstoreHeaders, type RawHeader, type StoredHeaders } from '../../platform/kafka/record-headers.js';

export { REPLAY_HEADERS };

const DLT_NAMES: ReadonlySet<string> = new Set(Object.values(DLT_HEADERS));
/** Replay markers of an earlier replay, and the stale override: set afresh (or not at all) by this replay. */
const REPLACED_NAMES: ReadonlySet<string> = new Set([...Object.values(REPLAY_HEADERS), FORCE_STALE_HEADER]);

/** Dead-letter headers (ours, Spring Kafka's, Kafka Connect's), whatever wrote them. */
export function isDeadLetterHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    DLT_NAMES.has(lower) || lower.startsWith('kafka_dlt-') || lower.startsWith('flowthrough_dlt-') || lower.startsWith('__connect.errors.')
  );
}

/** The record's original headers: without dead-letter headers and without markers a replay sets itself. */
export function originalHeaders(stored: StoredHeaders): RawHeader[] {
  return unstoreHeaders(stored).filter(({ name }) => !isDeadLetterHeader(name) && !REPLACED_NAMES.has(name.toLowerCase()));
}

export interface ReplayMarkers {
  readonly deadLetterId: string;
  readonly attempt: number;
  readonly replayedAt: Date;
  readonly replayedBy: string;
  readonly forceStale: boolean;
}

export function replayMarkerHeaders(markers: ReplayMarkers): Record<string, string> {
  return {
    [REPLAY_HEADERS.replayOf]: markers.deadLetterId,
    [REPLAY_HEADERS.replayedAt]: markers.replayedAt.toISOString(),
    [REPLAY_HEADERS.replayedBy]: markers.replayedBy,
    [REPLAY_HEADERS.attempt]: String(markers.attempt),
    ...(markers.forceStale ? { [FORCE_STALE_HEADER]: 'true' } : {}),
  };
}

/** Kafka headers of the re-published record: the original ones, byte for byte, then the replay markers. */
export function replayKafkaHeaders(stored: StoredHeaders, markers: ReplayMarkers): IHeaders {
  const markerHeaders = Object.entries(replayMarkerHeaders(markers)).map(([name, value]) => ({ name, value: Buffer.from(value, 'utf8') }));
  return toKafkaHeaders([...originalHeaders(stored), ...markerHeaders]);
}

/** The same headers as text (first value of each), the way the intake's parser sees them. */
export function replayTextHeaders(stored: StoredHeaders, markers: ReplayMarkers): Map<string, string> {
  const out = new Map<string, string>();
  for (const { name, value } of originalHeaders(stored)) if (value !== null && !out.has(name)) out.set(name, value.toString('utf8'));
  for (const [name, value] of Object.entries(replayMarkerHeaders(markers))) out.set(name, value);
  return out;
}

/** For tests and tools: stored form of a header list. */
export { storeHeaders };
