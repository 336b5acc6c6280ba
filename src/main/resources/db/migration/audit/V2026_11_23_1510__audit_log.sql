-- The append-only audit log. Rows are written in the same transaction as the change they
-- record; the service's role may add and read them but never change or remove them.
CREATE TABLE audit_log
(
    id            uuid        NOT NULL PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT clock_timestamp(),
    account_id    bigint,
    actor_type    text        NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous')),
    actor_id      uuid,
    action        text        NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
    resource_type text        NOT NULL CHECK (length(resource_type) BETWEEN 1 AND 100),
    resource_id   text,
    changes       jsonb       NOT NULL DEFAULT '{}',
    ip_address    text,
    user_agent    text,
    request_id    text
);
-- no foreign key to accounts: the log outlives what it describes and belongs to no other module
CREATE INDEX audit_log_account_idx ON audit_log (account_id, id DESC);
CREATE INDEX audit_log_account_resource_idx ON audit_log (account_id, resource_type, resource_id);
CREATE INDEX audit_log_account_actor_idx ON audit_log (account_id, actor_id);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
-- reading stays inside the tenant (or the audited platform scope) ...
CREATE POLICY audit_read ON audit_log FOR SELECT
    USING (account_id = app_account_id() OR app_platform());
-- ... but writing must work in any transaction: a super_admin creating an account (no tenant
-- bound yet), a sign-in that belongs to no account (account_id null)
CREATE POLICY audit_append ON audit_log FOR INSERT
    WITH CHECK (true);
-- and there is no UPDATE or DELETE policy, and no privilege for them either: append-only
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${app_role};
