/**
 * The scrape-time snapshot of PostgreSQL: one statement, one round trip, one
 * consistent view for every database gauge. No parameters.
 *
 * Cost: the orders and dead_letters counts scan their tables (index-only where
 * the visibility map allows); the others read partial indexes of open rows only.
 */
export const METRICS_SNAPSHOT = `
  SELECT
    (SELECT COALESCE(json_object_agg(state, n), '{}'::json)
       FROM (SELECT state, count(*)::int AS n FROM orders GROUP BY state) s) AS orders,
    (SELECT COALESCE(json_object_agg(error_code, n), '{}'::json)
       FROM (SELECT error_code, count(*)::int AS n FROM dead_letters GROUP BY error_code) d) AS dead_letters,
    (SELECT count(*)::int FROM outbox WHERE published_at IS NULL) AS outbox_backlog,
    (SELECT COALESCE(extract(epoch FROM now() - created_at), 0)::float8
       FROM outbox WHERE published_at IS NULL AND parked_at IS NULL ORDER BY id LIMIT 1) AS outbox_oldest_age_seconds,
    (SELECT count(*)::int FROM outbox WHERE parked_at IS NOT NULL AND published_at IS NULL) AS outbox_parked,
    (SELECT COALESCE(json_agg(json_build_object('service', service, 'outcome', outcome, 'n', n)), '[]'::json)
       FROM (SELECT service, outcome, count(*)::int AS n FROM order_item_numbers
              WHERE outcome IN ('pending', 'held') GROUP BY service, outcome) w) AS open_work,
    (SELECT COALESCE(json_object_agg(state, n), '{}'::json)
       FROM (SELECT state, count(*)::int AS n FROM backend_operations
              WHERE state IN ('planned', 'submitted') GROUP BY state) o) AS open_operations,
    (SELECT count(*)::int FROM backend_operations
      WHERE state IN ('planned', 'submitted') AND next_attempt_at <= now()) AS due_operations`;

export interface MetricsSnapshot {
  readonly orders: Readonly<Record<string, number>>;
  readonly dead_letters: Readonly<Record<string, number>>;
  readonly outbox_backlog: number;
  /** Of the oldest row that is neither published nor parked; null when there is none. */
  readonly outbox_oldest_age_seconds: number | null;
  /** Rows parked by the relay (unpublished until `flowthrough outbox retry`). */
  readonly outbox_parked: number;
  readonly open_work: ReadonlyArray<{ service: string; outcome: string; n: number }>;
  readonly open_operations: Readonly<Record<string, number>>;
  readonly due_operations: number;
}
