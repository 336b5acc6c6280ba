#!/usr/bin/env bash
# Times the gateway's claim statement (copied from Jobs.claim with its production parameters; rolled back, so
# nothing is claimed) on a hub database whose service is stopped: first as it is, with some pending jobs added, then
# after inserting 1,000,000 finished jobs. Usage: bench/gateway/claim-cost.sh DATABASE (psql as postgres on 127.0.0.1).
set -euo pipefail
db=${1:?usage: claim-cost.sh DATABASE}
P="psql -h 127.0.0.1 -U postgres -qAt -d $db"
claim() {
  cat <<SQL
begin;
explain (analyze, format json)
with recursive accounts (account_id) as (
    (select account_id from gateway_jobs where status = 'pending' order by account_id limit 1)
    union all
    select (select j.account_id from gateway_jobs j
            where j.status = 'pending' and j.account_id > a.account_id order by j.account_id limit 1)
    from accounts a where a.account_id is not null
), room as (
    select a.account_id, 8 - coalesce(b.busy, 0) as room
    from accounts a
    left join unnest(cast('{}' as bigint[]), cast('{}' as int[])) as b (account_id, busy) on b.account_id = a.account_id
    where a.account_id is not null and 8 - coalesce(b.busy, 0) > 0
), candidates as (
    select c.id, c.account_id,
           row_number() over (partition by c.account_id order by c.next_attempt_at, c.seq) as turn
    from room r
    cross join lateral (
        select w.* from (
            select j.id, j.account_id, j.next_attempt_at, j.seq, j.ordering_key from gateway_jobs j
            where j.status = 'pending' and j.account_id = r.account_id and j.next_attempt_at <= now()
            order by j.next_attempt_at, j.seq limit 500) w
        where w.ordering_key is null or not exists (
            select 1 from gateway_jobs e
            where e.status = 'pending' and e.account_id = w.account_id and e.ordering_key = w.ordering_key
              and e.seq < w.seq)
        limit r.room) c
), picked as (
    select id from candidates order by turn, account_id > 0 desc, account_id limit 16
)
update gateway_jobs j set attempts = j.attempts + 1, next_attempt_at = now() + make_interval(secs => 20),
    claimed_by = 'bench', claim_token = gen_random_uuid()
from picked p where j.id = p.id and j.status = 'pending'
returning j.id;
rollback;
SQL
}
measure() {
  for i in $(seq 1 35); do claim | $P | grep -o '"Execution Time": [0-9.]*' | awk '{print $3}'; done | tail -30 | sort -n |
    awk '{a[NR]=$1} END {printf "median %.3f ms, p95 %.3f ms, max %.3f ms (n=%d)\n", a[int(NR/2)+1], a[int(NR*0.95)], a[NR], NR}'
}
accounts=$($P -c "select count(*) from accounts")
$P -c "delete from gateway_jobs where claimed_by = 'bench' or dedup_key like 'seed-%' or dedup_key like 'pending-%'"
$P -c "insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, next_attempt_at)
       select gen_random_uuid(), a.id, 'inbound', 'pending-' || a.id || '-' || g, 'contact-' || (g % 5), '{}', now() - interval '1 second'
       from accounts a cross join generate_series(1, greatest(1, 200 / $accounts)) g"
$P -c "vacuum analyze gateway_jobs"
echo "accounts: $accounts; pending: $($P -c "select count(*) from gateway_jobs where status='pending'"); done: $($P -c "select count(*) from gateway_jobs where status='done'")"
echo "without finished jobs: $(measure)"
start=$(date +%s)
$P -c "insert into gateway_jobs (id, account_id, kind, dedup_key, ordering_key, payload, status, attempts, next_attempt_at, created_at, finished_at)
       select gen_random_uuid(), (array(select id from accounts order by id))[1 + g % $accounts], 'inbound', 'seed-' || g, 'contact-' || (g % 1000),
              '{\"event\":\"messages.upsert\"}', 'done', 1, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
       from generate_series(1, 1000000) g"
$P -c "vacuum analyze gateway_jobs"
echo "seeded in $(( $(date +%s) - start )) s; pending: $($P -c "select count(*) from gateway_jobs where status='pending'"); done: $($P -c "select count(*) from gateway_jobs where status='done'")"
echo "with 1,000,000 finished jobs: $(measure)"
