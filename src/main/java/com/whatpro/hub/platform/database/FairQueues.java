package com.whatpro.hub.platform.database;

/** SQL shared by the work queues whose claims take turns between accounts. */
public final class FairQueues {

    private FairQueues() {
    }

    /**
     * The query of a recursive common table expression {@code accounts (account_id)}: the accounts with pending rows
     * in {@code table}, one index probe each (a skip scan of an index that leads with {@code account_id} among the
     * rows of status {@code pending}), however many rows each has; its last row is a null, for the caller to leave
     * out.
     *
     * @param table a queue table of the hub's own schema (never input)
     */
    public static String accountsWithPending(String table) {
        return """
                accounts (account_id) as (
                    (select account_id from %1$s where status = 'pending' order by account_id limit 1)
                    union all
                    select (select q.account_id from %1$s q
                            where q.status = 'pending' and q.account_id > a.account_id order by q.account_id limit 1)
                    from accounts a where a.account_id is not null
                )""".formatted(table);
    }

    /**
     * A common table expression {@code room (account_id, room)} after {@link #accountsWithPending}: how many more
     * rows of each of those accounts this node may take, {@code :perAccount} less what it holds of that account
     * ({@code :busyAccounts} and {@code :busyCounts}, two arrays in step); accounts without room are left out.
     */
    public static String roomPerAccount() {
        return """
                room as (
                    select a.account_id, :perAccount - coalesce(b.busy, 0) as room
                    from accounts a
                    left join unnest(cast(:busyAccounts as bigint[]), cast(:busyCounts as int[]))
                        as b (account_id, busy) on b.account_id = a.account_id
                    where a.account_id is not null and :perAccount - coalesce(b.busy, 0) > 0
                )""";
    }
}
