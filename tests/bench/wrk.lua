-- wrk.lua - the request and the report of one wrk run of bench.sh.
--
-- Set by environment variables (bench.sh sets them per run):
--   BENCH_TAG        the name of the run, repeated in the report line
--   BENCH_METHOD     GET (default) or POST
--   BENCH_BODY_FILE  the body of every request, sent as application/json
--   BENCH_COUNT      when set, count the answers by status (costs wrk a
--                    little per answer, so cheap runs leave it unset)
--   BENCH_DELAY_MS   when set, each connection waits this long between
--                    requests (a paced probe, not a flood)
--
-- done() prints one line that bench.sh parses:
--   bench TAG requests=N duration_us=N s2xx=N s403=N s503=N sother=N
--         connect=N read=N write=N timeout=N status=N p50_us=N p99_us=N
-- (the sNNN counts only with BENCH_COUNT; status= is wrk's own count of
-- answers that were not 2xx/3xx).

local tag = os.getenv("BENCH_TAG") or "run"
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")
local counting = os.getenv("BENCH_COUNT") ~= nil
local body_file = os.getenv("BENCH_BODY_FILE")

wrk.method = os.getenv("BENCH_METHOD") or "GET"
if body_file ~= nil then
	local f = assert(io.open(body_file, "rb"))
	wrk.body = f:read("*a")
	f:close()
	wrk.headers["Content-Type"] = "application/json"
end

local threads = {}

function setup(thread)
	table.insert(threads, thread)
end

function init(args)
	s2xx, s403, s503, sother = 0, 0, 0, 0
end

if delay_ms ~= nil then
	function delay()
		return delay_ms
	end
end

if counting then
	function response(status, headers, body)
		if status >= 200 and status < 300 then
			s2xx = s2xx + 1
		elseif status == 403 then
			s403 = s403 + 1
		elseif status == 503 then
			s503 = s503 + 1
		else
			sother = sother + 1
		end
	end
end

function done(summary, latency, requests)
	local c = {s2xx = 0, s403 = 0, s503 = 0, sother = 0}
	for _, t in ipairs(threads) do
		for k, _ in pairs(c) do
			c[k] = c[k] + (t:get(k) or 0)
		end
	end
	local e = summary.errors
	io.write(string.format(
		"bench %s requests=%d duration_us=%d s2xx=%d s403=%d s503=%d " ..
		"sother=%d connect=%d read=%d write=%d timeout=%d status=%d " ..
		"p50_us=%d p99_us=%d\n",
		tag, summary.requests, summary.duration, c.s2xx, c.s403, c.s503,
		c.sother, e.connect, e.read, e.write, e.timeout, e.status,
		latency:percentile(50), latency:percentile(99)))
end
