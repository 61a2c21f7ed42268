/**
 * The fleet budget's statements (src/operator-connect/fleet-budget.ts): one
 * per constant, every value a parameter. Times are the database's now(), so
 * the members' clocks never matter.
 */

/**
 * $1 member id, $2 dead after (ms), $3 prune after (ms): heartbeats this member (joining when new),
 * prunes members silent for $3, and counts the live members other than this one (heartbeat within
 * $2). The count reads the table as it was before this statement, so this member is left out
 * and added by the caller.
 */
export const HEARTBEAT = `
  WITH beat AS (
    INSERT INTO api_budget_members (member_id) VALUES ($1)
    ON CONFLICT (member_id) DO UPDATE SET heartbeat_at = now()
    RETURNING member_id
  ), pruned AS (
    DELETE FROM api_budget_members
     WHERE heartbeat_at < now() - make_interval(secs => $3::int / 1000.0) AND member_id <> $1
    RETURNING member_id
  )
  SELECT count(*)::int AS others FROM api_budget_members
   WHERE member_id <> $1 AND heartbeat_at >= now() - make_interval(secs => $2::int / 1000.0)`;

/** $1 member id: leaves the budget (a clean stop); the others take its share at their next heartbeat. */
export const LEAVE = `DELETE FROM api_budget_members WHERE member_id = $1`;
