-- Shared summary: throughput, p50/p95/p99 and errors, one line each, for bench/RESULTS.md.
-- Also paces requests when RATE (requests/s over all threads) is set: plain wrk sends as fast as
-- the server answers, so a scenario that calls report.pace() keeps, per wrk thread, a schedule of
-- one request every THREADS/RATE seconds: delay() holds each connection's next request until the
-- next free slot (a backlog is not caught up beyond one second). Latency is still measured by wrk from when a request is
-- actually sent, so queueing inside the load generator is not counted (unlike wrk2's corrected
-- histograms); the achieved rate is printed next to the target.
local M = {}

local rate = tonumber(os.getenv("RATE") or "")
local threads = tonumber(os.getenv("THREADS") or "1")
M.paced = false

-- Called by a scenario at load time: installs wrk's delay() hook when RATE is set.
function M.pace()
  if rate == nil or rate <= 0 then
    return
  end
  M.paced = true
  local ffi = require("ffi")
  ffi.cdef [[
    typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
    int clock_gettime(int clock, bench_timespec *ts);
  ]]
  local ts = ffi.new("bench_timespec")
  local function now_ms()
    ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local interval = 1000 * threads / rate
  local slot = nil

  function M.delay()
    local now = now_ms()
    if slot == nil or slot < now - 1000 then
      slot = now
    end
    local wait = slot - now
    slot = slot + interval
    if wait < 0 then wait = 0 end
    return math.floor(wait + 0.5)
  end
  delay = M.delay
end

function M.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  if M.paced then
    io.write(string.format("rate: target %d requests/s\n", rate))
  end
  io.write(string.format("throughput: %.0f requests/s (%d requests in %.1fs)\n",
    summary.requests / seconds, summary.requests, seconds))
  io.write(string.format("latency: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: %d (non-2xx/3xx %d, timeouts %d)\n", failed, errors.status, errors.timeout))
end

return M
