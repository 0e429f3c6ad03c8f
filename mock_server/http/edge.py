"""What stands in front of the API, as the HTTP layer sees it: an edge that may
intercept a request (a fault: an error, latency, a dropped connection), and the
commit that makes a request's changes durable before its answer leaves.

The control plane implements :class:`Edge`; this layer only knows the protocol,
so the API's routes never import the control plane.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from registrar_mock import errors as e
from registrar_mock.http import envelope

DROP_HEADER = "x-registrar-mock-dropped"
# The scope extension a server may offer to cut the connection (ours does: http/serving.py),
# and the scope key that tells the journal a request's answer was dropped.
ABORT_EXTENSION = "registrar_mock.abort"
DROPPED = "registrar_mock.dropped"


@dataclass(frozen=True, slots=True)
class Effect:
    """What a fault does to one request."""

    status: int | None = None
    code: int | None = None
    message: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    latency: float = 0.0  # real seconds
    drop: str | None = None  # "before" or "after"

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.status is not None:
            body.update(status=self.status, code=self.code, message=self.message)
        if self.headers:
            body["headers"] = dict(self.headers)
        if self.latency:
            body["latency"] = self.latency
        if self.drop:
            body["drop"] = self.drop
        return body

    def response(self) -> Response:
        """The error answer of a fault with a status."""
        error = e.ApiError(
            self.status or 500,
            [e.ErrorItem(self.code or 10500, self.message or "Injected fault")],
            headers=dict(self.headers),
        )
        return envelope.failure(error)


class Edge(Protocol):
    def admit(self, method: str) -> None:
        """Raise the refusal for a request that may not run at all (the store is unusable)."""
        ...

    def intercept(self, operation: str, account_id: str) -> Effect | None:
        """The effect of the first fault rule that fires for this request, if any."""
        ...

    def commit(self, method: str = "POST", *, saved: bool = False) -> None:
        """Make every change so far durable (a no-op without a state file). ``method`` is
        the request's: a read's changes are only what time did, and so are a request's
        once ``saved`` (its own were committed before it waited)."""
        ...


class DroppedResponse(Response):
    """No answer at all: the connection is closed under the request, as a network drops it.

    Served by the mock's own server, the socket is closed with nothing sent, so every
    client sees a connection error (and the official SDKs retry it). The in-process
    transports in ``registrar_mock.testing`` raise ``httpx.RemoteProtocolError`` instead,
    on the sign of a response that starts and never finishes.
    """

    def __init__(self) -> None:
        super().__init__(status_code=200)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[DROPPED] = True
        abort = scope.get("extensions", {}).get(ABORT_EXTENSION)
        if abort is not None:
            abort()
            return
        headers = [(b"content-length", b"64"), (DROP_HEADER.encode(), b"1")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
