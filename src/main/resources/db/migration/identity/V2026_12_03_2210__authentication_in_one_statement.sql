-- Authentication in one statement, so a request pays one database round trip for it and no
-- transaction of its own (the service calls these in autocommit). Each function sets the scope
-- row-level security needs for its own reads, as a transaction of the service would, and puts
-- the previous scope back before it returns, so it never widens the scope of a caller's
-- transaction.

-- The session behind an access token, the user's global role, their role in the account the
-- request is about and that account's status. Marks the session seen (at most every 30 s).
CREATE FUNCTION identity_session_state(p_session uuid, p_user uuid, p_account bigint)
    RETURNS TABLE
            (
                session_active    boolean,
                super_admin       boolean,
                session_last_seen timestamptz,
                account_role      text,
                account_found     boolean,
                account_active    boolean
            )
    LANGUAGE plpgsql
AS
$$
DECLARE
    previous_account  text := current_setting('app.account_id', true);
    previous_user     text := current_setting('app.user_id', true);
    previous_platform text := current_setting('app.platform', true);
BEGIN
    PERFORM set_config('app.account_id', '', true), set_config('app.user_id', p_user::text, true),
            set_config('app.platform', '', true);
    UPDATE sessions s
    SET last_seen_at = now()
    WHERE s.id = p_session
      AND s.user_id = p_user
      AND s.revoked_at IS NULL
      AND s.last_seen_at < now() - interval '30 seconds';
    RETURN QUERY
        SELECT s.revoked_at IS NULL AND s.expires_at > now(), u.is_super_admin, s.last_seen_at, m.role,
               a.id IS NOT NULL, coalesce(a.status = 'active', false)
        FROM sessions s
                 JOIN users u ON u.id = s.user_id
                 LEFT JOIN memberships m ON m.user_id = s.user_id AND m.account_id = p_account
                 LEFT JOIN accounts a ON a.id = p_account
        WHERE s.id = p_session
          AND s.user_id = p_user;
    PERFORM set_config('app.account_id', coalesce(previous_account, ''), true),
            set_config('app.user_id', coalesce(previous_user, ''), true),
            set_config('app.platform', coalesce(previous_platform, ''), true);
END
$$;

-- The API key with this key id (any account: the account is not known before the look-up) and
-- whether its account is active. The secret is compared by the service, in constant time.
CREATE FUNCTION identity_api_key(p_key_id text)
    RETURNS TABLE
            (
                key_uuid        uuid,
                key_account     bigint,
                key_secret_hash bytea,
                key_scopes      text[],
                key_created_by  uuid,
                key_expires_at  timestamptz,
                key_revoked_at  timestamptz,
                key_last_used   timestamptz,
                account_active  boolean
            )
    LANGUAGE plpgsql
AS
$$
DECLARE
    previous_account  text := current_setting('app.account_id', true);
    previous_user     text := current_setting('app.user_id', true);
    previous_platform text := current_setting('app.platform', true);
BEGIN
    PERFORM set_config('app.account_id', '', true), set_config('app.user_id', '', true),
            set_config('app.platform', 'on', true);
    RETURN QUERY
        SELECT k.id, k.account_id, k.secret_hash, k.scopes, k.created_by, k.expires_at, k.revoked_at, k.last_used_at,
               coalesce(a.status = 'active', false)
        FROM api_keys k
                 JOIN accounts a ON a.id = k.account_id
        WHERE k.key_id = p_key_id;
    PERFORM set_config('app.account_id', coalesce(previous_account, ''), true),
            set_config('app.user_id', coalesce(previous_user, ''), true),
            set_config('app.platform', coalesce(previous_platform, ''), true);
END
$$;
