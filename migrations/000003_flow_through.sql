-- Flow-through: the reconciler's backend operations, what it observed the
-- backend to hold, and why work is held.

-- Observed state: per flow-through service, what the backend holds for the
-- number as far as we know ({"teamsOperatorConnect": {tenantId, teamsPhoneMobile,
-- configuration, remoteOrderId, at}}); an absent key means "not held".
ALTER TABLE numbers
  ADD COLUMN observed        jsonb  NOT NULL DEFAULT '{}'::jsonb,
  -- inSync | pending | failed | drift: the last word of the reconciler or the audit.
  ADD COLUMN sync_state      text   NOT NULL DEFAULT 'inSync',
  -- {code, message, service, at} of the last permanent per-number failure.
  ADD COLUMN sync_error      jsonb,
  -- Services the drift audit asked to re-plan (desired vs corrected observed state).
  ADD COLUMN repair_services text[] NOT NULL DEFAULT '{}';
CREATE INDEX numbers_repair ON numbers (telephone_number) WHERE repair_services <> '{}';

-- The backend operation that carries a work row (NULL: not yet planned), and
-- why a row is held, since when, and when to look at it again.
ALTER TABLE order_item_numbers
  ADD COLUMN operation_id  bigint,
  ADD COLUMN held_reason   jsonb,
  ADD COLUMN held_since    timestamptz,
  ADD COLUMN next_check_at timestamptz;
CREATE INDEX order_item_numbers_unplanned ON order_item_numbers (telephone_number)
  WHERE outcome IN ('pending', 'held') AND operation_id IS NULL;
CREATE INDEX order_item_numbers_by_operation ON order_item_numbers (operation_id) WHERE operation_id IS NOT NULL;

-- One asynchronous backend order (upload, release or update) for one tenant,
-- persisted with its Repeatability-Request-ID and its exact body BEFORE it is
-- sent, so every retry (after a crash too) is the same request.
--   planned:   persisted, maybe sent; no remote order id recorded yet
--   submitted: the remote order id is recorded; polled until terminal
--   settled:   per-number results applied
--   failed:    the whole operation failed permanently (every number failed)
CREATE TABLE backend_operations (
  id              bigserial PRIMARY KEY,
  request_id      text NOT NULL UNIQUE DEFAULT gen_random_uuid()::text,
  tenant_id       text NOT NULL,
  service         text NOT NULL,
  operation       text NOT NULL CHECK (operation IN ('upload', 'release', 'update')),
  -- sha256 of the order-level settings (teamsPhoneMobile); numbers carry their own.
  settings_hash   text NOT NULL,
  numbers         text[] NOT NULL,
  body            jsonb NOT NULL,
  state           text NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'submitted', 'settled', 'failed')),
  remote_order_id text,
  -- Submit attempts (each claim of a planned operation) and status reads.
  attempts        integer NOT NULL DEFAULT 0,
  polls           integer NOT NULL DEFAULT 0,
  first_sent_at   timestamptz,
  submitted_at    timestamptz,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      jsonb,
  remote_status   text,
  locked_by       text,
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  completed_at    timestamptz
);
CREATE INDEX backend_operations_due ON backend_operations (next_attempt_at) WHERE state IN ('planned', 'submitted');
CREATE INDEX backend_operations_by_remote ON backend_operations (remote_order_id) WHERE remote_order_id IS NOT NULL;

-- The numbers of an operation and their per-number outcome. A number has at
-- most one open operation per service: the partial unique index makes a
-- second concurrent plan for it impossible.
CREATE TABLE backend_operation_numbers (
  operation_id     bigint NOT NULL REFERENCES backend_operations (id) ON DELETE CASCADE,
  telephone_number text NOT NULL,
  service          text NOT NULL,
  -- The association the operation sets ({tenantId, teamsPhoneMobile, configuration}), null for a release.
  target           jsonb,
  open             boolean NOT NULL DEFAULT true,
  outcome          text NOT NULL DEFAULT 'pending',
  error_code       text,
  message          text,
  PRIMARY KEY (operation_id, telephone_number)
);
CREATE UNIQUE INDEX backend_operation_numbers_one_open ON backend_operation_numbers (telephone_number, service) WHERE open;

-- Consents: the customer relationship last written to the backend.
ALTER TABLE consents
  ADD COLUMN synced_order_id text,
  ADD COLUMN sync_error      jsonb,
  ADD COLUMN next_sync_at    timestamptz;
