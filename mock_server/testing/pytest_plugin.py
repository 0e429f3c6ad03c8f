"""The pytest plugin: a fresh, isolated registrar for each test, in one line.

Installed with the package (entry point ``pytest11``, name ``registrar_mock``)::

    import pytest


    @pytest.mark.registrar_scenario("slow-registry", seed=7)
    def test_registration_waits_for_the_registry(registrar_mock_server):
        mock = registrar_mock_server
        mock.registrar.registrations.create(account_id=mock.account_id, domain_name="acme.dev")
        assert [e.status for e in mock.journal.entries()] == [202]

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

While either is active, the ``CLOUDFLARE_*`` environment points at it
(``CLOUDFLARE_BASE_URL``, ``CLOUDFLARE_API_TOKEN``, ``CLOUDFLARE_ACCOUNT_ID``; any other
credential variable is unset), so an application that builds ``Cloudflare()`` with no
arguments reaches the mock; in-process, httpx requests for the mock's URL are routed to
the app with no socket. The environment is restored after the test.

Both fixtures have the same methods (the control API as Python) and clients:
``http_client`` (httpx), ``client()`` (the reference client), ``cloudflare``
(the official SDK) and ``registrar`` (its ``.registrar`` resource). Time is
virtual in both: it moves when a test calls ``advance`` or the reference
client waits.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

# Nothing of the mock is imported until a fixture or marker is used: installing
# registrar-mock must cost an unrelated test run nothing.
if TYPE_CHECKING:
    from registrar_mock.scenarios import Scenario
    from registrar_mock.testing.handles import RegistrarMock, RegistrarMockServer
    from registrar_mock.testing.live import LiveServer

MARKER = "registrar_scenario"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario=None, **options): the registrar-mock scenario for this test: a "
        "bundled name, a path or a document; options (seed=, start=, ...) replace its "
        "top-level keys. Used by the registrar_mock and registrar_mock_server fixtures.",
    )


def marked_scenario(node: pytest.Item) -> Scenario:
    """The scenario the test's closest marker asks for; fails the test if it can't be had."""
    from registrar_mock.scenarios import ScenarioError, resolve

    marker = node.get_closest_marker(MARKER)
    if marker is None:
        return resolve()
    args, options = list(marker.args), dict(marker.kwargs)
    if "scenario" in options:
        args.append(options.pop("scenario"))
    call = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in options.items()])
    where = f"@pytest.mark.{MARKER}({call})"
    if len(args) > 1:
        pytest.fail(f"{where}: give one scenario (a bundled name, a path or a dict)", pytrace=False)
    try:
        return resolve(args[0] if args else None, here=Path(node.path).parent, **options)
    except ScenarioError as exc:
        problem = str(exc)
    pytest.fail(f"{where}: {problem}", pytrace=False)  # outside the except: no chained trace


@pytest.fixture
def registrar_mock(request: pytest.FixtureRequest) -> Iterator[RegistrarMock]:
    """A fresh in-process registrar mock, with the scenario the test's marker names."""
    from registrar_mock.app import create_app
    from registrar_mock.testing.handles import RegistrarMock

    scenario = marked_scenario(request.node)
    mock = RegistrarMock(create_app(scenario), Path(request.node.path).parent)
    try:
        with mock.redirect():
            yield mock
    finally:
        mock.close()


@pytest.fixture(scope="session")
def _registrar_mock_live_server() -> Iterator[LiveServer]:
    from registrar_mock.app import create_app
    from registrar_mock.testing.live import LiveServer

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
    from registrar_mock.testing.handles import RegistrarMockServer

    scenario = marked_scenario(request.node)
    mock = RegistrarMockServer(_registrar_mock_live_server, Path(request.node.path).parent)
    mock._call(lambda: mock.app.control.reset(scenario))
    try:
        with mock.redirect():
            yield mock
    finally:
        mock.close()
