import type { StoredHeaders } from '../../platform/kafka/record-headers.js';
import { formatFields, formatTable, isoOrDash } from '../format-table.js';
import { decodeBytes, decodeHeaders, renderBytes } from './decode-record.js';
import type { DeadLetterRecord, DeadLetterSummary, ReplayAttempt } from './dead-letter-store.js';
import { REPLAY_HEADERS } from './replay-headers.js';
import type { ReplayOutcome, ReplayReport } from './replay.js';

/** Text from a record, safe on a terminal: quoted and escaped when it holds control characters. */
function printable(text: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(text) ? JSON.stringify(text) : text;
}

export function summaryJson(d: DeadLetterSummary): Record<string, unknown> {
  return {
    id: d.id,
    createdAt: d.createdAt.toISOString(),
    errorCode: d.errorCode,
    errorMessage: d.errorMessage,
    orderId: d.orderId,
    account: d.account,
    source: {
      topic: d.sourceTopic,
      partition: d.sourcePartition,
      offset: d.sourceOffset,
      timestamp: d.sourceTimestamp?.toISOString() ?? null,
      consumerGroup: d.consumerGroup,
    },
    status: d.status,
    lastReplay:
      d.lastAttempt === null
        ? null
        : {
            attempt: d.lastAttempt,
            by: d.lastReplayedBy,
            startedAt: isoOrDash(d.lastStartedAt),
            finishedAt: d.lastFinishedAt?.toISOString() ?? null,
          },
  };
}

export function listTable(rows: readonly DeadLetterSummary[]): string[] {
  return formatTable(
    ['ID', 'CREATED', 'CODE', 'ORDER', 'ACCOUNT', 'SOURCE', 'STATUS', 'MESSAGE'],
    rows.map((d) => [
      d.id,
      d.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      d.errorCode,
      d.orderId ?? '-',
      d.account ?? '-',
      `${d.sourceTopic}/${d.sourcePartition}@${d.sourceOffset}`,
      d.status,
      d.errorMessage,
    ]),
  );
}

export function countsLines(counts: Readonly<Record<string, number>>): string[] {
  const entries = Object.entries(counts);
  const total = entries.reduce((t, [, n]) => t + n, 0);
  if (entries.length === 0) return ['no dead letters match'];
  return [
    `${total} dead letter(s) by error code:`,
    ...formatTable(
      ['  CODE', 'COUNT'],
      entries.map(([c, n]) => [`  ${c}`, String(n)]),
    ),
  ];
}

function keyText(key: Buffer | null): string {
  const decoded = decodeBytes(key);
  if (decoded.encoding === 'null') return '(none)';
  if (decoded.encoding === 'base64') return `${decoded.base64} (base64: not UTF-8)`;
  return key?.toString('utf8') ?? '';
}

function replayOf(headers: StoredHeaders): string | null {
  const found = decodeHeaders(headers).find((h) => h.name === REPLAY_HEADERS.replayOf);
  return found?.value ?? null;
}

function landed(a: ReplayAttempt): string {
  if (a.landedAs?.kind === 'dead_letter') return `rejected again: dead letter #${a.landedAs.id} (${a.landedAs.errorCode})`;
  if (a.landedAs?.kind === 'order') return `accepted: order ${a.landedAs.orderId} is ${a.landedAs.state}`;
  if (a.status === 'replayed') return 'not taken by the intake from that offset (yet, or a duplicate of an existing order)';
  return '-';
}

export function showJson(d: DeadLetterRecord, history: readonly ReplayAttempt[]): Record<string, unknown> {
  return {
    ...summaryJson(d),
    key: decodeBytes(d.key),
    value: decodeBytes(d.value),
    headers: decodeHeaders(d.headers),
    violations: d.violations,
    replayOf: replayOf(d.headers),
    replays: history.map((a) => ({
      attempt: a.attempt,
      status: a.status,
      by: a.replayedBy,
      targetTopic: a.targetTopic,
      forceStale: a.forceStale,
      startedAt: a.startedAt.toISOString(),
      finishedAt: a.finishedAt?.toISOString() ?? null,
      produced: a.producedPartition === null ? null : { partition: a.producedPartition, offset: a.producedOffset },
      error: a.error,
      landedAs: a.landedAs,
    })),
  };
}

