-- An API key as it stands now, by its id, for a caller that authenticated with it earlier and is
-- still being served (an open event stream checks its key again): when it was revoked, when it
-- expires, and whether its account is active. One statement, called in autocommit; it sets and puts
-- back the scope as identity_api_key does.
CREATE FUNCTION identity_api_key_state(p_key uuid, p_account bigint)
    RETURNS TABLE
            (
                key_expires_at timestamptz,
                key_revoked_at timestamptz,
                account_active boolean
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
        SELECT k.expires_at, k.revoked_at, coalesce(a.status = 'active', false)
        FROM api_keys k
                 JOIN accounts a ON a.id = k.account_id
        WHERE k.id = p_key
          AND k.account_id = p_account;
    PERFORM set_config('app.account_id', coalesce(previous_account, ''), true),
            set_config('app.user_id', coalesce(previous_user, ''), true),
            set_config('app.platform', coalesce(previous_platform, ''), true);
END
$$;
