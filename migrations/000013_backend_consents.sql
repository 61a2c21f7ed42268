-- What the backend last reported about each tenant's consent (Operator Connect GET /consents,
-- ACG GET /teamsRequestsForInformation), kept by the reconciler's consent state sync
-- (src/reconciler/consent-state-sync.ts) so operators can see it (flowthrough consents, the read
-- API's /v1/teamsRequestsForInformation) without calling the backend. The `consents` table stays
-- what the orders asked for (the customer relationship we write); this one is the backend's word.
CREATE TABLE backend_consents (
  -- Lower case: tenant ids are GUIDs (case-insensitive), stored lower case like accounts.teams_tenant_id.
  tenant_id             text PRIMARY KEY CHECK (tenant_id = lower(tenant_id)),
  -- active | suspended | removed as the backend reports it (kept as text: the backend's enum may grow).
  status                text NOT NULL,
  consented_countries   text[] NOT NULL DEFAULT '{}',
  -- ContactDetails objects and the CustomerRelationship object exactly as the backend reports them.
  contacts              jsonb NOT NULL DEFAULT '[]'::jsonb,
  customer_relationship jsonb,
  consented_on          timestamptz,
  last_modified_on      timestamptz,
  product_context       text,
  operator_id           text,
  -- ACG only: the account whose teamsTenantId is the tenant's.
  account_name          text,
  -- When the backend last answered for the tenant (a list or a read of it).
  read_at               timestamptz NOT NULL DEFAULT now(),
  -- Set when a full list no longer carried the tenant (or a read of it answered 404): the row keeps
  -- the backend's last word instead of being deleted, so an operator can see what the tenant had;
  -- cleared when the backend lists it again. The status is not rewritten: "removed" is the
  -- backend's own status, and a vanished consent is not the same fact.
  gone_at               timestamptz
);
CREATE INDEX backend_consents_by_status ON backend_consents (status) WHERE gone_at IS NULL;
