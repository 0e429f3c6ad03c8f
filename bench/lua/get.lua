-- GET the URL's path with the bench token.
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer bench-token"
