CREATE TABLE teams
(
    id                uuid        NOT NULL PRIMARY KEY,
    account_id        bigint      NOT NULL REFERENCES accounts (id),
    name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description       text,
    allow_auto_assign boolean     NOT NULL DEFAULT true,
    chatwoot_team_id  bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX teams_account_name_key ON teams (account_id, lower(name));
CREATE UNIQUE INDEX teams_chatwoot_team_key ON teams (account_id, chatwoot_team_id) WHERE chatwoot_team_id IS NOT NULL;
ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON teams
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());

CREATE TABLE team_members
(
    account_id bigint      NOT NULL REFERENCES accounts (id),
    team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    uuid        NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_account_user_idx ON team_members (account_id, user_id);
ALTER TABLE team_members ENABLE ROW LEVEL SECURITY;
ALTER TABLE team_members FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON team_members
    USING (account_id = app_account_id() OR app_platform())
    WITH CHECK (account_id = app_account_id() OR app_platform());
