-- POST a fixed JSON body; args: the body.
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer registrar-mock-bench-token-0000000000000"
wrk.headers["Content-Type"] = "application/json"

init = function(args)
  wrk.body = args[1]
end
