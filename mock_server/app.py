"""Building the ASGI app: ``create_app(...)`` returns a Starlette app that owns one registrar."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.types import Message, Receive, Scope, Send

from registrar_mock import inspector, scenarios
from registrar_mock.clock import Clock, SystemClock, VirtualClock
from registrar_mock.control import Control
from registrar_mock.control.api import routes as control_routes
from registrar_mock.control.journal import MAX_BODY, Raw
from registrar_mock.control.plane import anchored
from registrar_mock.errors import INTERNAL, ApiError
from registrar_mock.http import envelope, guard
from registrar_mock.http.edge import DROPPED, Edge
from registrar_mock.http.endpoint import OPERATION
from registrar_mock.http.paths import API_ROOT, CONTROL_ROOT
from registrar_mock.http.routes import api_routes, api_table
from registrar_mock.inspector.routes import routes as inspector_routes
from registrar_mock.model import Registrar, World
from registrar_mock.scenarios import Scenario, ScenarioSource
from registrar_mock.store import StateFile, StateFileError

_ACCOUNTS = f"{API_ROOT}/accounts/"
# One line per API request: method, path, account, status, ms. Never headers or bodies.
access_log = logging.getLogger("registrar_mock.access")


class MockApp(Starlette):
    """The Starlette app, with its registrar, clock and control plane in reach of tests.

    ``app.control`` offers everything the `/__mock__` API does, as Python.
    """

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        *,
        store: StateFile | None = None,
        control_token: str | None = None,
        scenario_dirs: Sequence[Path] = (),
    ) -> None:
        super().__init__(
            routes=[
                *api_routes(),
                Mount(CONTROL_ROOT, routes=[*control_routes(), *inspector_routes()]),
            ],
            lifespan=_lifespan,
            exception_handlers={
                ApiError: envelope.api_error_handler,
                HTTPException: envelope.http_error_handler,
                Exception: envelope.internal_error_handler,
            },
        )
        # "/registrations/" is no route here, as at Cloudflare: a 7000, not a redirect.
        self.router.redirect_slashes = False
        self._routes = api_table()
        for route in self.router.routes:
            inner = getattr(route, "app", None)
            if isinstance(inner, Router):
                inner.redirect_slashes = False
        self.clock = clock
        self.registrar = Registrar(scenario.world, clock)
        self.control = Control(
            scenario, clock, self.registrar, store, control_token, scenario_dirs=scenario_dirs
        )
        self.edge: Edge = self.control
        self.feed = inspector.Feed(self.control)
        # Set by listen_on() when a server binds the app to a loopback address.
        self.hosts: guard.HostCheck | None = None
        # Where `serve` sends each request's journal entry for its access log, bypassing
        # logging's records (most of a request's cost); None: the logging records below.
        self.access_sink: Callable[[Raw], None] | None = None
        # Set when the server shuts down: the inspector's open event streams then end.
        self._closing = threading.Event()

    def listen_on(self, host: str, allowed_hosts: Sequence[str] = ()) -> None:
        """Tell the app where it is served: on loopback, it answers only to its own names."""
        self.hosts = guard.HostCheck(host, allowed_hosts) if guard.is_loopback(host) else None

    @property
    def closing(self) -> bool:
        return self._closing.is_set()

    def open_streams(self) -> None:
        self._closing.clear()

    def close_streams(self) -> None:
        """End every open event stream (soon: they look each tick), as a server shutting
        down must, or it would wait for pages that never hang up."""
        self._closing.set()

    @property
    def world(self) -> World:
        return self.registrar.world

    def close(self) -> None:
        """Release the state file, if any (another process may then open it)."""
        durability = self.control.durability
        if durability.store is not None:
            durability.checkpoint(exact=True)
            durability.store.close()
            durability.store = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        control = path.startswith(CONTROL_ROOT)
        if control or self.hosts is not None:
            # The inspector's page holds no state: any site may link to it (and read it).
            page = control and scope["method"] in guard.SAFE_METHODS and path in inspector.PAGES
            refusal = guard.check(
                scope["method"], scope["headers"], control=control and not page, hosts=self.hosts
            )
            if refusal is not None:
                await envelope.failure(refusal)(scope, receive, send)
                return
        if control:
            await super().__call__(scope, receive, send)
            return
        if path == "/" and scope["method"] in ("GET", "HEAD") and _wants_html(scope):
            # A browser pointed at the server finds the inspector; a program asking for
            # "/" gets Cloudflare's answer (no route), as it would there.
            await RedirectResponse(f"{CONTROL_ROOT}/ui", status_code=307)(scope, receive, send)
            return
        route = None if scope.get("root_path") else self._routes.find(scope["method"], path)
        recording = _Recording()
        arrived = self.clock.now()
        started = time.perf_counter()
        try:
            if route is None:
                # No route takes this (or the app is mounted below a prefix): Starlette's
                # router answers, with our handlers for its 404 and 405.
                await super().__call__(scope, recording.receive(receive), recording.send(send))
            else:
                if scope["method"] not in _BODILESS:
                    receive = recording.receive(receive)
                await self._answer(*route, scope, receive, send, recording)
        finally:
            self._journal(scope, path, arrived, time.perf_counter() - started, recording)

    async def _answer(
        self,
        route: Route,
        params: dict[str, str],
        scope: Scope,
        receive: Receive,
        send: Send,
        recording: _Recording,
    ) -> None:
        """Run an API route's endpoint as Starlette would, without its middleware layers:
        the same scope for the endpoint, the same answers for errors."""
        scope["app"] = self
        scope["path_params"] = params
        scope["endpoint"] = route.endpoint
        try:
            response = await route.endpoint(Request(scope, receive))
        except ApiError as exc:
            response = envelope.failure(exc)
        except Exception:
            # As Starlette's outermost layer does: the client gets the envelope's 500, the
            # server the exception, to log.
            response = envelope.failure(INTERNAL())
            recording.answered(response)
            await response(scope, receive, send)
            raise
        recording.answered(response)
        await response(scope, receive, send)

    def _journal(
        self, scope: Scope, path: str, arrived: datetime, seconds: float, recording: _Recording
    ) -> None:
        account = None
        if path.startswith(_ACCOUNTS):
            account = path[len(_ACCOUNTS) :].split("/", 1)[0] or None
        journal = self.control.journal
        dropped = bool(scope.get(DROPPED))
        journal.record(
            arrived,
            scope["method"],
            path,
            scope.get("query_string", b""),
            account,
            scope.get(OPERATION),
            None if dropped else (recording.status or 500),
            seconds,
            request_headers=scope["headers"],
            request_body=b"".join(recording.request_body),
            response_headers=() if dropped else recording.response_headers,
            response_body=b"" if dropped else b"".join(recording.response_body),
        )
        if self.access_sink is not None:
            self.access_sink(journal.latest_raw())
        elif access_log.isEnabledFor(logging.INFO):
            line = journal.latest_summary()
            access_log.info(
                "%s %s account=%s status=%s %.1fms",
                line["method"],
                line["path"],
                line["account"] or "-",
                "dropped" if line["dropped"] else line["status"],
                line["duration_ms"],
                extra={"request": line},
            )


# Methods whose requests the API never reads a body of: none is recorded for them.
_BODILESS = frozenset({"GET", "HEAD"})


class _Recording:
    """What the journal keeps of one request's exchange: its body as the endpoint read it,
    and the answer, up to ``MAX_BODY`` bytes of each."""

    __slots__ = ("_kept", "request_body", "response_body", "response_headers", "status")

    def __init__(self) -> None:
        self.status = 0
        self.response_headers: Sequence[tuple[bytes, bytes]] = []
        self.request_body: list[bytes] = []
        self.response_body: list[bytes] = []
        self._kept = [0, 0]  # bytes of the request's and the response's bodies kept so far

    def answered(self, response: Response) -> None:
        """The answer an endpoint returned, taken from the response itself."""
        self.status = response.status_code
        self.response_headers = response.raw_headers
        self.response_body = [getattr(response, "body", b"")[:MAX_BODY]]

    def receive(self, receive: Receive) -> Receive:
        async def recording_receive() -> Message:
            message = await receive()
            chunk = message.get("body", b"")
            kept = self._kept
            if message["type"] == "http.request" and chunk and kept[0] < MAX_BODY:
                self.request_body.append(chunk[: MAX_BODY - kept[0]])
                kept[0] += len(chunk)
            return message

        return recording_receive

    def send(self, send: Send) -> Send:
        """For answers Starlette's router gives: they are seen as they are sent."""

        async def recording_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.status = message["status"]
                self.response_headers = message.get("headers", [])
            elif message["type"] == "http.response.body" and self._kept[1] < MAX_BODY:
                chunk = message.get("body", b"")
                if chunk:
                    self.response_body.append(chunk[: MAX_BODY - self._kept[1]])
                    self._kept[1] += len(chunk)
            await send(message)

        return recording_send


