"""The mock outside pytest: a server in a background thread, and a context manager and
decorator that starts one and points the environment at it (moto's ``mock_aws`` and
``ThreadedMotoServer``, for registrar-mock)."""

from __future__ import annotations

import contextlib
import functools
import inspect
import unittest
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from registrar_mock.testing.handles import RegistrarMockServer
from registrar_mock.testing.live import LiveServer

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)

# The servers mock_registrar has started and not yet stopped, innermost last.
_ACTIVE: list[MockServer] = []


class MockServer(RegistrarMockServer):
    """A real uvicorn server on a free ``127.0.0.1`` port, served from a background thread,
    with the same attributes and control methods as the pytest fixtures' handles.

    ``scenario`` and ``options`` are as for the ``registrar_scenario`` marker (a bundled
    name, a path or a document, then top-level keys to replace). ``state_file``,
    ``control_token`` and ``time_scale`` are as for ``create_app``; without a time scale
    the clock is virtual and moves only through ``advance()``.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with MockServer("action-required") as mock:
            requests.get(f"{mock.base_url}/accounts/{mock.account_id}/registrar/registrations",
                         headers=mock.headers())
    """

    def __init__(
        self,
        scenario: Any = None,
        *,
        state_file: str | Path | None = None,
        control_token: str | None = None,
        time_scale: float | None = None,
        here: Path | None = None,
        **options: Any,
    ) -> None:
        from registrar_mock.app import create_app
        from registrar_mock.scenarios import resolve

        app = create_app(
            resolve(scenario, here=here, **options),
            state_file=state_file,
            control_token=control_token,
            time_scale=time_scale,
        )
        super().__init__(LiveServer(app), here)
        self._started = False
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._started and not self._stopped

    def start(self) -> MockServer:
        """Start serving; returns the server, so ``MockServer().start()`` reads well."""
        if self._stopped:
            raise RuntimeError("a stopped MockServer can't be started again; make a new one")
        if not self._started:
            self.server.start()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop serving and release the port and the state file. Safe to call twice."""
        if not self._stopped:
            self.close()
            self.server.stop()  # also releases the port of a server never started
        self._stopped = True

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped" if self._stopped else "not started"
        return f"<MockServer {self.base_url} scenario={self.scenario.name!r} {state}>"


# Named in lower case, like moto's mock_aws: it reads as a function at its use.
class mock_registrar(contextlib.ContextDecorator):
    """Start a :class:`MockServer` and point the ``CLOUDFLARE_*`` environment at it, so an
    application's own ``Cloudflare()`` reaches the mock; everything is restored after.

    As a context manager it gives the server::

        with mock_registrar("near-limit") as mock:
            app.register("acme.dev")          # builds Cloudflare() from the environment
            mock.journal.assert_called("registrar-domain-registration-create")

    As a decorator it wraps a function (sync or async) or a class: a
    ``unittest.TestCase`` gets a fresh mock for each test (started before ``setUp``),
    another class for each of its ``test*`` methods. Inside, :func:`current_server`
    returns the server.
    """

    def __init__(self, scenario: Any = None, **options: Any) -> None:
        self._scenario = scenario
        self._options = options
        self._stack: contextlib.ExitStack | None = None
        self.server: MockServer | None = None

    def _recreate_cm(self) -> mock_registrar:
        # Each decorated call gets its own server, so calls may nest or run again.
        return mock_registrar(self._scenario, **self._options)

    def __enter__(self) -> MockServer:
        with contextlib.ExitStack() as stack:
            server = stack.enter_context(MockServer(self._scenario, **self._options))
            stack.enter_context(server.redirect())
            _ACTIVE.append(server)
            stack.callback(_ACTIVE.remove, server)
            self._stack = stack.pop_all()
        self.server = server
        return server

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        stack, self._stack, self.server = self._stack, None, None
        if stack is not None:
            stack.close()

    def __call__(self, func: Any) -> Any:
        if isinstance(func, type):
            return self._decorate_class(func)
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def run(*args: Any, **kwargs: Any) -> Any:
                with self._recreate_cm():
                    return await func(*args, **kwargs)

            return run
        return super().__call__(func)

    def _decorate_class(self, cls: C) -> C:
        if issubclass(cls, unittest.TestCase):
            original = cls.setUp

            def setUp(test: unittest.TestCase) -> None:
                manager = self._recreate_cm()
                manager.__enter__()
                test.addCleanup(manager.__exit__, None, None, None)
                original(test)

            setattr(cls, "setUp", setUp)  # noqa: B010 - replaced on the class, as a method
            return cls
        for name, member in list(vars(cls).items()):
            if name.startswith("test") and callable(member):
                setattr(cls, name, self(member))
        return cls


def current_server() -> MockServer:
    """The server of the innermost active :class:`mock_registrar`."""
    if not _ACTIVE:
        raise LookupError("no mock_registrar is active")
    return _ACTIVE[-1]
