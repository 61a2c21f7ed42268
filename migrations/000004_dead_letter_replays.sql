-- Replay history of dead letters (`flowthrough dlq replay`): who replayed a
-- record, when, and how it ended. One row per attempt. An attempt is written
-- as 'replaying' BEFORE the record is produced and set to 'replayed' after the
-- broker acknowledged it, so a crash in between stays visible and the next run
-- produces the record again (at least once; the intake's orderId dedup makes
-- the second copy a no-op for an accepted order).

CREATE TABLE dead_letter_replays (
  dead_letter_id     bigint  NOT NULL REFERENCES dead_letters (id) ON DELETE CASCADE,
  attempt            integer NOT NULL,
  status             text    NOT NULL CHECK (status IN ('replaying', 'replayed', 'failed')),
  replayed_by        text    NOT NULL,
  target_topic       text    NOT NULL,
  force_stale        boolean NOT NULL DEFAULT false,
  started_at         timestamptz NOT NULL DEFAULT now(),
  finished_at        timestamptz,
  -- Where the re-published record landed (after the broker's acknowledgement).
  produced_partition integer,
  produced_offset    bigint,
  error              text,
  PRIMARY KEY (dead_letter_id, attempt)
);
CREATE INDEX dead_letter_replays_unfinished ON dead_letter_replays (dead_letter_id) WHERE status = 'replaying';

-- Listing by time and the purge scan.
CREATE INDEX dead_letters_by_created ON dead_letters (created_at);

-- A number's work rows, newest first: the read API's serviceProvisioningStatus
-- and `flowthrough numbers show` look a number up across all its orders.
CREATE INDEX order_item_numbers_by_number ON order_item_numbers (telephone_number, service, updated_at DESC);