def _wants_html(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name.lower() == b"accept":
            return b"text/html" in value.lower()
    return False


@contextlib.asynccontextmanager
async def _lifespan(app: Starlette) -> AsyncIterator[None]:
    """While served: the running clock is saved as it goes, and exactly at shutdown."""
    durability = app.control.durability if isinstance(app, MockApp) else None
    if isinstance(app, MockApp):
        app.open_streams()  # served again after a shutdown: streams may run again
    task = None
    if durability is not None and durability.keeps_time:
        task = asyncio.create_task(durability.keep_clock())
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if durability is not None:
            durability.checkpoint(exact=True)


def create_app(
    scenario: ScenarioSource = None,
    *,
    clock: Clock | None = None,
    time_scale: float | None = None,
    state_file: str | Path | None = None,
    state_file_max_bytes: int | None = None,
    control_token: str | None = None,
    scenario_dirs: Sequence[str | Path] = (),
) -> MockApp:
    """A fresh mock with its own state.

    ``scenario`` is a bundled name (``"near-limit"``), a path to a YAML file, a
    scenario document as a dict, a loaded :class:`Scenario`, or a :class:`World`
    built in code; by default the bundled ``default`` scenario. Time is virtual
    and starts at the scenario's start instant, so runs repeat exactly. With
    ``time_scale`` (what ``serve`` gives) the clock runs by itself instead, that
    many times faster than real time, from the scenario's start, or from now for
    a scenario that names none (its relative dates then count from now).

    With ``state_file``, all state lives in that SQLite file and a new app
    carries on where the last one stopped; ``state_file_max_bytes`` caps its size, past
    which changes are refused with 503 and undone. With ``control_token``, the control
    API requires ``Authorization: Bearer <control_token>``. Over HTTP, the control
    API loads scenario files only from ``scenario_dirs`` and the directory of a
    ``scenario`` given as a path.
    """
    store = None
    if state_file is not None:
        store = StateFile.open(state_file, max_bytes=state_file_max_bytes)
    try:
        dirs = [Path(d) for d in scenario_dirs]
        resolved: Scenario | None = None
        if isinstance(scenario, str | os.PathLike):
            path = scenarios.find(scenario)
            resolved = scenarios.load_file(path)
            if path.resolve().parent != scenarios.bundled_dir():
                dirs.append(path.parent)
        elif scenario is not None:
            resolved = scenarios.resolve(scenario)
        stored = store.load() if store is not None else None
        if stored is not None and stored.scenario is not None:
            saved = _saved_scenario(stored.scenario, state_file)
            if resolved is not None and resolved.name != saved.name:
                raise StateFileError(
                    f"{state_file} holds the state of scenario {saved.name!r}, not "
                    f"{resolved.name!r}; start with --scenario {saved.name} or use another "
                    "--state-file"
                )
            resolved = saved
        resolved = resolved or scenarios.resolve()
        if time_scale is not None:
            if clock is not None:
                raise ValueError("give a clock or a time_scale, not both")
            resolved = anchored(resolved, SystemClock())
            clock = SystemClock(time_scale, start=resolved.world.start)
        if clock is None:
            clock = VirtualClock(resolved.world.start)
        app = MockApp(resolved, clock, store=store, control_token=control_token, scenario_dirs=dirs)
        try:
            if stored is not None:
                app.control.resume(stored)
                # A new lease at once: the clock runs from here before the first checkpoint.
                app.control.durability.checkpoint()
            else:
                app.control.persist(everything=True)
        except ApiError as exc:  # the state file could not be written at all
            raise StateFileError(f"{state_file} cannot be written: {exc.message}") from None
    except BaseException:
        if store is not None:
            store.close()
        raise
    return app


def _saved_scenario(document: dict[str, Any], state_file: str | Path | None) -> Scenario:
    try:
        return scenarios.from_document(document, source="the saved scenario")
    except scenarios.ScenarioError as exc:
        raise StateFileError(
            f"{state_file} is damaged ({exc}); it was left untouched: move it aside or choose "
            "another --state-file"
        ) from None
