-- wrk script: each thread posts one ballot per token of its share (token i goes to thread i mod threads),
-- then stops. Arguments: <path> <threads> <token file>.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  path = args[1]
  nthreads = tonumber(args[2])
  tokens = {}
  for line in io.lines(args[3]) do
    tokens[#tokens + 1] = line
  end
  mine = {}
  for i = id + 1, #tokens, nthreads do
    mine[#mine + 1] = tokens[i]
  end
  sent = 0
  answered = 0
end

local choices = { "yes", "no", "abstain" }

function request()
  sent = sent + 1
  -- past its share a connection repeats the thread's first token (answered 409, never counted twice)
  local token = mine[sent] or mine[1]
  local body = '{"choice":"' .. choices[(sent % 3) + 1] .. '"}'
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= #mine then
    wrk.thread:stop()
  end
end
