-- Requests spread over many visitors, for bench/stores.ts: BENCH_SESSIONS names a file with one
-- visitor per line, "<Cookie header>\t<urlencoded add-stock form>", and BENCH_METHOD is GET or POST.
-- Each request takes the next visitor in turn (each thread starts at its own place).
local method = os.getenv("BENCH_METHOD") or "GET"
local visitors = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local cookie, body = line:match("^([^\t]*)\t(.*)$")
  if cookie ~= nil then
    table.insert(visitors, { cookie = cookie, body = body })
  end
end
local turn = math.random(#visitors)

request = function()
  turn = turn % #visitors + 1
  local visitor = visitors[turn]
  local headers = { Cookie = visitor.cookie }
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, visitor.body)
  end
  return wrk.format("GET", nil, headers)
end
