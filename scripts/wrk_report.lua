-- wrk reporter for scripts/benchmark.py: one parsable line of figures.
-- Latencies are in microseconds; failures are non-2xx/3xx responses plus
-- socket errors and timeouts.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KDR requests=%d seconds=%.3f failures=%d p50=%d p95=%d p99=%d\n",
    summary.requests,
    summary.duration / 1e6,
    e.status + e.connect + e.read + e.write + e.timeout,
    latency:percentile(50),
    latency:percentile(95),
    latency:percentile(99)
  ))
end
