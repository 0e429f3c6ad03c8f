"""In-process transports for driving the mock from tests, with no socket.

:class:`ASGITransport` is for ``httpx.AsyncClient``; :class:`SyncASGITransport`
serves synchronous clients (the reference ``RegistrarClient``, the official
``cloudflare`` SDK, a user's own code) by running the app on an event loop in a
helper thread. Unlike ``httpx.ASGITransport``, both turn a dropped-connection
fault into ``httpx.RemoteProtocolError``, as a real socket would.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
from starlette.types import ASGIApp, Message

from registrar_mock.http.edge import DROP_HEADER

_DROP = DROP_HEADER.encode()


class ASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp, client: tuple[str, int] = ("127.0.0.1", 12345)) -> None:
        self.app = app
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(k.lower(), v) for k, v in request.headers.raw],
            "scheme": request.url.scheme,
            "path": request.url.path,
            "raw_path": request.url.raw_path.split(b"?")[0],
            "query_string": request.url.query,
            "server": (request.url.host, request.url.port or 80),
            "client": self.client,
            "root_path": "",
        }
        sent_request = False
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        parts: list[bytes] = []
        complete = False

        async def receive() -> Message:
            nonlocal sent_request
            if sent_request:
                await asyncio.Event().wait()  # nothing more will come: behave like an idle socket
            sent_request = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: Message) -> None:
            nonlocal status, headers, complete
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                parts.append(message.get("body", b""))
                complete = not message.get("more_body", False)

        await self.app(scope, receive, send)
        if status is None or not complete or any(name == _DROP for name, _ in headers):
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a complete response.", request=request
            )
        return httpx.Response(status, headers=headers, content=b"".join(parts), request=request)


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self._transport = ASGITransport(app)
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
            return response.status_code, response.headers, response.content

        future = asyncio.run_coroutine_threadsafe(call(), self._loop)
        try:
            status, headers, body = future.result()
        except httpx.RemoteProtocolError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from None
        return httpx.Response(status, headers=headers, content=body, request=request)

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
        if not self._loop.is_closed():
            self._loop.close()
