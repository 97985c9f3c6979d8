-- The request of one benchmark scenario, from the environment that bench/wrk.ts sets:
-- BENCH_METHOD (GET or POST), BENCH_COOKIE (a whole Cookie header value) and BENCH_BODY
-- (an urlencoded form, sent with its Content-Type). The request is built once per thread by
-- wrk itself; no per-request Lua runs, so the load generator stays as cheap as it can be.
wrk.method = os.getenv("BENCH_METHOD") or "GET"

local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local body = os.getenv("BENCH_BODY")
if body ~= nil and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
