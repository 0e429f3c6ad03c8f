-- GET the URL's path with the bench token.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer registrar-mock-bench-token-0000000000000"
