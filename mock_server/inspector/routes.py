"""Serving the inspector under ``/__mock__``: its page and assets, its document, and the
stream of events that keeps an open page up to date (:mod:`.feed`).

The page and its assets are static: they hold no state and no secret, so a browser may
be sent to them from anywhere (a link in a README). Everything with state in it (the
document, the events) is a control API endpoint like any other: it wants the control
token when the server has one, and refuses other web sites.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute, Route

from registrar_mock import errors as e
from registrar_mock.control.api import check_token, endpoint
from registrar_mock.control.plane import Control
from registrar_mock.http.paths import CONTROL_ROOT
from registrar_mock.inspector import feed
from registrar_mock.inspector.feed import Feed
from registrar_mock.inspector.view import build, journal_span

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
    feed: Feed

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
    return {**build(control), "journal": journal_span(control)}


async def events(request: Request) -> Response:
    """Server-sent events for one page (see :mod:`.feed`); ``after`` names the last journal
    entry it has."""
    host: Host = request.app
    check_token(request, host.control)
    host.control.admit("GET")
    if request.method == "HEAD":
        return Response(media_type="text/event-stream", headers=STREAM_HEADERS)
    if host.feed.full:
        raise e.TOO_MANY_PAGES(limit=feed.MAX_STREAMS)
    given = request.query_params.get("after", "0")
    after = int(given) if given.isascii() and given.isdigit() and len(given) <= 18 else 0
    stream = host.feed.stream(after, lambda: host.closing)
    return StreamingResponse(stream, media_type="text/event-stream", headers=STREAM_HEADERS)


@cache
def routes() -> tuple[BaseRoute, ...]:
    """The inspector's routes, mounted with the control API's under ``/__mock__``."""
    pages: list[BaseRoute] = [
        Route(f"/ui{suffix}", _page(name, media_type), methods=["GET"])
        for suffix, (name, media_type) in ASSETS.items()
    ]
    return (
        *pages,
        Route("/ui/view", endpoint(view), methods=["GET"]),
        Route("/ui/events", events, methods=["GET"]),
    )
