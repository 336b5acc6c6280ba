-- An audit row names no account (a sign-in), the account of the transaction's tenant scope, or
-- any account in the platform scope (a super_admin creating an account): a tenant can no
-- longer write rows into another tenant's log.
DROP POLICY audit_append ON audit_log;
CREATE POLICY audit_append ON audit_log FOR INSERT
    WITH CHECK (account_id IS NULL OR account_id = app_account_id() OR app_platform());
