-- Workers claim due deliveries account by account (a turn each, up to each account's room on the node), so one
-- account's backlog does not hold up the others': this index finds the accounts with pending deliveries (a skip
-- scan) and each one's earliest due deliveries. It replaces the index of the 1,000 earliest of all accounts, which
-- nothing reads any more.
CREATE INDEX webhook_deliveries_account_due_idx ON webhook_deliveries (account_id, next_attempt_at, id)
    WHERE status = 'pending';
DROP INDEX webhook_deliveries_due_idx;
