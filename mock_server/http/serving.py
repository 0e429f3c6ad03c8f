"""Serving the app with uvicorn, within limits a laptop or a CI runner can afford.

uvicorn bounds concurrent requests (``limit_concurrency``) but not the size of a
request's headers, nor how long a client may take to send them (a slow client
can hold a connection forever by trickling bytes), nor open connections. The
protocol here adds those three to uvicorn's httptools protocol:

* **headers** over ``Limits.header_bytes`` are answered 431 and the connection
  closed, before more of them is read or kept;
* a client that hasn't sent its headers within ``Limits.header_seconds`` of
  connecting (or of its previous answer), or its body within
  ``Limits.body_seconds`` of its headers, is disconnected;
* past ``Limits.connections`` open connections, a new one is answered 503 at
  once and closed, so descriptors are never exhausted and genuine requests get
  a clear answer. The process's descriptor limit is raised to its hard limit at
  start, and the connection limit kept below it.
"""

from __future__ import annotations

import asyncio
import resource
from dataclasses import dataclass
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from registrar_mock import errors as e
from registrar_mock.http import envelope
from registrar_mock.http.edge import ABORT_EXTENSION

# Seconds a shutting-down server waits for responses still being sent: longer than a
# request is held for its workflow (10 s by default), so those are answered.
SHUTDOWN_GRACE = 15
# Descriptors kept free beyond the connection limit: the state file, logs, the loop.
RESERVED_DESCRIPTORS = 64


@dataclass(frozen=True, slots=True)
class Limits:
    header_bytes: int = 64 * 1024
    header_seconds: float = 10.0
    body_seconds: float = 30.0
    connections: int = 1000


