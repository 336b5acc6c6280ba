-- Messages counted against max_monthly_messages, per account and calendar month (UTC). One row
-- per month, raised atomically by a conditional upsert, so parallel senders never overshoot.
CREATE TABLE account_message_usage
(
    account_id bigint      NOT NULL REFERENCES accounts (id),
    month      date        NOT NULL CHECK (extract(day FROM month) = 1),
    messages   bigint      NOT NULL CHECK (messages >= 0),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, month)
);
ALTER TABLE account_message_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_message_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON account_message_usage
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
