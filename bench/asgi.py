"""Calling an ASGI app directly, with no client library, to time the server's own work."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message

from .scenarios import TOKEN


def scope(
    method: str, path: str, query: str = "", headers: Sequence[tuple[bytes, bytes]] = ()
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [
            (b"host", b"mock"),
            (b"authorization", f"Bearer {TOKEN}".encode()),
            *headers,
        ],
        "server": ("mock", 80),
        "client": ("127.0.0.1", 12345),
    }


async def call(
    app: ASGIApp, method: str, path: str, query: str = "", body: bytes = b""
) -> tuple[int, bytes]:
    """One request; returns the status and the body."""
    headers = [(b"content-type", b"application/json")] if body else []
    sent = False
    status = 0
    parts: list[bytes] = []

    async def receive() -> Message:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            parts.append(message.get("body", b""))

    await app(scope(method, path, query, headers), receive, send)
    return status, b"".join(parts)


async def latencies(
    app: ASGIApp,
    method: str,
    path: str,
    query: str = "",
    *,
    samples: int,
    budget: float = 2.0,
    expect: int = 200,
) -> list[float]:
    """Microseconds per request: ``samples`` requests or ``budget`` seconds, whichever is first.

    At least 20 samples, after a warm-up of up to 20 requests.
    """
    for _ in range(min(20, samples)):
        status, body = await call(app, method, path, query)
        if status != expect:
            raise RuntimeError(f"{method} {path}?{query}: {status} {body[:200]!r}")
    timings: list[float] = []
    deadline = time.perf_counter() + budget
    while len(timings) < samples and (len(timings) < 20 or time.perf_counter() < deadline):
        started = time.perf_counter_ns()
        await call(app, method, path, query)
        timings.append((time.perf_counter_ns() - started) / 1000)
    return timings


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]
