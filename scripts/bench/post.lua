-- wrk script for scripts/bench-serve: one documented POST (the commsOperation seed) sent over and over.
-- The body is read from the file named by $CONFORM_BENCH_BODY (written by bench-serve from the seed page).
local f = assert(io.open(os.getenv("CONFORM_BENCH_BODY"), "rb"))
local body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.path = os.getenv("CONFORM_BENCH_PATH") or "/beta/communications/calls/abc/operations"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"

done = function(summary, latency, requests)
  io.write(string.format("bench: requests=%d duration_us=%d rps=%.0f\n", summary.requests, summary.duration,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("bench: latency_us p50=%d p90=%d p99=%d max=%d mean=%.0f\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
  io.write(string.format("bench: errors connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
end
