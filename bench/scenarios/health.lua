-- GET /health/live: the framework's ceiling on this machine (no database, no Redis, no auth).
local report = dofile(os.getenv("BENCH_REPORT"))

wrk.method = "GET"
wrk.path = "/health/live"

done = report.done
