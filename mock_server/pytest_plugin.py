"""The pytest plugin: a fresh, isolated registrar for each test, in one line.

Installed with the package (entry point ``pytest11``, name ``registrar_mock``)::

    import pytest


    @pytest.mark.registrar_scenario("slow-registry", seed=7)
    def test_registration_waits_for_the_registry(registrar_mock_server):
        sdk = registrar_mock_server.registrar
        sdk.registrations.create(account_id="acme", domain_name="acme.dev")
        assert [e.status for e in registrar_mock_server.journal.entries()] == [202]

``registrar_mock``
    An in-process mock, new for each test. Clients reach it through an ASGI
    transport: no socket is opened.
``registrar_mock_server``
    A real uvicorn server on a free ``127.0.0.1`` port, for clients that need a
    URL. It starts once per test run (once per xdist worker, so workers never
    share state) and is reset before each test.
``@pytest.mark.registrar_scenario(scenario, **options)``
    The scenario for the test (or a class or module): a bundled name, a path
    (relative to the test file, or to the working directory) or a document as a
    dict. Options replace top-level keys of the scenario, e.g. ``seed=7``,
    ``start="2026-06-01T00:00:00Z"``, ``sync_wait="2s"``, ``faults=[]``. Without
    the marker a test gets the bundled ``default`` scenario.

Both fixtures have the same methods (the control API as Python) and clients:
``http_client`` (httpx), ``client()`` (the reference client), ``cloudflare``
(the official SDK) and ``registrar`` (its ``.registrar`` resource). Time is
virtual in both: it moves when a test calls ``advance`` or the reference
client waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import pytest

if TYPE_CHECKING:
    from client import AsyncRegistrarClient, RegistrarClient
    from mock_server.app import MockApp
    from mock_server.control import Control
    from mock_server.domain.models import Charge
    from mock_server.domain.workflows import Workflow
    from mock_server.faults import FaultRule
    from mock_server.journal import Entry
    from mock_server.scenarios import Scenario

MARKER = "registrar_scenario"
# The account the bundled scenarios describe; in an open world any id works.
DEFAULT_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
DEFAULT_TOKEN = "registrar-mock-token"
IN_PROCESS_URL = "http://registrar-mock/client/v4"
STARTUP_TIMEOUT = 60.0
CALL_TIMEOUT = 60.0

T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario=None, **options): the registrar-mock scenario for this test: a "
        "bundled name, a path or a document; options (seed=, start=, ...) replace its "
        "top-level keys. Used by the registrar_mock and registrar_mock_server fixtures.",
    )


# --- scenarios ----------------------------------------------------------------


def build_scenario(source: Any = None, here: Path | None = None, **options: Any) -> Scenario:
    """A scenario from a name, a path, a document or a Scenario, with top-level keys replaced.

    A relative path is looked up beside ``here`` (the test file's directory)
    first, then in the working directory. Raises ``ScenarioError`` with a
    message that says what is wrong.
    """
    from mock_server import scenarios
    from mock_server.scenarios import Scenario, ScenarioError

    if source is None:
        scenario = scenarios.default_scenario()
    elif isinstance(source, Scenario):
        scenario = source
    elif isinstance(source, dict):
        scenario = scenarios.from_document(source, source="<document>")
    elif isinstance(source, str | os.PathLike):
        text = os.fspath(source)
        beside = here / text if here is not None else None
        known = text in scenarios.bundled() or Path(text).is_absolute()
        if not known and beside is not None and beside.is_file():
            scenario = scenarios.load(beside)
        else:
            scenario = scenarios.load(text)
    else:
        raise ScenarioError(
            repr(source), "", "a scenario is a bundled name, a path, a dict or a Scenario"
        )
    if not options:
        return scenario
    if not scenario.document:
        raise ScenarioError(
            scenario.source, "", "options need a scenario loaded from a file or a document"
        )
    keys = _top_level_keys()
    for key in options:
        if key not in keys:
            raise ScenarioError(
                f"option {key}", "", f"not a scenario key; options are {', '.join(keys)}"
            )
    document = dict(scenario.document)
    document.update((key, _plain(value)) for key, value in options.items())
    try:
        changed = scenarios.from_document(
            document, source=scenario.source, default_name=scenario.name
        )
    except ScenarioError as exc:
        key = exc.path.split(".")[0].split("[")[0]
        if key not in options:
            raise
        raise ScenarioError(f"option {exc.path}", "", exc.problem) from None
    return replace(changed, source=scenario.source)


def _top_level_keys() -> list[str]:
    from mock_server import scenarios

    schema = json.loads((scenarios.bundled_dir() / "scenario.schema.json").read_text("utf-8"))
    return list(schema["properties"])


def _plain(value: Any) -> Any:
    """Python values a test may write, as the YAML document would hold them."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()  # the loader refuses it, saying a timezone is needed
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def marked_scenario(node: pytest.Item) -> Scenario:
    """The scenario the test's closest marker asks for; fails the test if it can't be had."""
    from mock_server.scenarios import ScenarioError

    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return build_scenario()
    args, options = list(marker.args), dict(marker.kwargs)
    if "scenario" in options:
        args.append(options.pop("scenario"))
    call = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in options.items()])
    where = f"@pytest.mark.{MARKER}({call})"
    if len(args) > 1:
        pytest.fail(f"{where}: give one scenario (a bundled name, a path or a dict)", pytrace=False)
    try:
        return build_scenario(args[0] if args else None, Path(node.path).parent, **options)
    except ScenarioError as exc:
        problem = str(exc)
    pytest.fail(f"{where}: {problem}", pytrace=False)  # outside the except: no chained trace


