-- A backend that holds accounts (BACKEND=acg: Azure Communications Gateway's
-- Provisioning API) creates, replaces and deletes them as orders change them.
-- Level-triggered like consents: an account whose last_order_id is not its
-- synced_order_id has work.
ALTER TABLE accounts
  -- The last order whose account settings the backend confirmed (NULL: never written).
  ADD COLUMN synced_order_id  text,
  -- What the backend last reported for the account: {etag, serviceProvisioningStatus,
  -- serviceProvisioningErrors, subdomainStatus, at}; NULL: nothing read yet.
  ADD COLUMN backend_observed jsonb,
  -- The last failure writing the account ({code, message, orderId, at}).
  ADD COLUMN sync_error       jsonb,
  ADD COLUMN next_sync_at     timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN sync_attempts    integer NOT NULL DEFAULT 0,
  ADD COLUMN locked_until     timestamptz;
-- What the backend reported about an item's own resource when it was written, for its status
-- events (acg: an account item's {"directRouting": {"subdomain", "subdomainStatus"}}).
ALTER TABLE order_items ADD COLUMN backend_details jsonb;
-- Accounts written before this migration were never sent to a backend that holds accounts.
CREATE INDEX accounts_unsynced ON accounts (next_sync_at) WHERE synced_order_id IS DISTINCT FROM last_order_id;
-- Account items wait for their account to be written (BACKEND=acg): the account sync
-- (src/reconciler/account-sync.ts) completes or fails them and supersedes the account's older
-- waiting ones. This partial index finds the waiting items: only those rows are in it (a handful),
-- so the intake's inserts of other items never touch it.
CREATE INDEX order_items_open_accounts ON order_items (order_id) WHERE resource = 'account' AND state = 'inProgress';
