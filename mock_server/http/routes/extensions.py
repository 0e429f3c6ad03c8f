"""The extension catalogue, with ETags: a client that kept an answer can ask again with
``If-None-Match`` and get ``304 Not Modified`` while the catalogue is unchanged."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.responses import Response

from registrar_mock.http import envelope, parsing, rendering
from registrar_mock.http.endpoint import Call, api


def _tagged(call: Call, result: Any, result_info: dict[str, Any] | None = None) -> Response:
    """The answer, or a 304 when the client already holds it. The tag is a digest of
    what the answer says, so equal answers have equal tags across runs and restarts."""
    content = json.dumps([result, result_info], sort_keys=True, separators=(",", ":"))
    tag = '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'
    headers = {"ETag": tag}
    if _matches(call.request.headers.get("if-none-match"), tag):
        return Response(status_code=304, headers=headers)
    return envelope.ok(result, result_info=result_info, headers=headers)


def _matches(header: str | None, tag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 section 13.1.2): ``W/`` is ignored."""
    if header is None:
        return False
    candidates = (item.strip().removeprefix("W/") for item in header.split(","))
    return any(candidate in (tag, "*") for candidate in candidates)


@api
async def list_all(call: Call) -> Response:
    name, sort_by, direction, per_page, cursor = parsing.parse_extension_list(
        call.request.query_params
    )
    page = call.registrar.list_extensions(call.account, name, sort_by, direction, per_page, cursor)
    info = {"count": len(page.items), "cursor": page.cursor, "per_page": page.per_page}
    items = [rendering.extension(ext, call.profile) for ext in page.items]
    return _tagged(call, items, info)


@api
async def get(call: Call) -> Response:
    name = call.request.path_params["extension"].strip().lower().removeprefix(".")
    found = call.registrar.get_extension(call.account, name)
    return _tagged(call, rendering.extension(found, call.profile))
