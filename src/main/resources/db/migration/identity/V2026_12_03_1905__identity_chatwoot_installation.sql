-- A Chatwoot identity is (installation, user id): Chatwoot user ids are unique only within one
-- Chatwoot server. Links made before this migration came from the installation SSO trusts
-- (WHATPRO_CHATWOOT_URL), which a migration cannot read: they keep a null installation, match
-- nothing, and the service fills them in at start-up (ChatwootInstallationBackfill).
ALTER TABLE users ADD COLUMN chatwoot_installation text;
ALTER TABLE users ADD CONSTRAINT users_chatwoot_installation_needs_user_id
    CHECK (chatwoot_installation IS NULL OR chatwoot_user_id IS NOT NULL);
DROP INDEX users_chatwoot_user_id_key;
CREATE UNIQUE INDEX users_chatwoot_identity_key ON users (chatwoot_installation, chatwoot_user_id)
    WHERE chatwoot_user_id IS NOT NULL;
