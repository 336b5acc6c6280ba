-- Shared summary: throughput, p50/p95/p99 and errors, one line each, for bench/RESULTS.md.
local M = {}

function M.done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
  io.write(string.format("throughput: %.0f requests/s (%d requests in %.1fs)\n",
    summary.requests / seconds, summary.requests, seconds))
  io.write(string.format("latency: p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("errors: %d (non-2xx/3xx %d, timeouts %d)\n", failed, errors.status, errors.timeout))
end

return M
