-- The trace a job belongs to (W3C traceparent of the webhook or request that added it), so the worker's span and the
-- Chatwoot or provider call it makes continue that trace. Null: added outside any trace.
ALTER TABLE gateway_jobs ADD COLUMN traceparent text;
