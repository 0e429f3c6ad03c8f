"""domain-search and domain-check."""

from __future__ import annotations

from starlette.responses import Response

from registrar_mock.http import envelope, parsing, rendering
from registrar_mock.http.endpoint import Call, api


@api
async def search(call: Call) -> Response:
    query, extensions, limit = parsing.parse_search(call.request.query_params)
    found = call.registrar.search(call.account, query, extensions, limit)
    return envelope.ok({"domains": [rendering.availability(item) for item in found]})


@api
async def check(call: Call) -> Response:
    names = parsing.parse_check(await call.json_object())
    found = call.registrar.check(call.account, names)
    return envelope.ok({"domains": [rendering.availability(item) for item in found]})
