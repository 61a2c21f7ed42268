-- Desired state (what the BSS asked for), the orders that changed it, and the
-- outbox of Kafka records (status events, dead letters) written in the same
-- transaction as the state they announce.

CREATE TABLE accounts (
  name              text PRIMARY KEY,
  correlation_id    text,
  teams_tenant_id   text,
  service_details   jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Version: the order that last changed the account, and when the BSS issued it.
  last_order_id     text NOT NULL,
  last_requested_at timestamptz NOT NULL,
  deleted_at        timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE numbers (
  telephone_number  text PRIMARY KEY,
  account_name      text NOT NULL,
  service_details   jsonb NOT NULL DEFAULT '{}'::jsonb,
  custom_sip_header text,
  last_order_id     text NOT NULL,
  last_requested_at timestamptz NOT NULL,
  -- Soft delete: the reconciler still has to release a deleted number, and the
  -- version guard must remember the order that deleted it.
  deleted_at        timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX numbers_by_account ON numbers (account_name) WHERE deleted_at IS NULL;

CREATE TABLE consents (
  tenant_id             text PRIMARY KEY,
  customer_relationship jsonb NOT NULL,
  last_order_id         text NOT NULL,
  updated_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  order_id         text PRIMARY KEY,
  account_name     text NOT NULL,
  -- sha256 of the canonical order data: the same orderId with other content is a conflict.
  fingerprint      text NOT NULL,
  requested_at     timestamptz NOT NULL,
  state            text NOT NULL,
  envelope         jsonb NOT NULL,
  warnings         jsonb NOT NULL DEFAULT '[]'::jsonb,
  source_topic     text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    bigint NOT NULL,
  attempts         integer NOT NULL DEFAULT 0,
  -- The last status event's sequence: ce_id = orderId:sequence.
  status_sequence  integer NOT NULL DEFAULT 0,
  received_at      timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  completed_at     timestamptz
);
CREATE INDEX orders_by_account ON orders (account_name, received_at);
CREATE INDEX orders_open ON orders (state) WHERE state IN ('acknowledged', 'inProgress', 'held');

CREATE TABLE order_items (
  order_id     text NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
  item_id      text NOT NULL,
  position     integer NOT NULL,
  action       text NOT NULL,
  resource     text NOT NULL,
  state        text NOT NULL,
  reason       jsonb,
  -- Account and consent items keep their payload; numbers items their count
  -- (the numbers themselves are in numbers and order_item_numbers).
  payload      jsonb,
  number_count integer NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, item_id)
);

-- Numbers whose Operator Connect / Teams Phone Mobile association an item
-- changes: the reconciler's work list and the per-number results.
CREATE TABLE order_item_numbers (
  order_id         text NOT NULL,
  item_id          text NOT NULL,
  telephone_number text NOT NULL,
  service          text NOT NULL,
  operation        text NOT NULL,
  outcome          text NOT NULL DEFAULT 'pending',
  error_code       text,
  message          text,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, telephone_number, service),
  FOREIGN KEY (order_id, item_id) REFERENCES order_items (order_id, item_id) ON DELETE CASCADE
);
CREATE INDEX order_item_numbers_open ON order_item_numbers (service, outcome) WHERE outcome IN ('pending', 'held');

CREATE TABLE dead_letters (
  id               bigserial PRIMARY KEY,
  source_topic     text NOT NULL,
  source_partition integer NOT NULL,
  source_offset    bigint NOT NULL,
  source_timestamp timestamptz,
  consumer_group   text NOT NULL,
  message_key      bytea,
  value            bytea,
  -- [[name, base64 value], …] exactly as received.
  headers          jsonb NOT NULL DEFAULT '[]'::jsonb,
  error_code       text NOT NULL,
  error_message    text NOT NULL,
  violations       jsonb NOT NULL DEFAULT '[]'::jsonb,
  order_id         text,
  account_name     text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_topic, source_partition, source_offset)
);
CREATE INDEX dead_letters_by_code ON dead_letters (error_code, created_at);
CREATE INDEX dead_letters_by_order ON dead_letters (order_id) WHERE order_id IS NOT NULL;

CREATE TABLE outbox (
  id           bigserial PRIMARY KEY,
  topic        text NOT NULL,
  -- Bytes: a dead letter keeps its original key even when it is not UTF-8.
  message_key  bytea,
  value        bytea,
  -- JSON text of [[name, base64 value], …]: only the relay reads it, so it is
  -- stored as text and not parsed into jsonb on the intake's hot path.
  -- NULL for a status event: the relay derives its CloudEvents headers from
  -- event_id, order_id and event_time (the same for every status event).
  headers      text,
  -- ce_id of a status event: subscribers de-duplicate on it.
  event_id     text,
  order_id     text,
  -- ce_time of a status event: when the state changed.
  event_time   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX outbox_by_order ON outbox (order_id, id);
