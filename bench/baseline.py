"""The ceiling for our stack: a bare Starlette endpoint returning the same JSON.

Same uvicorn settings as the mock (see :mod:`bench.launch`), same route shape as
GET /registrations/{domain_name}, and a body of the same shape and size as the
mock's answer for ``bench-42.com``. No auth, no state, no envelope code: whatever
the mock spends beyond this is our own cost.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# What GET /registrations/bench-42.com answers in the bench world (byte for byte in size;
# the bench checks that the two bodies have the same length).
BODY: dict[str, Any] = {
    "success": True,
    "errors": [],
    "messages": [],
    "result": {
        "domain_name": "bench-42.com",
        "status": "active",
        "created_at": "2025-01-15T10:00:00Z",
        "expires_at": "2027-01-15T10:00:00Z",
        "auto_renew": False,
        "locked": True,
        "privacy_mode": "redaction",
    },
}


async def registration(request: Request) -> Response:
    return JSONResponse(BODY)


async def health(request: Request) -> Response:
    return JSONResponse({"success": True, "errors": [], "messages": [], "result": {}})


def create_baseline_app() -> Starlette:
    return Starlette(
        routes=[
            Route(
                "/client/v4/accounts/{account_id}/registrar/registrations/{domain_name}",
                registration,
                methods=["GET"],
            ),
            Route("/__mock__/health", health, methods=["GET"]),
        ]
    )
