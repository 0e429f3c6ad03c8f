"""The legacy `/domains` endpoints: the same registrations in the old Domain shape.

Cloudflare deprecated them (end of life 2026-09-27); every answer says so in
`messages` and in a `Sunset` header (RFC 8594) so clients notice.
"""

from __future__ import annotations

import functools
from typing import Any

from starlette.responses import Response

from registrar_mock.errors import ApiError
from registrar_mock.http import envelope, parsing, rendering
from registrar_mock.http.endpoint import Call, Handler, api

DEPRECATION_CODE = 10050
DEPRECATION = {
    "code": DEPRECATION_CODE,
    "message": (
        "The /registrar/domains endpoints are deprecated and reached end of life on "
        "2026-09-27; use /registrar/registrations instead."
    ),
}
HEADERS = {"Sunset": "Sun, 27 Sep 2026 00:00:00 GMT"}


def _ok(result: Any, **extra: Any) -> Response:
    return envelope.ok(result, messages=[DEPRECATION], headers=HEADERS, **extra)


def legacy(handler: Handler) -> Handler:
    """Errors of a legacy endpoint carry the deprecation notice too."""

    @functools.wraps(handler)
    async def wrapped(call: Call) -> Response:
        try:
            return await handler(call)
        except ApiError as error:
            error.messages.append(DEPRECATION)
            error.headers.update(HEADERS)
            raise

    return wrapped


@api
@legacy
async def list_domains(call: Call) -> Response:
    registrar = call.registrar
    page = registrar.list_registrations(call.account, "name", "asc", 10_000, None)
    result = [rendering.legacy_domain(r, registrar.domain_id(r)) for r in page.items]
    info = {"count": len(result), "page": 1, "per_page": len(result), "total_count": len(result)}
    return _ok(result, result_info=info)


@api
@legacy
async def get_domain(call: Call) -> Response:
    registration = call.registrar.get_registration(call.account, call.domain())
    return _ok(rendering.legacy_domain(registration, call.registrar.domain_id(registration)))


@api
@legacy
async def update_domain(call: Call) -> Response:
    domain = call.domain()
    changes = parsing.parse_legacy_update(await call.json_object())
    registration = call.registrar.update_domain(call.account, domain, changes)
    return _ok(rendering.legacy_domain(registration, call.registrar.domain_id(registration)))