# --- the handle tests use -------------------------------------------------------


class JournalView:
    """The requests the mock received (``app.control.journal``), read safely from the test."""

    def __init__(self, control: Control, call: Callable[[Callable[[], Any]], Any]) -> None:
        self._control = control
        self._call = call

    def entries(
        self,
        *,
        method: str | None = None,
        path: str | None = None,
        account: str | None = None,
        operation: str | None = None,
        status: int | None = None,
    ) -> list[Entry]:
        """Oldest first; ``path`` matches as a substring, the rest exactly."""
        found: list[Entry] = self._call(
            lambda: self._control.journal.entries(
                method=method, path=path, account=account, operation=operation, status=status
            )
        )
        return found

    def clear(self) -> None:
        self._call(self._control.journal.clear)

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self.entries())


class RegistrarMockBase:
    """The control API as methods, and clients bound to the mock. Subclasses say how to reach it."""

    base_url: str

    def __init__(self, app: MockApp, here: Path | None = None) -> None:
        self.app = app
        self._here = here
        self._opened: list[Any] = []
        self._sdk: dict[tuple[tuple[str, str], ...], Any] = {}

    def _call(self, work: Callable[[], T]) -> T:
        return work()

    def _transport(self) -> httpx.BaseTransport | None:
        return None

    # --- scenario -------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self.app.control.scenario

    def reset(self) -> Scenario:
        """Start over from the current scenario: state, clock, faults and journal."""
        return self._call(lambda: self.app.control.reset())

    def load_scenario(self, scenario: Any, **options: Any) -> Scenario:
        """Start over from another scenario (same forms and options as the marker)."""
        loaded = build_scenario(scenario, self._here, **options)
        return self._call(lambda: self.app.control.reset(loaded))

    # --- clock ----------------------------------------------------------------

    def now(self) -> datetime:
        return self._call(self.app.control.now)

    def advance(self, by: float | str) -> datetime:
        """Move the clock forward by seconds, or a duration such as ``"2d"`` or ``"90s"``."""
        from mock_server.scenarios import parse_duration

        seconds = parse_duration(by) if isinstance(by, str) else float(by)
        return self._call(lambda: self.app.control.advance(seconds))

    def set_time(self, instant: datetime | str) -> datetime:
        """Move the clock forward to an instant (a timezone-aware datetime or RFC 3339)."""
        if isinstance(instant, str):
            instant = datetime.fromisoformat(instant.replace("Z", "+00:00"))
        moment = instant
        return self._call(lambda: self.app.control.set_time(moment))

    # --- workflows, charges, faults -----------------------------------------

    def resolve(
        self,
        account_id: str,
        domain: str,
        *,
        confirm: bool = True,
        kind: str = "registration",
    ) -> Workflow:
        """Settle an ``action_required`` workflow: confirm it, or reject it."""
        return self._call(
            lambda: self.app.control.resolve(account_id, domain, confirm=confirm, kind=kind)
        )

    def charges(self, account_id: str | None = None) -> list[Charge]:
        account = account_id or self.account_id
        return self._call(lambda: self.app.control.charges(account))

    def add_fault(self, spec: dict[str, Any]) -> FaultRule:
        """Add a fault rule, written as in a scenario's ``faults`` list."""
        return self._call(lambda: self.app.control.add_fault(spec))

    def remove_fault(self, rule_id: str) -> bool:
        return self._call(lambda: self.app.control.remove_fault(rule_id))

    def clear_faults(self) -> None:
        self._call(self.app.control.clear_faults)

    @property
    def faults(self) -> list[dict[str, Any]]:
        return self._call(lambda: [rule.to_json() for rule in self.app.control.faults.rules])

    # --- journal and state ----------------------------------------------------

    @property
    def journal(self) -> JournalView:
        return JournalView(self.app.control, self._call)

    def export_state(self) -> dict[str, Any]:
        return self._call(self.app.control.export_state)

    def import_state(self, state: dict[str, Any]) -> None:
        self._call(lambda: self.app.control.import_state(state))

    # --- who may call ---------------------------------------------------------

    @property
    def account_id(self) -> str:
        """The scenario's first declared account, or the bundled scenarios' usual one."""
        accounts = self.app.world.accounts
        return accounts[0].id if accounts else DEFAULT_ACCOUNT

    def credentials(self, account_id: str | None = None) -> dict[str, str]:
        """Keyword arguments that authenticate as the account: ``api_token=`` or email and key."""
        account = account_id or self.account_id
        for spec in self.app.world.accounts:
            if spec.id == account:
                if spec.tokens:
                    return {"api_token": spec.tokens[0]}
                if spec.api_keys:
                    return {"api_email": spec.api_keys[0].email, "api_key": spec.api_keys[0].key}
        return {"api_token": DEFAULT_TOKEN}

    def headers(self, account_id: str | None = None) -> dict[str, str]:
        """The request headers that authenticate as the account."""
        given = self.credentials(account_id)
        if "api_token" in given:
            return {"Authorization": f"Bearer {given['api_token']}"}
        return {"X-Auth-Email": given["api_email"], "X-Auth-Key": given["api_key"]}

    def _authenticate(self, request: httpx.Request) -> httpx.Request:
        if not any(h in request.headers for h in ("authorization", "x-auth-email", "x-auth-key")):
            request.headers.update(self.headers())
        return request

    # --- clients --------------------------------------------------------------

    @cached_property
    def http_client(self) -> httpx.Client:
        """httpx, at ``base_url`` (``/client/v4``), authenticated as ``account_id``."""
        client = httpx.Client(
            base_url=self.base_url, transport=self._transport(), auth=self._authenticate
        )
        self._opened.append(client)
        return client

    def client(self, account_id: str | None = None, **options: Any) -> RegistrarClient:
        """The reference client, for ``account_id``; its waits move the virtual clock."""
        from client import RegistrarClient

        http = httpx.Client(transport=self._transport())
        self._opened.append(http)
        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "sleep": self.advance,
            "monotonic": self._monotonic,
            **self.credentials(account_id),
            **options,
        }
        return RegistrarClient(account_id or self.account_id, http_client=http, **settings)

    def _monotonic(self) -> float:
        return self.now().timestamp()

    @property
    def cloudflare(self) -> Any:
        """The official SDK (``cloudflare.Cloudflare``), bound to the mock as ``account_id``."""
        key = tuple(sorted(self.credentials().items()))
        if key not in self._sdk:
            try:
                from cloudflare import Cloudflare
            except ImportError:  # pragma: no cover - depends on the environment
                raise RuntimeError(
                    "registrar_mock.cloudflare needs the official SDK: pip install cloudflare"
                ) from None
            http = httpx.Client(transport=self._transport())
            given: dict[str, Any] = dict(key)
            sdk = Cloudflare(base_url=self.base_url, http_client=http, **given)
            # The SDK fills missing credentials from CLOUDFLARE_* variables: a developer's
            # real ones must neither reach the mock nor override the scenario's.
            for name in ("api_token", "api_key", "api_email", "user_service_key"):
                setattr(sdk, name, given.get(name))
            self._opened.append(sdk)
            self._sdk[key] = sdk
        return self._sdk[key]

    @property
    def registrar(self) -> Any:
        """``cloudflare.registrar``: the SDK's Registrar resource, bound to the mock."""
        return self.cloudflare.registrar

    def close(self) -> None:
        """Close every client this handle opened (the fixtures do it after each test)."""
        while self._opened:
            self._opened.pop().close()
        self._sdk.clear()
        self.__dict__.pop("http_client", None)


