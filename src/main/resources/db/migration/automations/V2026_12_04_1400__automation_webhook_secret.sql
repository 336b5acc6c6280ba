-- The secret a rule's webhook calls are signed with (Standard Webhooks), sealed by the hub's key like every stored
-- credential; generated when a rule first has a webhook action, shown once. Rules saved before stay unsigned until
-- their secret is rotated.
ALTER TABLE automations ADD COLUMN webhook_secret text;
