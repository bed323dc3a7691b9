-- wrk script for scripts/bench-replay: cycles through the generated request lines (requests.tsv, named by
-- $CONFORM_BENCH_REQUESTS: METHOD \t PATH \t FIXTURE-ID \t BODY), sending the headers conform run sends
-- (Host, User-Agent, X-Conform-Fixture, Content-Type for bodies), so the server does the same work.
local requests = {}
for line in io.lines(os.getenv("CONFORM_BENCH_REQUESTS")) do
  local method, path, id, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
  local headers = { ["User-Agent"] = "conform/0.1", ["X-Conform-Fixture"] = id }
  if body == "" then
    body = nil
  else
    headers["Content-Type"] = "application/json"
  end
  requests[#requests + 1] = wrk.format(method, path, headers, body)
end

local counter = 0
setup = function(thread)
  thread:set("offset", counter)  -- threads start at different lines
  counter = counter + 1
end

local i = 0
request = function()
  i = i + 1
  return requests[((i + (offset or 0) * 7919) % #requests) + 1]
end

done = function(summary, latency, _)
  io.write(string.format("bench: requests=%d duration_us=%d rps=%.0f\n", summary.requests, summary.duration,
    summary.requests / (summary.duration / 1e6)))
  io.write(string.format("bench: latency_us p50=%d p99=%d\n", latency:percentile(50), latency:percentile(99)))
end
