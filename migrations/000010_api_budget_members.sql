-- A fleet-wide Operator Connect rate budget (issue #12 item 4).
--
-- OPERATOR_CONNECT_RATE_LIMIT_PER_SECOND binds the whole fleet when
-- OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet (the default): each worker whose
-- reconciler calls the API keeps one row here, heartbeats it every second, and
-- paces its own calls at rate / live members (a member whose heartbeat is older
-- than a few heartbeats is dead; its share goes to the others). Times are the
-- database's now(), so workers' clocks never disagree. Rows of members that
-- stopped cleanly are deleted; dead ones are pruned by the living.
CREATE TABLE api_budget_members (
  member_id text PRIMARY KEY,
  joined_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE api_budget_members IS 'workers sharing the Operator Connect rate budget (OPERATOR_CONNECT_RATE_LIMIT_SCOPE=fleet): one row per live worker, heartbeated every second';
COMMENT ON COLUMN api_budget_members.member_id IS 'host:pid:random of the worker process';
COMMENT ON COLUMN api_budget_members.heartbeat_at IS 'the member''s last heartbeat (database time); older than a few heartbeats: dead, its share freed';
