-- A super_admin may override single limits or features of an account's plan.
ALTER TABLE accounts ADD COLUMN limit_overrides jsonb NOT NULL DEFAULT '{}';
ALTER TABLE accounts ADD COLUMN feature_overrides jsonb NOT NULL DEFAULT '{}';
