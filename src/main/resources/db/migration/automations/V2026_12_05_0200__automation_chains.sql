-- The chain a run belongs to. A run triggered by a person or a program (depth 0) names none and roots its own chain;
-- every run that a chain's actions trigger names that root, so the size of a chain is one indexed count whatever its
-- shape, and a rule whose actions each trigger it again cannot grow its chain past its limit.
ALTER TABLE automation_events ADD COLUMN chain_id uuid;
ALTER TABLE automation_runs ADD COLUMN chain_id uuid;
CREATE INDEX automation_events_chain_idx ON automation_events (chain_id) WHERE chain_id IS NOT NULL;
CREATE INDEX automation_runs_chain_idx ON automation_runs (chain_id) WHERE chain_id IS NOT NULL;