def _answer(error: e.ApiError) -> bytes:
    """A whole HTTP/1.1 answer in the v4 envelope, for the protocol to write itself."""
    body = envelope.failure(error).body
    head = [
        f"HTTP/1.1 {error.status} {_REASONS.get(error.status, '')}",
        "content-type: application/json",
        f"content-length: {len(body)}",
        "connection: close",
        *(f"{name}: {value}" for name, value in error.headers.items()),
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + bytes(body)


_REASONS = {400: "Bad Request", 431: "Request Header Fields Too Large", 503: "Service Unavailable"}


def protocol(limits: Limits) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, with ``limits`` enforced on every connection."""
    too_large = _answer(e.HEADERS_TOO_LARGE(limit=limits.header_bytes // 1024))
    too_many = _answer(e.TOO_MANY_CONNECTIONS(limit=limits.connections))
    malformed = _answer(e.MALFORMED_REQUEST())

    # A slow client is cut within a quarter of its limit past it.
    deadlines = _Deadlines(max(0.05, min(limits.header_seconds, limits.body_seconds) / 4))

    class LimitedProtocol(HttpToolsProtocol):
        _deadline: float | None = None
        # Where the connection is: reading a request's headers (or waiting for the next
        # request's), or its body. Headers are measured before the parser sees them.
        _reading_headers = True
        _header_bytes = 0  # of the request's headers, so far
        _tail = b""  # the last bytes of them, in case the blank line ending them is split
        _trailer_bytes = 0
        # The request line and headers as the parser hands them over: this also measures
        # requests pipelined behind another in one read, which the count above can't see.
        _parsed_bytes = 0
        _refused = False  # answered 431 and closing: the parser's further callbacks are ignored

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > limits.connections:
                transport.write(too_many)
                transport.close()
                return
            self._next_request()
            self._arm(limits.header_seconds)

        def connection_lost(self, exc: Exception | None) -> None:
            self._cancel()
            deadlines.forget(self)
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            # Headers are measured before the parser sees them, so oversized ones are
            # never parsed nor kept: memory stays bounded however much a client sends.
            if self._reading_headers:
                seen = self._tail + data
                end = seen.find(b"\r\n\r\n")
                if end == -1:
                    size = self._header_bytes + len(data)
                    self._tail = seen[-3:]
                else:
                    size = self._header_bytes - len(self._tail) + end + 4
                    self._reading_headers = False
                self._header_bytes = size
                if size > limits.header_bytes:
                    self._close_with(too_large)
                    return
            super().data_received(data)

        def on_message_begin(self) -> None:
            self._parsed_bytes = 0
            super().on_message_begin()

        def on_url(self, url: bytes) -> None:
            if self._within_limit(len(url)):
                super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            if self._refused:
                return
            if self.cycle is not None and self.scope.get("method") is not None:
                # Headers after the body: trailers. None is used, and none is kept;
                # too many of them close the connection like oversized headers do.
                self._trailer_bytes += len(name) + len(value)
                if self._trailer_bytes > limits.header_bytes:
                    self._refuse()
                return
            if self._within_limit(len(name) + len(value) + 4):
                super().on_header(name, value)

        def _within_limit(self, size: int) -> bool:
            if self._refused:
                return False
            self._parsed_bytes += size
            if self._parsed_bytes > limits.header_bytes:
                self._refuse()
                return False
            return True

        def _refuse(self) -> None:
            self._refused = True
            self._close_with(too_large)

        def on_body(self, body: bytes) -> None:
            if not self._refused:
                super().on_body(body)

        def on_headers_complete(self) -> None:
            if self._refused:
                return
            self._reading_headers = False
            self._arm(limits.body_seconds)
            # How a dropped-connection fault cuts this connection with nothing sent.
            extensions: dict[str, Any] = self.scope.setdefault("extensions", {})
            extensions[ABORT_EXTENSION] = self._abort
            before = self.cycle
            super().on_headers_complete()
            if self.cycle is not None and self.cycle is not before:
                self.cycle.transport = cast(asyncio.Transport, _OneWrite(self.transport, self.loop))

        def _abort(self) -> None:
            if self.cycle is not None:
                self.cycle.disconnected = True  # so uvicorn sends no 500 after the app returns
            self._cancel()
            self.transport.abort()

        def on_message_complete(self) -> None:
            if self._refused:
                return
            # The whole request is in, whether or not it was answered yet: what comes next
            # is the next request's headers. If it was answered already (before its body
            # came), nothing else starts their clock, so this does.
            self._cancel()
            self._next_request()
            answered = self.cycle is None or self.cycle.response_complete
            super().on_message_complete()
            if answered and not self.transport.is_closing():
                self._arm(limits.header_seconds)

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                # Answered: the next request's headers, or the rest of this one's body
                # (answered before it all came), must come in time.
                self._arm(limits.header_seconds if self._reading_headers else limits.body_seconds)

        def _next_request(self) -> None:
            self._reading_headers, self._header_bytes, self._tail = True, 0, b""
            self._trailer_bytes = 0

        def _arm(self, seconds: float) -> None:
            self._deadline = self.loop.time() + seconds
            deadlines.watch(self, self.loop)

        def _cancel(self) -> None:
            self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

        def send_400_response(self, msg: str) -> None:
            # uvicorn answers what its parser refuses in plain text; clients of the mock
            # expect every answer in the v4 envelope, this one too.
            self._close_with(malformed)

        def _close_with(self, answer: bytes) -> None:
            self._cancel()
            if not self.transport.is_closing():
                self.transport.write(answer)
                self.transport.close()

    return LimitedProtocol


class _OneWrite:
    """The transport as one response sees it: its status line and headers wait for the
    first part of the body, to leave with it in one write, one system call rather than two
    (a good part of what a small answer costs). Held bytes go out before the loop does
    anything else, so a streamed answer's headers never wait for its first event."""

    __slots__ = ("_first", "_held", "_loop", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held = b""
        self._first = True  # the next write is the first: the head, held

    def write(self, data: bytes) -> None:
        if self._first:
            self._first = False
            self._held = data
            self._loop.call_soon(self.flush)
        elif self._held:
            held, self._held = self._held, b""
            self._transport.write(held + data)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        if self._held:
            held, self._held = self._held, b""
            if not self._transport.is_closing():
                self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _Deadlines:
    """The connections with a deadline, looked at every ``every`` seconds by one timer.

    One timer for all, rather than one armed and cancelled per connection two or three
    times a request: a request only sets a number.
    """

    def __init__(self, every: float) -> None:
        self.every = every
        self.watched: set[Any] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def watch(self, connection: Any, loop: asyncio.AbstractEventLoop) -> None:
        self.watched.add(connection)
        if self._timer is None or self._loop is not loop:
            self._loop = loop
            self._timer = loop.call_later(self.every, self._sweep, loop)

    def forget(self, connection: Any) -> None:
        self.watched.discard(connection)

    def _sweep(self, loop: asyncio.AbstractEventLoop) -> None:
        if loop is not self._loop:
            return  # a timer of a loop this server no longer runs on: that loop's own ended
        self._timer = None
        now = loop.time()
        for connection in list(self.watched):
            deadline = connection._deadline
            if deadline is None:
                self.watched.discard(connection)
            elif deadline <= now:
                self.watched.discard(connection)
                connection._too_slow()
        if self.watched:
            self._timer = loop.call_later(self.every, self._sweep, loop)


def descriptor_room() -> int:
    """Raise the soft limit on open descriptors to the hard one; how many there may be."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


class Server(uvicorn.Server):
    """uvicorn's server, which first tells the app it is shutting down (``close_streams``):
    uvicorn waits for every response to finish, and an event stream never would."""

    async def shutdown(self, sockets: list[Any] | None = None) -> None:
        close_streams = getattr(self.config.app, "close_streams", None)
        if callable(close_streams):
            close_streams()
        await super().shutdown(sockets=sockets)


def config(app: Any, limits: Limits | None = None, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration every server of the mock runs with."""
    limits = limits or Limits()
    room = descriptor_room() - RESERVED_DESCRIPTORS
    if limits.connections > room:
        limits = Limits(limits.header_bytes, limits.header_seconds, limits.body_seconds, room)
    return uvicorn.Config(
        app,
        http=protocol(limits),
        # uvicorn answers 503 once this many connections are open: one above our own limit,
        # so every connection the protocol admitted is served.
        limit_concurrency=limits.connections + 1,
        log_config=None,
        log_level=None,
        access_log=False,
        ws="none",
        lifespan="auto",
        # A client that stops reading (a paused page's event stream) holds its response
        # open; past this, shutdown stops waiting for it.
        timeout_graceful_shutdown=SHUTDOWN_GRACE,
        **options,
    )