export function showText(d: DeadLetterRecord, history: readonly ReplayAttempt[]): string[] {
  const out: string[] = [];
  const from = replayOf(d.headers);
  out.push(`dead letter #${d.id}${from === null ? '' : ` (itself a replay of dead letter #${from})`}`);
  out.push(
    ...formatFields([
      ['error', `${d.errorCode}: ${d.errorMessage}`],
      ['order', d.orderId],
      ['account', d.account],
      ['source', `${d.sourceTopic} partition ${d.sourcePartition} offset ${d.sourceOffset}`],
      ['source time', isoOrDash(d.sourceTimestamp)],
      ['consumer group', d.consumerGroup],
      ['dead-lettered', d.createdAt.toISOString()],
      ['status', d.status],
    ]).map((l) => `  ${l}`),
  );
  out.push('', `violations (${d.violations.length}):`);
  for (const v of d.violations) out.push(`  - ${v.code} at ${v.path === '' ? '(record)' : v.path}: ${v.message}`);
  out.push('', `key: ${keyText(d.key)}`);
  out.push('', `headers (${d.headers.length}):`);
  for (const h of decodeHeaders(d.headers))
    out.push(
      `  ${printable(h.name)}: ${h.value === null ? '(null)' : printable(h.value)}${h.encoding === 'base64' ? ' (base64: not UTF-8)' : ''}`,
    );
  out.push('', 'value:', ...renderBytes(decodeBytes(d.value)));
  out.push('', history.length === 0 ? 'replays: none' : `replays (${history.length}):`);
  if (history.length > 0) {
    out.push(
      ...formatTable(
        ['  ATTEMPT', 'STATUS', 'BY', 'STARTED', 'FINISHED', 'PRODUCED', 'OUTCOME'],
        history.map((a) => [
          `  ${a.attempt}${a.forceStale ? ' (force-stale)' : ''}`,
          a.status,
          a.replayedBy,
          a.startedAt.toISOString(),
          isoOrDash(a.finishedAt),
          a.producedPartition === null ? '-' : `${a.targetTopic}/${a.producedPartition}@${a.producedOffset}`,
          a.error ?? landed(a),
        ]),
        120,
      ),
    );
    const open = history.find((a) => a.status === 'replaying');
    if (open)
      out.push(
        '',
        `  attempt ${open.attempt} was interrupted after it was marked: the record may be on the topic; "dlq replay ${d.id}" produces it again (the intake ignores a duplicate orderId).`,
      );
  }
  return out;
}

export function outcomeLine(o: ReplayOutcome): string {
  return `#${o.id} ${o.orderId ?? '(no orderId)'} [${o.errorCode}] ${o.action}: ${o.detail}`;
}

export function reportSummary(r: ReplayReport): string[] {
  const c = r.counts;
  const parts = r.dryRun
    ? [
        `${c['would-replay']} would be re-published`,
        `${c['still-invalid']} would be rejected again (not produced)`,
        `${c['already-replayed']} already replayed`,
      ]
    : [
        `${c.replayed} replayed`,
        `${c['still-invalid']} still invalid (not produced)`,
        `${c['already-replayed']} already replayed`,
        `${c.failed} failed`,
      ];
  const lines = [`${r.dryRun ? 'dry run: nothing changed. ' : ''}${r.total} selected: ${parts.join(', ')}`];
  if (r.aborted) lines.push(`stopped early: ${r.aborted}. Run the same command again to continue where it stopped.`);
  return lines;
}

export function tally(r: { counts: Readonly<Record<string, number>> }): string {
  return Object.entries(r.counts)
    .filter(([, n]) => n > 0)
    .map(([a, n]) => `${a} ${n}`)
    .join(' · ');
}
