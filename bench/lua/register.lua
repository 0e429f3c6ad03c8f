-- POST /registrations, each request for a fresh domain, spread over accounts so the
-- 100-domain limit is never reached. args: a numeric run prefix (unique per wrk run, so
-- the warm-up and the measured run never collide) and the domains per account. Account
-- ids are 32 hex characters, as Cloudflare's are: prefix, thread and account number.
-- Every thread gets its own id in setup(), so names never collide across threads.
local threads = 0

setup = function(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local prefix, per_account, counter, id = 0, 50, 0, 0
local headers = {
  ["Authorization"] = "Bearer registrar-mock-bench-token-0000000000000",
  ["Content-Type"] = "application/json",
}

init = function(args)
  prefix = tonumber(args[1]) or 0
  per_account = tonumber(args[2]) or 50
  id = thread_id or 0
end

request = function()
  local n = counter
  counter = counter + 1
  local account = string.format("%012x%04x%016x", prefix, id, math.floor(n / per_account))
  local body = string.format('{"domain_name":"r%d-t%d-%d.com"}', prefix, id, n)
  return wrk.format("POST", "/client/v4/accounts/" .. account .. "/registrar/registrations",
    headers, body)
end
