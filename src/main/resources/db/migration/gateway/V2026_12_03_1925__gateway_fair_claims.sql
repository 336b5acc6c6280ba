-- Fair claiming: each claim walks the accounts with pending work and takes due jobs of each in turn, so it reads
-- per account (account_id, next_attempt_at, seq); and a job is claimed only when no earlier job of its ordering key
-- is still pending (a contact's messages in order, across nodes), looked up by (account_id, ordering_key, seq).
-- Both only over pending jobs, so finished and dead ones never slow a claim. The global due index is replaced.
CREATE INDEX gateway_jobs_account_due_idx ON gateway_jobs (account_id, next_attempt_at, seq) WHERE status = 'pending';
CREATE INDEX gateway_jobs_ordering_idx ON gateway_jobs (account_id, ordering_key, seq) WHERE status = 'pending';
DROP INDEX gateway_jobs_due_idx;
