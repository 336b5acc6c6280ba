-- GET /api/v1/accounts/{a}/boards/{b} on a board of 5 stages x 200 cards, as an account admin:
-- authentication (session check), membership, the board, its stages and their live totals.
local report = dofile(os.getenv("BENCH_REPORT"))

wrk.method = "GET"
wrk.path = os.getenv("BOARD_PATH")
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")

report.pace()
done = report.done
