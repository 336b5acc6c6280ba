-- A user removed from an account stayed in its teams (nothing listened to MemberRemoved): still listed
-- as a member and picked by round-robin assignment. From now on teams.DepartedMembers removes them with
-- the user; this removes those left behind before.
SELECT set_config('app.platform', 'on', true);

DELETE FROM team_members t
WHERE NOT EXISTS (SELECT 1 FROM memberships m WHERE m.account_id = t.account_id AND m.user_id = t.user_id);
