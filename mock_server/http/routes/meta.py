"""Endpoints about the API itself."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from registrar_mock import spec


async def openapi(request: Request) -> Response:
    return Response(spec.as_json(), media_type="application/json")
