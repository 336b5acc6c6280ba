-- Each filter of the audit log reads its own index range newest first (id is a UUIDv7), so a
-- filtered page costs the same at a million rows as at a thousand.
DROP INDEX audit_log_account_resource_idx;
DROP INDEX audit_log_account_actor_idx;
CREATE INDEX audit_log_account_resource_idx ON audit_log (account_id, resource_type, resource_id, id DESC);
CREATE INDEX audit_log_account_actor_idx ON audit_log (account_id, actor_id, id DESC);
CREATE INDEX audit_log_account_action_idx ON audit_log (account_id, action, id DESC);
