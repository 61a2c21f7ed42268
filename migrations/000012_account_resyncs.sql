-- A re-sync the drift audit asks for must be a new request: a PUT or DELETE resent under the
-- Repeatability-Request-ID of the write already made would be answered from the backend's
-- repeatability store and applied nothing. Each requested re-sync counts here, and the count
-- is part of the account's request ids.
ALTER TABLE accounts ADD COLUMN resyncs integer NOT NULL DEFAULT 0;
