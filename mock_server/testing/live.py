"""A mock behind a real uvicorn server on a free loopback port, served from a thread."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from registrar_mock.app import MockApp

STARTUP_TIMEOUT = 60.0
CALL_TIMEOUT = 60.0

T = TypeVar("T")


class LiveServer:
    """One app behind uvicorn on a free loopback port, served from a background thread."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        app.listen_on("127.0.0.1")
        # Named TCP outright: asyncio turns Nagle's algorithm off only on sockets that say
        # so, and without that each answer (headers, then body) waits ~40 ms for an ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._serve, name="registrar-mock-server", daemon=True
        )
        from registrar_mock.http import serving

        self._server = serving.Server(serving.config(app, loop="asyncio"))

    def start(self) -> LiveServer:
        self._thread.start()
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"registrar-mock server did not start: {self._error!r}")
            time.sleep(0.01)
        return self

    def _serve(self) -> None:
        try:
            with asyncio.Runner() as runner:
                self._loop = runner.get_loop()
                runner.run(self._server.serve(sockets=[self._socket]))
        except BaseException as exc:  # reported by start()
            self._error = exc

    def call(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the server's event loop, between requests, and return its result."""
        loop = self._loop
        if loop is None or threading.current_thread() is self._thread:
            return work()

        async def run() -> T:
            return work()

        return asyncio.run_coroutine_threadsafe(run(), loop).result(CALL_TIMEOUT)

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(STARTUP_TIMEOUT)
        self._socket.close()
        with contextlib.suppress(Exception):
            close = getattr(self.app, "close", None)
            if callable(close):
                close()
