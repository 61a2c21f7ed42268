-- Teams tenant ids are GUIDs, which are case-insensitive: the intake now
-- stores them lower case (an order naming the same tenant in upper case is
-- the same tenant). Rows written before keep whatever case the BSS sent; they
-- are lowered here, so comparisons with new orders hold.
UPDATE accounts SET teams_tenant_id = lower(teams_tenant_id)
 WHERE teams_tenant_id IS NOT NULL AND teams_tenant_id <> lower(teams_tenant_id);

-- A consent's tenant id is its key: lower it where no lower-case row already
-- exists (two rows for one tenant in two cases cannot be merged blindly; such
-- a pair keeps both, and the lower-case one is the one new orders update).
UPDATE consents c SET tenant_id = lower(c.tenant_id)
 WHERE c.tenant_id <> lower(c.tenant_id)
   AND NOT EXISTS (SELECT 1 FROM consents o WHERE o.tenant_id = lower(c.tenant_id));
