"""domain-search and domain-check."""

from __future__ import annotations

from starlette.responses import Response

from .. import envelope, payloads, views
from ..endpoint import Call, api


@api
async def search(call: Call) -> Response:
    query, extensions, limit = payloads.parse_search(call.request.query_params)
    found = call.registrar.search(call.account, query, extensions, limit)
    return envelope.ok({"domains": [views.availability(item) for item in found]})


@api
async def check(call: Call) -> Response:
    names = payloads.parse_check(await call.json_object())
    found = call.registrar.check(call.account, names)
    return envelope.ok({"domains": [views.availability(item) for item in found]})
