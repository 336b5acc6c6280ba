-- GET /api/v1/accounts/{id}/users as an account admin: the whole guarded path of a read. Bearer
-- token check (JWT + session row), membership and role, per-user and per-account rate limits in
-- Redis, row-level security, a page of 10 members. Set-up: guarded-read.setup.sh.
local report = dofile(os.getenv("BENCH_REPORT"))

wrk.method = "GET"
wrk.path = "/api/v1/accounts/" .. os.getenv("ACCOUNT_ID") .. "/users"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

done = report.done
