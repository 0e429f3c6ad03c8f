"""Helpers for driving the mock in-process from synchronous code.

``httpx.ASGITransport`` only works with ``httpx.AsyncClient``. Synchronous
clients (the reference ``RegistrarClient``, the official ``cloudflare`` SDK, a
user's own code) get :class:`SyncASGITransport`, which runs the app on an event
loop in a helper thread, so no socket is ever opened.
"""

from __future__ import annotations

import contextlib
from typing import Any

import anyio.from_thread
import httpx
from starlette.types import ASGIApp


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._stack = contextlib.ExitStack()
        self._portal = self._stack.enter_context(anyio.from_thread.start_blocking_portal())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def call() -> tuple[int, Any, bytes]:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=content
            )
            response = await self._transport.handle_async_request(forwarded)
            body = await response.aread()
            return response.status_code, response.headers, body

        status, headers, body = self._portal.call(call)
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        self._stack.close()
