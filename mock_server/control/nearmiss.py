"""The near-miss report of a request that matched no route: the operation it most likely
meant, and what differed (WireMock's idea), so a mistyped path shows up in a test's failure
instead of as a bare 400.

Paths are compared segment by segment with the spec's path templates: a literal segment
that differs costs by how unlike it is, a parameter segment matches anything, a segment
too many or too few costs one each, and a wrong method costs a little, so the same path
asked with the wrong method wins over a different path.
"""

from __future__ import annotations

import difflib
from functools import cache
from typing import Any

from registrar_mock import spec

API_ROOT = "/client/v4"
METHODS = ("get", "post", "put", "patch", "delete")
MAX_COST = 2.5  # past it nothing is close enough to name


@cache
def _operations() -> tuple[tuple[str, str, tuple[str, ...], str], ...]:
    """(METHOD, template, its segments, operationId) for every Registrar API operation."""
    found = []
    for path, item in spec.load()["paths"].items():
        if "/registrar" not in path:
            continue  # only the Registrar API's operations are worth suggesting
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict) and "operationId" in operation:
                segments = tuple(path.strip("/").split("/"))
                found.append((method.upper(), path, segments, operation["operationId"]))
    return tuple(found)


def _segment_cost(given: str, expected: str) -> float:
    if expected.startswith("{") or given == expected:
        return 0.0
    return 1.0 - difflib.SequenceMatcher(None, given, expected).ratio()


def closest(method: str, path: str) -> dict[str, Any] | None:
    """The operation ``method path`` most likely meant, and how it differs; None when no
    operation is near."""
    if not path.startswith(API_ROOT + "/"):
        return {"operation": None, "method": None, "path": None,
                "differences": [f"the Registrar API is under {API_ROOT}/"]}  # fmt: skip
    given = tuple(path[len(API_ROOT) :].strip("/").split("/"))
    best: tuple[float, str, str, tuple[str, ...], str] | None = None
    for wanted_method, template, segments, operation in _operations():
        cost = abs(len(given) - len(segments)) * 1.0
        cost += sum(_segment_cost(g, s) for g, s in zip(given, segments, strict=False))
        if wanted_method != method.upper():
            cost += 0.1
        if best is None or cost < best[0]:
            best = (cost, wanted_method, template, segments, operation)
    if best is None or best[0] > MAX_COST:
        return None
    _, wanted_method, template, segments, operation = best
    return {
        "operation": operation,
        "method": wanted_method,
        "path": template,
        "differences": _differences(method.upper(), given, wanted_method, segments),
    }


def _differences(
    method: str, given: tuple[str, ...], wanted_method: str, segments: tuple[str, ...]
) -> list[str]:
    found = []
    if method != wanted_method:
        found.append(f"method: {method}, the operation takes {wanted_method}")
    for index, (g, s) in enumerate(zip(given, segments, strict=False), start=1):
        if not s.startswith("{") and g != s:
            found.append(f"path segment {index}: {g!r}, expected {s!r}")
    if len(given) > len(segments):
        extra = "/".join(given[len(segments) :])
        found.append(f"path: {extra!r} past the end of the operation's path")
    elif len(given) < len(segments):
        missing = "/".join(segments[len(given) :])
        found.append(f"path: ends early, before {missing!r}")
    return found
