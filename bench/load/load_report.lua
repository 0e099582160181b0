-- wrk reports one JSON line (prefixed WRKJSON) that bench/load/run.py reads: requests,
-- seconds, latency percentiles in microseconds and the errors by kind. wrk counts a response
-- with a status of 400 or more as a "status" error; 2xx and 3xx are successes.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
