-- The many-visitors request: a different visitor's cookie (and form body) on every request,
-- round-robin, from the file bench/wrk.ts writes (BENCH_VISITORS_FILE: one line per visitor,
-- "<Cookie header>\t<urlencoded body or nothing>") with BENCH_METHOD. Each thread pre-formats
-- every request once in init() and starts at its own offset (BENCH_THREADS threads share the
-- list), so request() only steps an index: the per-request Lua stays as cheap as it can be.
local method = os.getenv("BENCH_METHOD") or "GET"
local file = os.getenv("BENCH_VISITORS_FILE")
local threads = tonumber(os.getenv("BENCH_THREADS") or "1")
local next_id = 0
local requests = {}
local index = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  for line in io.lines(file) do
    local cookie, body = line:match("^([^\t]*)\t?(.*)$")
    local headers = { ["Cookie"] = cookie }
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    requests[#requests + 1] = wrk.format(method, nil, headers, body)
  end
  index = (thread_id or 0) * math.floor(#requests / threads)
end

function request()
  index = index % #requests + 1
  return requests[index]
end
