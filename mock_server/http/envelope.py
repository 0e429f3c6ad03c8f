"""The Cloudflare v4 envelope: ``{success, errors, messages, result}`` on every answer."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from registrar_mock import errors as e
from registrar_mock.http.paths import CONTROL_ROOT

_orjson: ModuleType | None
try:  # an optional accelerator (registrar-mock[fast]): the same bytes, sooner
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the install
    _orjson = None

Message = Mapping[str, Any]


class _JSON(JSONResponse):
    """Starlette's JSON answer: written by orjson when it is installed (the ``fast``
    extra; an answer is rendered many times faster, to the same bytes), else by the
    standard library, which falls back to ASCII escapes for unencodable text.

    A lone surrogate can't be written as UTF-8; escaped, it is still valid JSON
    (``"\\ud800"``), so no stored or echoed string can turn an answer into a 500.
    """

    def render(self, content: Any) -> bytes:
        if _orjson is not None:
            try:
                fast: bytes = _orjson.dumps(content)
                return fast
            except TypeError:  # a lone surrogate, a huge integer: the standard way below
                pass
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


def ok(
    result: Any,
    *,
    status: int = 200,
    messages: Sequence[Message] = (),
    result_info: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "success": True,
        "errors": [],
        "messages": list(messages),
        "result": result,
    }
    if result_info is not None:
        body["result_info"] = result_info
    return _JSON(body, status_code=status, headers=headers)


def failure(error: e.ApiError) -> Response:
    body = {
        "success": False,
        "errors": [item.to_json() for item in error.items],
        "messages": error.messages,
        "result": None,
    }
    return _JSON(body, status_code=error.status, headers=error.headers or None)


async def api_error_handler(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, e.ApiError):  # pragma: no cover - registered for ApiError only
        return await internal_error_handler(request, exc)
    return failure(exc)


async def http_error_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 (no route, wrong method), answered in the envelope.

    Under ``/client/v4`` an unknown path is Cloudflare's 400, code 7000; a known path asked
    with a method it doesn't take is a 405 with an ``Allow`` header, and code 7000 too.
    The control API is the mock's own, and answers as REST does.
    """
    status = getattr(exc, "status_code", 404)
    if request.url.path.startswith(CONTROL_ROOT):
        error = e.CONTROL_METHOD() if status == 405 else e.CONTROL_NO_ROUTE()
    else:
        error = e.METHOD_NOT_ALLOWED() if status == 405 else e.NO_ROUTE()
    error.headers.update(getattr(exc, "headers", None) or {})
    return failure(error)


async def internal_error_handler(request: Request, exc: Exception) -> Response:
    return failure(e.INTERNAL())
