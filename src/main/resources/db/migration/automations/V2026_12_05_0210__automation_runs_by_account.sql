-- Workers claim due runs account by account (a turn each), so one account's backlog does not hold up the others':
-- this index finds the accounts with pending runs (a skip scan) and each one's earliest due runs. It replaces the
-- index of the one queue for all accounts, which nothing reads any more.
CREATE INDEX automation_runs_account_due_idx ON automation_runs (account_id, next_attempt_at, seq)
    WHERE status = 'pending';
DROP INDEX automation_runs_due_idx;
