"""The one wrapper every `/client/v4` operation goes through: account, auth, then the handler.

Putting authentication here, rather than in each handler, means a new route
cannot forget it; `tests/test_auth.py` walks the spec to prove it.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from . import envelope
from . import errors as e
from .auth import credential_from_headers
from .domain import Account, Registrar
from .faults import DROP_HEADER, Effect
from .payloads import check_content_type, domain_name_or_400, parse_json_object, read_body

if TYPE_CHECKING:
    from .app import MockApp

_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_\-]{1,32}")


@dataclass(slots=True)
class Call:
    """One authenticated API request, as a handler sees it."""

    request: Request
    app: MockApp
    account: Account

    @property
    def registrar(self) -> Registrar:
        return self.app.registrar

    def domain(self) -> str:
        return domain_name_or_400(self.request.path_params["domain_name"])

    async def json_object(self) -> dict[str, object]:
        # The body is read (and an oversized one drained) first, so the client always gets
        # its answer rather than a connection closed under a body it is still sending.
        raw = await read_body(self.request.stream())
        check_content_type(self.request.headers.get("content-type"))
        return parse_json_object(raw)


Handler = Callable[[Call], Awaitable[Response]]


OPERATION = "registrar_mock.operation"


class DroppedResponse(Response):
    """Starts a response and never finishes it: the client sees the connection drop.

    uvicorn closes the connection when an app returns mid-response; the
    in-process transports in ``mock_server.testing`` raise ``httpx.RemoteProtocolError``.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(b"content-length", b"64"), (DROP_HEADER.encode(), b"1")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})


def _fault_response(effect: Effect) -> Response:
    assert effect.status is not None and effect.code is not None
    error = e.ApiError(
        effect.status,
        [e.ErrorItem(effect.code, effect.message or "Injected fault")],
        headers=dict(effect.headers),
    )
    return envelope.failure(error)


def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        account_id = request.path_params["account_id"]
        if not _ACCOUNT_ID.fullmatch(account_id):
            raise e.error(404, e.NO_ROUTE, e.MSG_BAD_ACCOUNT_ID, "/account_id")
        app: MockApp = request.app
        try:
            # Faults act like an edge in front of the API: before authentication.
            effect = app.control.faults.pick(request.scope.get(OPERATION, ""), account_id)
            if effect is not None:
                if effect.latency:
                    await asyncio.sleep(effect.latency)
                if effect.drop == "before":
                    return DroppedResponse()
                if effect.status is not None:
                    return _fault_response(effect)
            credential = credential_from_headers(request.headers)
            account = app.registrar.authorize(credential, account_id)
            response = await handler(Call(request, app, account))
            if effect is not None and effect.drop == "after":
                return DroppedResponse()
            return response
        finally:
            # Durable before the answer leaves, whether it is a success or an error.
            app.control.persist()

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
