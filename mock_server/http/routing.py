"""Finding an API request's route by walking its path once.

Starlette's router tries each route's regular expression in turn and runs every
request through two middleware layers and two ``Request`` objects before the
endpoint. For the API's own routes, which are plain ``{name}`` segments, a tree
of path segments finds the same route in one walk; the app then calls the
endpoint itself (see ``MockApp.__call__``). What the tree does not find exactly,
a path no route has or a method a path does not take, still goes to Starlette,
which answers it as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.routing import BaseRoute, Route


@dataclass(slots=True)
class _Node:
    static: dict[str, _Node] = field(default_factory=dict)
    params: list[tuple[str, _Node]] = field(default_factory=list)
    # The routes ending here: (position in the table, route), first first.
    routes: list[tuple[int, Route]] = field(default_factory=list)

    def param(self, name: str) -> _Node:
        for known, node in self.params:
            if known == name:
                return node
        node = _Node()
        self.params.append((name, node))
        return node


class RouteTable:
    """Routes by path segment. ``find`` answers what Starlette's router would for a path
    and method it has a route for: the first route, in table order, that takes both."""

    def __init__(self, routes: Iterable[BaseRoute]) -> None:
        self._root = _Node()
        for position, route in enumerate(routes):
            if not isinstance(route, Route):
                raise TypeError(f"only plain routes can be walked, not {route!r}")
            node = self._root
            for segment in route.path.split("/")[1:]:
                if segment.startswith("{") and segment.endswith("}"):
                    name = segment[1:-1]
                    if ":" in name:  # a convertor other than str: its own regex decides
                        raise ValueError(f"{route.path}: only plain {{name}} segments")
                    node = node.param(name)
                else:
                    node = node.static.setdefault(segment, _Node())
            node.routes.append((position, route))
        # Where no node has both fixed and parameter segments below it, and no two routes
        # end at one node, the first way down is the only one: no search is needed.
        self._direct = _unambiguous(self._root)

    def find(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        """The route for ``method`` on ``path`` and its path parameters, or None."""
        segments = path.split("/")
        if segments[0]:
            return None
        if self._direct:
            return _follow(self._root, segments, method)
        found: list[tuple[int, Route, dict[str, str]]] = []
        _walk(self._root, segments, 1, {}, found)
        best = None
        for position, route, params in found:
            if route.methods is not None and method not in route.methods:
                continue
            if best is None or position < best[0]:
                best = (position, route, params)
        return None if best is None else (best[1], best[2])


def _walk(
    node: _Node,
    segments: list[str],
    at: int,
    params: dict[str, str],
    found: list[tuple[int, Route, dict[str, str]]],
) -> None:
    if at == len(segments):
        found.extend((position, route, params) for position, route in node.routes)
        return
    segment = segments[at]
    child = node.static.get(segment)
    if child is not None:
        _walk(child, segments, at + 1, params, found)
    if segment:  # a parameter is never empty, as in Starlette's [^/]+
        for name, child in node.params:
            _walk(child, segments, at + 1, {**params, name: segment}, found)


def _unambiguous(node: _Node) -> bool:
    if len(node.routes) > 1 or (node.static and node.params) or len(node.params) > 1:
        return False
    return all(_unambiguous(child) for child in node.static.values()) and all(
        _unambiguous(child) for _, child in node.params
    )


def _follow(root: _Node, segments: list[str], method: str) -> tuple[Route, dict[str, str]] | None:
    node = root
    params: dict[str, str] = {}
    for segment in segments[1:]:
        child = node.static.get(segment)
        if child is None:
            if not node.params or not segment:
                return None
            name, child = node.params[0]
            params[name] = segment
        node = child
    if not node.routes:
        return None
    route = node.routes[0][1]
    if route.methods is not None and method not in route.methods:
        return None
    return route, params
