-- POST /registrations, each request for a fresh domain, spread over accounts so the
-- 100-domain limit is never reached. args: a run prefix (unique per wrk run, so the
-- warm-up and the measured run never collide) and the domains per account.
-- Every thread gets its own id in setup(), so names never collide across threads.
local threads = 0

setup = function(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local prefix, per_account, counter, id = "r", 50, 0, 0
local headers = {
  ["Authorization"] = "Bearer bench-token",
  ["Content-Type"] = "application/json",
}

init = function(args)
  prefix = args[1] or "r"
  per_account = tonumber(args[2]) or 50
  id = thread_id or 0
end

request = function()
  local n = counter
  counter = counter + 1
  local account = string.format("%st%da%d", prefix, id, math.floor(n / per_account))
  local body = string.format('{"domain_name":"%s-t%d-%d.com"}', prefix, id, n)
  return wrk.format("POST", "/client/v4/accounts/" .. account .. "/registrar/registrations",
    headers, body)
end
