-- Each filter of the message list reads its own index range newest first (id is a UUIDv7).
DROP INDEX gateway_messages_conversation_idx;
CREATE INDEX gateway_messages_conversation_idx ON gateway_messages (account_id, chatwoot_conversation_id, id DESC);
CREATE INDEX gateway_messages_status_idx ON gateway_messages (account_id, status, id DESC);
CREATE INDEX gateway_messages_provider_idx ON gateway_messages (account_id, provider_id, id DESC);
