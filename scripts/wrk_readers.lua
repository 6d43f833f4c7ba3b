-- wrk script for scripts/loadtest.py: readers moving between public pages,
-- each asking again the moment it has its page (readers who pause between
-- pages are scripts/readers.py: wrk would count part of a pause as waiting).
-- Paths come from the environment (KDR_PATHS, space-separated); 5xx answers
-- are counted apart from other failures, and answers from a cache (Varnish's
-- X-Cache: HIT, or the page cache's X-Page-Cache: hit) apart from pages made
-- for the request.
local paths = {}
for path in string.gmatch(os.getenv("KDR_PATHS") or "/", "%S+") do
  table.insert(paths, path)
end
local threads = {}
local counter = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  fivexx = 0
  hits = 0
  answers = 0
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  answers = answers + 1
  if headers["X-Cache"] == "HIT" or headers["X-Page-Cache"] == "hit" then
    hits = hits + 1
  end
  if status >= 500 then
    fivexx = fivexx + 1
  end
end

function done(summary, latency, requests)
  local total5xx, totalhits, totalanswers = 0, 0, 0
  for _, thread in ipairs(threads) do
    total5xx = total5xx + thread:get("fivexx")
    totalhits = totalhits + thread:get("hits")
    totalanswers = totalanswers + thread:get("answers")
  end
  local e = summary.errors
  io.write(string.format(
    "KDR requests=%d seconds=%.3f fivexx=%d status=%d connect=%d read=%d write=%d timeout=%d p50=%d p95=%d p99=%d hits=%d answers=%d\n",
    summary.requests, summary.duration / 1e6, total5xx, e.status, e.connect, e.read, e.write,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    totalhits, totalanswers
  ))
end