class RegistrarMock(RegistrarMockBase):
    """The ``registrar_mock`` fixture: an in-process mock with no socket."""

    base_url = IN_PROCESS_URL

    def _transport(self) -> httpx.BaseTransport:
        from mock_server.testing import SyncASGITransport

        return SyncASGITransport(self.app)

    @cached_property
    def async_http_client(self) -> httpx.AsyncClient:
        """httpx's AsyncClient on the app (ASGI transport), authenticated as ``account_id``."""
        from mock_server.testing import ASGITransport

        return httpx.AsyncClient(
            base_url=self.base_url, transport=ASGITransport(self.app), auth=self._authenticate
        )

    def async_client(self, account_id: str | None = None, **options: Any) -> AsyncRegistrarClient:
        """The async reference client, for ``account_id``; its waits move the virtual clock."""
        import anyio

        from client import AsyncRegistrarClient
        from mock_server.testing import ASGITransport

        async def sleep(seconds: float) -> None:
            self.advance(seconds)
            await anyio.sleep(0)

        settings: dict[str, Any] = {
            "base_url": self.base_url,
            "sleep": sleep,
            "monotonic": self._monotonic,
            **self.credentials(account_id),
            **options,
        }
        http = httpx.AsyncClient(transport=ASGITransport(self.app))
        return AsyncRegistrarClient(account_id or self.account_id, http_client=http, **settings)


