import { NUMBER_OUTCOMES } from '../order-state/states.js';
import type { ItemStatus, NumberCounts, NumberResult, NumbersOmitted, StatusEventData } from './status-data.js';
import { statusData } from './status-event.js';

/**
 * A status event's JSON value under a size limit (STATUS_EVENT_MAX_BYTES):
 * Event Hubs takes records of at most 1 MB, and a 10,000-number order's
 * per-number results alone exceed it. An event that would be larger is
 * summarised, not split (every accepted order keeps exactly one terminal
 * event): the per-number arrays are dropped, the largest first, until it
 * fits; each such item carries numberCounts instead, and the event
 * numbersOmitted, which says where the whole results are read. Pure.
 */

export interface StatusEventValue {
  /** The JSON value to publish. */
  readonly value: string;
  /** Its size in UTF-8 bytes. */
  readonly bytes: number;
  /** Ids of the items whose per-number results were replaced by counts, in the order they were dropped. */
  readonly summarisedItems: readonly string[];
  /**
   * False when the event exceeds maxBytes even with every per-number array
   * dropped (items or problems by the thousand): it is still written, and the
   * outbox relay parks it with an error instead of publishing it.
   */
  readonly fits: boolean;
}

/** The read API resource that pages through every per-number result of an order. */
export function orderNumbersPath(orderId: string): string {
  return `/v1/orders/${encodeURIComponent(orderId)}/numbers`;
}

/** The CLI command that prints every per-number result of an order. */
export function orderShowCommand(orderId: string): string {
  const word = /^[A-Za-z0-9._:@+=-]+$/.test(orderId) ? orderId : `'${orderId.replaceAll("'", `'\\''`)}'`;
  return `flowthrough orders show ${word} --json`;
}

/** The event's JSON value, summarised when it would exceed `maxBytes` (UTF-8 bytes). */
export function statusEventValue(data: StatusEventData, maxBytes: number): StatusEventValue {
  const full = statusData(data);
  const value = JSON.stringify(full);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: nearly every event fits without being measured (the intake's hot path).
  if (value.length * 3 <= maxBytes)
    return {
      value,
      get bytes() {
        return utf8Length(value);
      },
      summarisedItems: [],
      fits: true,
    };
  const bytes = utf8Length(value);
  if (bytes <= maxBytes) return { value, bytes, summarisedItems: [], fits: true };
  return summarise(full, bytes, maxBytes);
}

interface Candidate {
  readonly index: number;
  /** Bytes of `"numbers":[…]` in the value. */
  readonly numbersBytes: number;
  /** Bytes the value loses when `"numbers":[…]` becomes `"numberCounts":{…}`. */
  readonly saved: number;
  readonly counts: NumberCounts;
}

function summarise(full: StatusEventData, fullBytes: number, maxBytes: number): StatusEventValue {
  const omitted: NumbersOmitted = {
    maxBytes,
    readApiPath: orderNumbersPath(full.orderId),
    command: orderShowCommand(full.orderId),
  };
  // Largest arrays first; equal ones in the order's item order.
  const candidates: Candidate[] = full.items
    .flatMap((item, index) => (item.numbers === undefined ? [] : [candidate(item.numbers, index)]))
    .sort((a, b) => b.numbersBytes - a.numbersBytes || a.index - b.index);
  // Nothing to summarise: the event goes as it is, and the relay parks it.
  if (candidates.length === 0) return { value: JSON.stringify(full), bytes: fullBytes, summarisedItems: [], fits: false };
  // The size is worked out without re-serialising per item: `"numbers":[…]`
  // and `"numberCounts":{…}` both end the item's object, so the commas stay.
  let projected = fullBytes + utf8Length(`,"numbersOmitted":${JSON.stringify(omitted)}`);
  let dropped = 0;
  while (dropped < candidates.length && projected > maxBytes) {
    projected -= (candidates[dropped] as Candidate).saved;
    dropped += 1;
  }
  let result = build(full, candidates, dropped, omitted);
  // The projection is exact; should it ever be short, measured drops finish the job.
  while (result.bytes > maxBytes && dropped < candidates.length) {
    dropped += 1;
    result = build(full, candidates, dropped, omitted);
  }
  return result;
}

function candidate(numbers: readonly NumberResult[], index: number): Candidate {
  const counts = countStates(numbers);
  const numbersBytes = utf8Length(`"numbers":${JSON.stringify(numbers)}`);
  return { index, numbersBytes, saved: numbersBytes - utf8Length(`"numberCounts":${JSON.stringify(counts)}`), counts };
}

function build(full: StatusEventData, candidates: readonly Candidate[], dropped: number, omitted: NumbersOmitted): StatusEventValue {
  const counts = new Map(candidates.slice(0, dropped).map((c) => [c.index, c.counts]));
  const items = full.items.map((item, index): ItemStatus => {
    const numberCounts = counts.get(index);
    if (numberCounts === undefined) return item;
    const { numbers: _dropped, ...rest } = item;
    return { ...rest, numberCounts };
  });
  const value = JSON.stringify(statusData({ ...full, items, numbersOmitted: omitted }));
  const bytes = utf8Length(value);
  return {
    value,
    bytes,
    summarisedItems: candidates.slice(0, dropped).map((c) => (full.items[c.index] as ItemStatus).id),
    fits: bytes <= omitted.maxBytes,
  };
}

/** Numbers per state, every state present. */
export function countStates(numbers: readonly NumberResult[]): NumberCounts {
  const counts = Object.fromEntries(NUMBER_OUTCOMES.map((s) => [s, 0])) as Record<keyof NumberCounts, number>;
  for (const n of numbers) counts[n.state] += 1;
  return counts;
}

/** UTF-8 length of a string as Buffer.byteLength counts it (a lone surrogate as the 3 bytes of U+FFFD). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}
