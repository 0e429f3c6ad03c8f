"""Test-only plumbing: a transport that can misbehave, and the async client behind a sync face.

The server's own fault injection doesn't exist yet, so :class:`Intercept` plays
the unreliable network: it can answer instead of the app (429 storms, 503s,
refused connections) or break after the app has answered (a dropped
connection once the POST was processed).
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio.from_thread
import httpx

from registrar_mock.client import AsyncRegistrarClient

# Answer instead of the app: return a response, raise a transport error, or None to pass.
Before = Callable[[httpx.Request], httpx.Response | None]
# Look at (or replace) the app's answer: status, headers and body in, a response out.
After = Callable[[httpx.Request, httpx.Response, bytes], httpx.Response]


@dataclass
class Intercept(httpx.BaseTransport, httpx.AsyncBaseTransport):
    inner: httpx.BaseTransport | httpx.AsyncBaseTransport
    before: Before | None = None
    after: After | None = None
    seen: list[tuple[str, str]] = field(default_factory=list)

    def count(self, method: str, path_suffix: str) -> int:
        return sum(1 for m, p in self.seen if m == method and p.endswith(path_suffix))

    def _early(self, request: httpx.Request) -> httpx.Response | None:
        self.seen.append((request.method, request.url.path))
        return None if self.before is None else self.before(request)

    def _late(
        self, request: httpx.Request, response: httpx.Response, body: bytes
    ) -> httpx.Response:
        if self.after is None:
            return httpx.Response(
                response.status_code, headers=response.headers, content=body, request=request
            )
        return self.after(request, response, body)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        early = self._early(request)
        if early is not None:
            return early
        assert isinstance(self.inner, httpx.BaseTransport)
        response = self.inner.handle_request(request)
        return self._late(request, response, response.read())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        early = self._early(request)
        if early is not None:
            return early
        assert isinstance(self.inner, httpx.AsyncBaseTransport)
        response = await self.inner.handle_async_request(request)
        return self._late(request, response, await response.aread())

    def close(self) -> None:
        if isinstance(self.inner, httpx.BaseTransport):
            self.inner.close()

    async def aclose(self) -> None:
        if isinstance(self.inner, httpx.AsyncBaseTransport):
            await self.inner.aclose()


def envelope_error(status: int, code: int, message: str, **headers: str) -> httpx.Response:
    body = {"success": False, "errors": [{"code": code, "message": message}], "messages": []}
    return httpx.Response(status, json=body, headers=headers)


def rate_limited(times: int, retry_after: str, match: Callable[[httpx.Request], bool]) -> Before:
    """Answer 429 with ``Retry-After`` to the first ``times`` matching requests."""
    left = [times]

    def before(request: httpx.Request) -> httpx.Response | None:
        if left[0] > 0 and match(request):
            left[0] -= 1
            return envelope_error(
                429,
                971,
                "Please wait and consider throttling your request speed",
                **{"Retry-After": retry_after},
            )
        return None

    return before


def rewrite_json(
    change: Callable[[dict[str, Any]], None],
) -> After:
    """Let the app answer, then edit its JSON body (to add fields it doesn't send)."""

    def after(request: httpx.Request, response: httpx.Response, body: bytes) -> httpx.Response:
        data = json.loads(body)
        change(data)
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
        return httpx.Response(response.status_code, headers=headers, json=data, request=request)

    return after


class Blocking:
    """An ``AsyncRegistrarClient`` with the sync client's face: each call runs on a portal.

    The portal's event loop also runs the app (through ``httpx.ASGITransport``),
    so the async client and the async server really share one loop.
    """

    def __init__(self, client: AsyncRegistrarClient, portal: anyio.from_thread.BlockingPortal):
        self._client = client
        self._portal = portal

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name.startswith("iter_"):
            return functools.partial(self._iterate, attribute)
        if inspect.iscoroutinefunction(attribute):
            return functools.partial(self._call, attribute)
        return attribute

    def _call(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._portal.call(functools.partial(method, *args, **kwargs))

    def _iterate(self, method: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
        iterator = method(**kwargs)
        while True:
            try:
                yield self._portal.call(iterator.__anext__)
            except StopAsyncIteration:
                return
