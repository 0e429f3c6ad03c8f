"""The one wrapper every `/client/v4` operation goes through: account, edge, auth, handler.

Putting authentication here, rather than in each handler, means a new route
cannot forget it; the server tests walk the spec to prove it.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from registrar_mock import errors as e
from registrar_mock.clock import Clock
from registrar_mock.http.auth import credential_from_headers
from registrar_mock.http.edge import DroppedResponse, Edge
from registrar_mock.http.parsing import (
    check_content_type,
    domain_name_or_400,
    parse_json_object,
    read_body,
)
from registrar_mock.http.paths import API_ROOT
from registrar_mock.model import Account, Registrar
from registrar_mock.model.profiles import PRODUCTION, Profile

# The scope keys under which the route table leaves the request's operationId, and the
# environment (production or the Registrar Sandbox) its path is in.
OPERATION = "registrar_mock.operation"
PROFILE = "registrar_mock.profile"
# Set once a request's own changes are committed (before it waits for its workflow).
SAVED = "registrar_mock.saved"
# Real seconds a held request may wait past its deadline before it is answered as it is.
HOLD_SLACK = 2.0

# Cloudflare's identifiers are 32 lowercase hex characters; a scenario may be lenient.
ACCOUNT_ID = re.compile(r"[0-9a-f]{32}")
_LENIENT_ACCOUNT_ID = re.compile(r"[A-Za-z0-9_\-]{1,32}")


class Host(Protocol):
    """What the API's handlers need of the app that serves them."""

    registrar: Registrar
    clock: Clock
    edge: Edge


@dataclass(slots=True)
class Call:
    """One authenticated API request, as a handler sees it."""

    request: Request
    host: Host
    account: Account

    @property
    def registrar(self) -> Registrar:
        return self.host.registrar

    @property
    def clock(self) -> Clock:
        return self.host.clock

    @property
    def profile(self) -> Profile:
        return self.registrar.profile(self.account)

    @property
    def environment(self) -> str:
        """The path segment of the account's environment, for links."""
        return self.profile.name

    def domain(self) -> str:
        return domain_name_or_400(self.request.path_params["domain_name"])

    async def wait_until(self, deadline: datetime) -> None:
        """Hold the request until the clock reads ``deadline``, committing first.

        Whatever the request changed is durable before it waits: no other request can
        then commit (or fail to commit) this one's changes for it.
        """
        self.host.edge.commit(self.request.method)
        self.request.scope[SAVED] = True
        # Bounded in real time too: a clock held at a limit (the last saved lease, while
        # the state file can't be written) may not get there, and the answer can't wait.
        real = (deadline - self.clock.now()).total_seconds() / getattr(self.clock, "time_scale", 1)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.clock.sleep_until(deadline), timeout=real + HOLD_SLACK)

    async def json_object(self) -> dict[str, object]:
        # The body is read (and an oversized one drained) first, so the client always gets
        # its answer rather than a connection closed under a body it is still sending.
        raw = await read_body(self.request.stream())
        check_content_type(self.request.headers.get("content-type"))
        return parse_json_object(raw)


Handler = Callable[[Call], Awaitable[Response]]


def api(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        account_id = request.path_params["account_id"]
        host: Host = request.app
        world = host.registrar.world
        if not (_LENIENT_ACCOUNT_ID if world.lenient_ids else ACCOUNT_ID).fullmatch(account_id):
            raise e.bad_identifier(request.url.path.removeprefix(API_ROOT))
        host.edge.admit(request.method)
        try:
            # Faults act like an edge in front of the API: before authentication.
            effect = host.edge.intercept(request.scope.get(OPERATION, ""), account_id)
            if effect is not None:
                if effect.latency:
                    await asyncio.sleep(effect.latency)
                if effect.drop == "before":
                    return DroppedResponse()
                if effect.status is not None:
                    return effect.response()
            credential = credential_from_headers(request.headers, lenient=world.lenient_credentials)
            profile = request.scope.get(PROFILE, PRODUCTION)
            account = host.registrar.authorize(credential, account_id, profile)
            response = await handler(Call(request, host, account))
            if effect is not None and effect.drop == "after":
                return DroppedResponse()
            return response
        finally:
            # Durable before the answer leaves, whether it is a success or an error.
            host.edge.commit(request.method, saved=request.scope.get(SAVED, False))

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint
