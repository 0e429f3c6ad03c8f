"""Pointing an application at the mock without changing its code.

Both official SDKs read their base URL and credentials from ``CLOUDFLARE_*``
variables, so an application that builds ``Cloudflare()`` from the environment, as in
production, reaches the mock once those variables say so: :func:`environment` says what
they must hold, and :func:`redirected` sets them and puts them back afterwards.
A developer's real credentials in those variables are taken away meanwhile, so they
can neither reach the mock nor be mixed with the scenario's.

The in-process mock has no socket. :func:`intercepting` makes every ``httpx`` client
(the SDKs' included) hand requests for the mock's origin to the app in-process, the way
respx routes them; requests anywhere else go out as before.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from starlette.types import ASGIApp

from registrar_mock.testing.transports import ASGITransport, SyncASGITransport

# Every variable either SDK reads a credential from; only the scenario's are left set.
CREDENTIALS = (
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_API_KEY",
    "CLOUDFLARE_EMAIL",
    "CLOUDFLARE_API_USER_SERVICE_KEY",
    "CLOUDFLARE_CUSTOM_HEADERS",
)


def environment(
    base_url: str, account_id: str, credentials: Mapping[str, str]
) -> dict[str, str | None]:
    """The ``CLOUDFLARE_*`` variables that point an SDK at the mock (None: unset)."""
    values: dict[str, str | None] = dict.fromkeys(CREDENTIALS)
    values["CLOUDFLARE_BASE_URL"] = base_url
    values["CLOUDFLARE_ACCOUNT_ID"] = account_id
    if "api_token" in credentials:
        values["CLOUDFLARE_API_TOKEN"] = credentials["api_token"]
    else:
        values["CLOUDFLARE_EMAIL"] = credentials["api_email"]
        values["CLOUDFLARE_API_KEY"] = credentials["api_key"]
    return values


@contextlib.contextmanager
def redirected(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set (or unset, for None) these variables; restore each as it was afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            _put(name, value)
        yield
    finally:
        for name, value in saved.items():
            _put(name, value)


def _put(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


@contextlib.contextmanager
def intercepting(app: ASGIApp, origin: str) -> Iterator[None]:
    """Route ``httpx`` requests for ``origin`` (``scheme://host``) to ``app`` in-process.

    Patches the default transports' request methods, wrapping whatever is installed (so
    two mocks at two origins can be intercepted at once), and restores them after.
    """
    target = httpx.URL(origin)
    asynchronous = ASGITransport(app)
    # The sync transport runs its own thread: made on first use, so a test that never
    # sends a request through it pays nothing.
    made: list[SyncASGITransport] = []
    previous_sync = httpx.HTTPTransport.handle_request
    previous_async = httpx.AsyncHTTPTransport.handle_async_request

    def ours(request: httpx.Request) -> bool:
        url = request.url
        return (url.scheme, url.host, url.port) == (target.scheme, target.host, target.port)

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        if ours(request):
            if not made:
                made.append(SyncASGITransport(app))
            return made[0].handle_request(request)
        return previous_sync(self, request)

    async def handle_async_request(
        self: httpx.AsyncHTTPTransport, request: httpx.Request
    ) -> httpx.Response:
        if ours(request):
            return await asynchronous.handle_async_request(request)
        return await previous_async(self, request)

    patched: Any = httpx.HTTPTransport
    patched_async: Any = httpx.AsyncHTTPTransport
    patched.handle_request = handle_request
    patched_async.handle_async_request = handle_async_request
    try:
        yield
    finally:
        patched.handle_request = previous_sync
        patched_async.handle_async_request = previous_async
        for transport in made:
            transport.close()
