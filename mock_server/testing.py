"""Helpers for driving the mock in-process from synchronous code.

``httpx.ASGITransport`` only works with ``httpx.AsyncClient``. Synchronous
clients (the reference ``RegistrarClient``, the official ``cloudflare`` SDK, a
user's own code) get :class:`SyncASGITransport`, which runs the app on an event
loop in a helper thread, so no socket is ever opened.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from starlette.types import ASGIApp


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._transport = httpx.ASGITransport(app=app)
        self._loop = asyncio.new_event_loop()
        # A daemon thread: a client that is never closed must not keep the process alive.
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="registrar-mock-asgi", daemon=True
        )
        self._thread.start()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        content = request.read()

        async def call() -> tuple[int, Any, bytes]:
            forwarded = httpx.Request(
                request.method, request.url, headers=request.headers, content=content
            )
            response = await self._transport.handle_async_request(forwarded)
            body = await response.aread()
            return response.status_code, response.headers, body

        future = asyncio.run_coroutine_threadsafe(call(), self._loop)
        status, headers, body = future.result()
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        if not self._loop.is_closed():
            self._loop.close()
