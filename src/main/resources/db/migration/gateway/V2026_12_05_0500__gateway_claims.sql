-- Short-lived claims on gateway work that must not run twice at once across nodes (posting a message into
-- Chatwoot, opening a contact's conversation), held without a transaction while Chatwoot answers. A claim is taken
-- in one statement (won when nobody holds the key or the holder's claim expired), renewed by its holder before each
-- Chatwoot call and deleted when the work is recorded; a claim whose holder died expires. This replaces the advisory
-- lock and the gateway_conversations row lock, which held a connection for as long as Chatwoot took.
CREATE TABLE gateway_claims
(
    account_id bigint      NOT NULL REFERENCES accounts (id),
    claim_key  text        NOT NULL,
    holder     uuid        NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, claim_key)
);
CREATE INDEX gateway_claims_expiry_idx ON gateway_claims (expires_at);
ALTER TABLE gateway_claims ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_claims FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_claims
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
