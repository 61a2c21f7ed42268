-- Offsets never skip silently (issue #10).
--
-- A stored offset is only meaningful for the log it was read from. Kafka
-- topic ids would tell two logs of the same name apart, but kafkajs 2.2.4 does
-- not expose them; so the offset carries a digest of the last record applied
-- (next_offset - 1), and when that record comes by again the intake compares.
-- A different record there, a stored offset beyond the log end or below the
-- log start, or a Kafka committed offset ahead of this one stops the partition
-- (stopped_*), until an operator resets it ("flowthrough offsets reset").
ALTER TABLE consumer_offsets
  ADD COLUMN last_record_digest bytea,
  ADD COLUMN stopped_reason text
    CONSTRAINT consumer_offsets_stopped_reason CHECK (stopped_reason IN ('beyond_log_end', 'below_log_start', 'kafka_offset_ahead', 'different_record')),
  ADD COLUMN stopped_detail text,
  ADD COLUMN stopped_at timestamptz,
  ADD COLUMN reset_at timestamptz,
  ADD COLUMN reset_pending boolean NOT NULL DEFAULT false,
  ADD COLUMN reset_to text,
  ADD COLUMN reset_by text;

COMMENT ON COLUMN consumer_offsets.next_offset IS 'the next offset to apply; records below it are skipped as already applied. -1: a row made before anything was applied';
COMMENT ON COLUMN consumer_offsets.last_record_digest IS 'sha256 of the record at next_offset - 1 (key, value, timestamp): the identity of the log the offset belongs to; NULL: not known (before this migration, after a reset)';
COMMENT ON COLUMN consumer_offsets.stopped_reason IS 'why the intake stopped this partition (beyond_log_end | below_log_start | kafka_offset_ahead | different_record); NULL: not stopped. Only "flowthrough offsets reset" clears it';
COMMENT ON COLUMN consumer_offsets.stopped_detail IS 'what the intake saw when it stopped the partition, in words';
COMMENT ON COLUMN consumer_offsets.reset_at IS 'when an operator last set next_offset ("flowthrough offsets reset"); a running intake polls for it and seeks there';
COMMENT ON COLUMN consumer_offsets.reset_pending IS 'true from a reset until the intake has read the partition from next_offset';
COMMENT ON COLUMN consumer_offsets.reset_to IS 'what the last reset asked for: earliest, latest, an offset or a time';
COMMENT ON COLUMN consumer_offsets.reset_by IS 'who ran the last reset';