class LiveServer:
    """One app behind uvicorn on a free loopback port, served from a background thread."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self._loop: asyncio.AbstractEventLoop | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._serve, name="registrar-mock-server", daemon=True
        )
        import uvicorn

        config = uvicorn.Config(
            app,
            log_config=None,
            log_level=None,
            access_log=False,
            ws="none",
            loop="asyncio",
            lifespan="auto",
        )
        self._server = uvicorn.Server(config)

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


class RegistrarMockServer(RegistrarMockBase):
    """The ``registrar_mock_server`` fixture: a real server at ``base_url``."""

    def __init__(self, server: LiveServer, here: Path | None = None) -> None:
        super().__init__(server.app, here)
        self.server = server
        self.base_url = f"{server.origin}/client/v4"
        self.control_url = f"{server.origin}/__mock__"

    def _call(self, work: Callable[[], T]) -> T:
        return self.server.call(work)


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def registrar_mock(request: pytest.FixtureRequest) -> Iterator[RegistrarMock]:
    """A fresh in-process registrar mock, with the scenario the test's marker names."""
    from mock_server import create_app

    scenario = marked_scenario(request.node)
    mock = RegistrarMock(create_app(scenario), Path(request.node.path).parent)
    try:
        yield mock
    finally:
        mock.close()


@pytest.fixture(scope="session")
def _registrar_mock_live_server() -> Iterator[LiveServer]:
    from mock_server import create_app

    server = LiveServer(create_app()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def registrar_mock_server(
    request: pytest.FixtureRequest, _registrar_mock_live_server: LiveServer
) -> Iterator[RegistrarMockServer]:
    """The run's registrar-mock server, reset to the scenario the test's marker names."""
    scenario = marked_scenario(request.node)
    mock = RegistrarMockServer(_registrar_mock_live_server, Path(request.node.path).parent)
    mock._call(lambda: mock.app.control.reset(scenario))
    try:
        yield mock
    finally:
        mock.close()
