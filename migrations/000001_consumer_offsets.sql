-- Offsets of applied Kafka records, written in the same transaction as their
-- effects: a record redelivered after a crash between the database commit and
-- the Kafka offset commit is recognised and skipped, so it applies once.
CREATE TABLE consumer_offsets (
  group_id    text    NOT NULL,
  topic       text    NOT NULL,
  partition   integer NOT NULL,
  next_offset bigint  NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);
