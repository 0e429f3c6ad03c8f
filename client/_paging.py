"""Walking a cursor-paginated list: follow ``result_info.cursor`` until it comes back empty."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx

from registrar_mock.client import errors as e
from registrar_mock.client._envelope import Envelope
from registrar_mock.client._flow import Emit, Flow, Stream
from registrar_mock.client._retry import RetryPolicy, send_safely
from registrar_mock.client.models import Page

T = TypeVar("T")


def fetch_page(
    request: httpx.Request, parse: Callable[[Envelope], Page[T]], retry: RetryPolicy
) -> Flow[Page[T]]:
    envelope = yield from send_safely(request, retry)
    return parse(envelope)


def walk_pages(
    page_request: Callable[[str | None], httpx.Request],
    parse: Callable[[Envelope], Page[T]],
    retry: RetryPolicy,
) -> Stream[T]:
    """Emit every item of every page, fetching each page only when the last one is used up."""
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        page = yield from fetch_page(page_request(cursor), parse, retry)
        if page.items:
            yield Emit(page.items)
        if not page.has_next:
            return
        if page.cursor in seen:
            # A server that hands out a cursor twice would otherwise loop forever.
            raise e.ResponseFormatError(f"the server repeated the cursor {page.cursor!r}")
        seen.add(page.cursor)
        cursor = page.cursor
