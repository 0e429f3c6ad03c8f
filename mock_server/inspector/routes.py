"""Serving the inspector under ``/__mock__``: its page and assets, its document, and the
stream of events that keeps an open page up to date.

The page and its assets are static: they hold no state and no secret, so a browser may
be sent to them from anywhere (a link in a README). Everything with state in it (the
document, the events) is a control API endpoint like any other: it wants the control
token when the server has one, and refuses other web sites.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from functools import cache
from importlib import resources
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from registrar_mock.control.api import check_token, endpoint
from registrar_mock.control.plane import Control
from registrar_mock.http.paths import CONTROL_ROOT
from registrar_mock.inspector.view import build

# How often a stream looks at the state: a change reaches the page well within a second.
TICK = 0.25
# A running clock's time is sent on its own at most this often when nothing else changed.
CLOCK_EVERY = 1.0
HEARTBEAT = 15.0  # a comment line, so idle streams aren't cut by anything in between
JOURNAL_BATCH = 200  # entries per event at most; the page keeps the newest

# The page and its assets, by path under /ui: (file in static/, media type).
ASSETS = {
    "": ("index.html", "text/html; charset=utf-8"),
    "/inspector.js": ("inspector.js", "text/javascript; charset=utf-8"),
    "/inspector.css": ("inspector.css", "text/css; charset=utf-8"),
    "/icon.svg": ("icon.svg", "image/svg+xml"),
}
PAGES = frozenset(f"{CONTROL_ROOT}/ui{suffix}" for suffix in ASSETS)

# The page runs only its own script, loads nothing from elsewhere, talks only to the
# mock, and can't be framed by another site (so no click on it can be stolen).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
STREAM_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


class Host(Protocol):
    """What the inspector needs of the app that serves it."""

    control: Control

    @property
    def closing(self) -> bool:
        """Set once the server shuts down: open streams end, so shutdown needn't wait."""
        ...


@cache
def asset(name: str) -> bytes:
    return resources.files(__package__).joinpath("static", name).read_bytes()


def _page(name: str, media_type: str) -> Any:
    async def page(request: Request) -> Response:
        return Response(asset(name), media_type=media_type, headers=PAGE_HEADERS)

    page.__name__ = f"inspector_{name.replace('.', '_')}"
    return page


async def view(request: Request, control: Control) -> dict[str, Any]:
    return build(control)


async def events(request: Request) -> Response:
    """Server-sent events: ``view`` (the whole document, whenever it changes), ``clock``
    (a running clock's time, when nothing else changed) and ``journal`` (new requests,
    summarised; ``after`` names the last one the page has)."""
    host: Host = request.app
    check_token(request, host.control)
    host.control.admit("GET")
    given = request.query_params.get("after", "0")
    after = int(given) if given.isascii() and given.isdigit() and len(given) <= 18 else 0
    return StreamingResponse(
        _stream(host, after), media_type="text/event-stream", headers=STREAM_HEADERS
    )


def _event(name: str, data: Any) -> bytes:
    # ASCII escapes keep any stored text (a lone surrogate too) on one valid line.
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _stream(host: Host, after: int) -> AsyncIterator[bytes]:
    control = host.control
    loop = asyncio.get_running_loop()
    yield b"retry: 1000\n\n"
    shown: str | None = None  # the last document sent, without its clock
    clock_seen: dict[str, Any] | None = None
    clock_sent = quiet_since = loop.time()
    seq = after
    while not host.closing:
        document = build(control)
        clock = document.pop("clock")
        text = json.dumps(document, separators=(",", ":"), sort_keys=True)
        journal = control.journal
        if journal.last_seq < seq:
            seq = 0  # a new journal (the server restarted): the page starts its table again
        now = loop.time()
        if text != shown:
            shown = text
            document["clock"] = clock
            yield _event("view", document)
            clock_sent = quiet_since = now
        elif clock != clock_seen and (
            clock["time_scale"] is None or now - clock_sent >= CLOCK_EVERY
        ):
            # A virtual clock moved (by the control API): at once. A running one: each second.
            yield _event("clock", clock)
            clock_sent = quiet_since = now
        clock_seen = clock
        fresh = journal.since(seq, JOURNAL_BATCH)
        if fresh:
            seq = fresh[-1]["seq"]
            yield _event("journal", fresh)
            quiet_since = now
        if now - quiet_since >= HEARTBEAT:
            yield b": still here\n\n"
            quiet_since = now
        await asyncio.sleep(TICK)


def routes() -> list[BaseRoute]:
    """The inspector's routes, mounted with the control API's under ``/__mock__``."""
    pages: list[BaseRoute] = [
        Route(f"/ui{suffix}", _page(name, media_type), methods=["GET"])
        for suffix, (name, media_type) in ASSETS.items()
    ]
    return [
        *pages,
        Route("/ui/view", endpoint(view), methods=["GET"]),
        Route("/ui/events", events, methods=["GET"]),
    ]
