import type { ItemState } from '../order-state/states.js';
import type { StatusEventData, StatusProblem } from './status-data.js';

/** How many error codes one line shows before "(+n more)": enough to see a pattern, short enough to scan. */
const SHOWN = 3;

// Item states other than completed, in the order a reader cares about them.
const OTHER_ITEM_STATES: readonly ItemState[] = ['partial', 'failed', 'held', 'inProgress', 'acknowledged', 'rejected'];

/** Codes come from the backend; a stray newline must not break the one-line promise. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function firstOf(entries: readonly string[]): string {
  const shown = entries.slice(0, SHOWN).join(', ');
  return entries.length > SHOWN ? `${shown} (+${entries.length - SHOWN} more)` : shown;
}

function itemSummary(data: StatusEventData): string {
  const count = (state: ItemState): number => data.items.filter((i) => i.state === state).length;
  const others = OTHER_ITEM_STATES.map((s) => [s, count(s)] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return [`items: ${count('completed')}/${data.items.length} completed`, ...others].join(', ');
}

/**
 * Failed numbers as "+E164 code" (for a summarised item, its count of failed
 * numbers and its reason), then the reasons of items that are held, failed or
 * partial without per-number failures to show for it.
 */
function errorSummary(data: StatusEventData): string[] {
  const entries: string[] = [];
  for (const item of data.items) {
    const reason = item.reason === undefined ? '' : ` ${oneLine(item.reason.code)}`;
    if (item.numberCounts !== undefined && item.numberCounts.failed > 0) {
      entries.push(`item ${oneLine(item.id)} ${item.numberCounts.failed} failed${reason}`);
      continue;
    }
    const failed = (item.numbers ?? []).filter((n) => n.state === 'failed');
    for (const n of failed) entries.push(`${n.telephoneNumber} ${oneLine(n.errorCode ?? 'failed')}`);
    if (failed.length === 0 && item.reason !== undefined && ['held', 'failed', 'partial'].includes(item.state)) {
      entries.push(`item ${oneLine(item.id)}${reason}`);
    }
  }
  return entries;
}

function problemSummary(problems: readonly StatusProblem[]): string[] {
  return problems.map((p) => (p.path === '' ? oneLine(p.code) : `${oneLine(p.code)} at ${oneLine(p.path)}`));
}

/**
 * One human-readable line per status event, for the demo and the CLI:
 *   order-0001  contoso  inProgress → completed  items: 2/2 completed
 *   order-0002  contoso  inProgress → partial  items: 1/2 completed, 1 partial  errors: +15550100003 NumberAlreadyAssigned
 *   order-0003  -  rejected  violations: invalid_telephone_number at /items/0/numbers/3/telephoneNumber
 * The first event of an order shows its state alone (there was none before).
 */
export function formatStatusLine(data: StatusEventData): string {
  const states = data.previousState === null ? data.state : `${data.previousState} → ${data.state}`;
  const parts = [oneLine(data.orderId), oneLine(data.account ?? '-'), states];
  if (data.state === 'rejected') {
    parts.push(`violations: ${firstOf(problemSummary(data.violations ?? [])) || 'none given'}`);
  } else {
    parts.push(itemSummary(data));
    // A later order's change replaced these before they reached the backend: not a success of this order.
    const superseded = data.items.reduce(
      (n, i) => n + (i.numberCounts?.superseded ?? (i.numbers ?? []).filter((r) => r.state === 'superseded').length),
      0,
    );
    if (superseded > 0) parts.push(`superseded: ${superseded} number(s)`);
    const errors = errorSummary(data);
    if (errors.length > 0) parts.push(`errors: ${firstOf(errors)}`);
    // Summarised to fit the size limit: the per-number results are where the event says.
    if (data.numbersOmitted !== undefined) parts.push(`numbers: ${oneLine(data.numbersOmitted.command)}`);
  }
  if (data.warnings !== undefined && data.warnings.length > 0) parts.push(`warnings: ${firstOf(problemSummary(data.warnings))}`);
  return parts.join('  ');
}
