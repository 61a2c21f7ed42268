import type { WorkRow } from '../ops/index.js';
import { badge, type Part, time } from './html.js';

/** The columns of a work row after the one that links it (to its order or to its number). */
export const WORK_HEADERS = ['Item', 'Service', 'Operation', 'Outcome', 'Error', 'Updated'] as const;

/** A work row's cells under WORK_HEADERS. */
export function workCells(row: WorkRow): Part[] {
  return [
    row.item_id,
    row.service,
    row.operation,
    badge(row.outcome),
    row.error_code ? `${row.error_code}: ${row.message ?? ''}` : '–',
    time(row.updated_at),
  ];
}
