-- What Chatwoot was last told of a message's delivery, so it is told each step once and never a step back.
-- null: nothing since the message was posted (Chatwoot shows it as sent); undelivered: shown as failed while the
-- send is a dead letter that may still be replayed. The parts of one Chatwoot message (an agent's message with
-- several attachments) share it.
ALTER TABLE gateway_messages ADD COLUMN chatwoot_status text
    CHECK (chatwoot_status IN ('sent', 'undelivered', 'delivered', 'read', 'failed'));

-- Chatwoot conversations where Chatwoot refused to take message statuses: 403, the inbox is not an API channel
-- (a conversation never changes inbox, nor an inbox its channel), or 401, the token may not update messages (an
-- agent bot's). Statuses of their messages are not sent there again; a failure becomes a private note instead.
-- Forgotten whenever the account's Chatwoot connection changes.
CREATE TABLE gateway_status_refusals
(
    account_id               bigint      NOT NULL REFERENCES accounts (id),
    chatwoot_conversation_id bigint      NOT NULL,
    http_status              int         NOT NULL,
    refused_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, chatwoot_conversation_id)
);
ALTER TABLE gateway_status_refusals ENABLE ROW LEVEL SECURITY;
ALTER TABLE gateway_status_refusals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON gateway_status_refusals
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
