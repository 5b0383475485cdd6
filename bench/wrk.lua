-- wrk script of bench/run.py: one page, the sessions of one user rotated over the
-- connections, an optional think time, and a one-line JSON summary on stdout.
--   BENCH_PATH     the page (path and query)
--   BENCH_COOKIES  "sessionid=...|sessionid=..." (one per simulated user)
--   BENCH_THINK_MS think time between a connection's requests (0: none)
local path = os.getenv("BENCH_PATH") or "/"
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")
local cookies = {}
for cookie in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^|]+") do
  table.insert(cookies, cookie)
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

counter = 0
bad = 0
first_bad = ""

function init(args)
  counter = math.random(#cookies)
end

function request()
  counter = counter % #cookies + 1
  return wrk.format("GET", path, { ["Cookie"] = cookies[counter] })
end

if think > 0 then
  function delay()
    -- a random think time around the mean, so the users do not march in step
    local half = math.floor(think / 2)
    return math.random(half, think + half)
  end
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    if first_bad == "" then
      first_bad = tostring(status) .. " " .. (headers["Location"] or "")
    end
  end
end

function done(summary, latency, requests)
  local non200 = 0
  local example = ""
  for _, thread in ipairs(threads) do
    non200 = non200 + thread:get("bad")
    if example == "" then
      example = thread:get("first_bad")
    end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "non200": %d, "socket_errors": %d, "example_error": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, non200, socket, example
  ))
end
