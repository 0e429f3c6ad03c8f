"""Handles onto a running mock, for tests: the control API as methods, and clients bound
to the mock. The pytest fixtures hand these out; scripts can build them too.

:class:`RegistrarMock` drives an app in-process (no socket); :class:`RegistrarMockServer`
drives one behind a real server. Both have the same methods.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from registrar_mock import durations, scenarios
from registrar_mock.extras import requires

if TYPE_CHECKING:
    from registrar_mock.app import MockApp
    from registrar_mock.client import AsyncRegistrarClient, RegistrarClient
    from registrar_mock.control import Control, Entry, FaultRule
    from registrar_mock.model.records import Charge
    from registrar_mock.model.workflows import Workflow
    from registrar_mock.scenarios import Scenario
    from registrar_mock.testing.live import LiveServer

# The account the bundled scenarios describe; in an open world any id works.
DEFAULT_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
# A well-formed API token (40 of [A-Za-z0-9_-]): an open world accepts any such token.
DEFAULT_TOKEN = "registrar-mock-fixture-token-00000000000"
IN_PROCESS_ORIGIN = "http://registrar-mock"
IN_PROCESS_URL = f"{IN_PROCESS_ORIGIN}/client/v4"

T = TypeVar("T")


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
        domain: str | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> list[Entry]:
        """Oldest first; ``path`` matches as a substring, ``body`` as a subset of the
        request's JSON body, the rest exactly."""
        found: list[Entry] = self._call(
            lambda: self._control.journal.entries(
                method=method, path=path, account=account, operation=operation,
                status=status, domain=domain, body=body,
            )
        )  # fmt: skip
        return found

    def assert_called(
        self,
        operation: str,
        *,
        times: int | None = None,
        domain: str | None = None,
        body: Mapping[str, Any] | None = None,
        status: int | None = None,
    ) -> list[Entry]:
        """Assert ``operation`` was called (``times`` exactly, else at least once), with
        ``body`` contained in the request's; the matching entries. A failure shows each
        call of the operation and how it differed, and every request that matched no route
        with its closest operation."""
        found: list[Entry] = self._call(
            lambda: self._control.journal.assert_called(
                operation, times=times, domain=domain, body=body, status=status
            )
        )
        return found

    def assert_not_called(
        self, operation: str, *, domain: str | None = None, body: Mapping[str, Any] | None = None
    ) -> None:
        self.assert_called(operation, times=0, domain=domain, body=body)

    def unmatched(self) -> list[Entry]:
        """Requests that matched no route, each with its ``near_miss``."""
        found: list[Entry] = self._call(self._control.journal.unmatched)
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
        loaded = scenarios.resolve(scenario, here=self._here, **options)
        return self._call(lambda: self.app.control.reset(loaded))

    # --- clock ----------------------------------------------------------------

    def now(self) -> datetime:
        return self._call(self.app.control.now)

    def advance(self, by: durations.Duration) -> datetime:
        """Move the clock forward by seconds, a timedelta, or a duration such as ``"2d"``."""
        return self._call(lambda: self.app.control.advance(by))

    def set_time(self, instant: datetime | str) -> datetime:
        """Move the clock forward to an instant (a timezone-aware datetime or RFC 3339)."""
        return self._call(lambda: self.app.control.set_time(instant))

    # --- workflows, charges, faults -----------------------------------------

    def resolve(
        self,
        account_id: str,
        domain: str,
        *,
        confirm: bool = True,
        kind: str = "registration",
        sandbox: bool = False,
    ) -> Workflow:
        """Settle an ``action_required`` workflow: confirm it, or reject it. ``kind`` is
        ``registration``, ``update`` or ``transfer_in``; ``sandbox`` picks the account's
        Registrar Sandbox records."""
        return self._call(
            lambda: self.app.control.resolve(
                account_id, domain, confirm=confirm, kind=kind, sandbox=sandbox
            )
        )

    def approve_transfer(self, domain: str, account_id: str | None = None) -> Workflow:
        """Approve, as the losing registrar, a transfer in waiting on it (``blocked``)."""
        account = account_id or self.account_id
        return self._call(lambda: self.app.control.approve_transfer(account, domain))

    def reject_transfer(self, domain: str, account_id: str | None = None) -> Workflow:
        """Reject, as the losing registrar, a transfer in: it fails ``transfer_rejected``."""
        account = account_id or self.account_id
        return self._call(lambda: self.app.control.reject_transfer(account, domain))

    def accept_transfer(self, domain: str, account_id: str | None = None) -> Workflow:
        """Accept, as the registrant, the approval a transfer in asks for by email."""
        account = account_id or self.account_id
        return self._call(lambda: self.app.control.accept_transfer(account, domain))

    def decline_transfer(self, domain: str, account_id: str | None = None) -> Workflow:
        """Decline, as the registrant: the transfer fails ``transfer_declined``."""
        account = account_id or self.account_id
        return self._call(lambda: self.app.control.decline_transfer(account, domain))

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

    def environment(self, account_id: str | None = None) -> dict[str, str | None]:
        """The ``CLOUDFLARE_*`` variables that point the official SDKs (and an app that
        reads ``CLOUDFLARE_ACCOUNT_ID``) at this mock; None means unset."""
        from registrar_mock.testing.redirect import environment

        account = account_id or self.account_id
        return environment(self.base_url, account, self.credentials(account))

    def redirect(self, account_id: str | None = None) -> contextlib.AbstractContextManager[None]:
        """While active, ``Cloudflare()`` with no arguments reaches this mock: the
        environment points at it (restored afterwards)."""
        from registrar_mock.testing.redirect import redirected

        return redirected(self.environment(account_id))

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
        from registrar_mock.client import RegistrarClient

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
            with requires("sdk", "the fixtures' cloudflare and registrar attributes"):
                from cloudflare import Cloudflare
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
    control_url = f"{IN_PROCESS_ORIGIN}/__mock__"  # reached while redirect() is active

    @contextlib.contextmanager
    def redirect(self, account_id: str | None = None) -> Iterator[None]:
        """As for a server, and with no socket: while active, every ``httpx`` client (the
        SDKs' too) sends requests for this mock's URL to the app in-process."""
        from registrar_mock.testing.redirect import intercepting, redirected

        with intercepting(self.app, IN_PROCESS_ORIGIN), redirected(self.environment(account_id)):
            yield

    def _transport(self) -> httpx.BaseTransport:
        from registrar_mock.testing.transports import SyncASGITransport

        return SyncASGITransport(self.app)

    @cached_property
    def async_http_client(self) -> httpx.AsyncClient:
        """httpx's AsyncClient on the app (ASGI transport), authenticated as ``account_id``."""
        from registrar_mock.testing.transports import ASGITransport

        return httpx.AsyncClient(
            base_url=self.base_url, transport=ASGITransport(self.app), auth=self._authenticate
        )

    def async_client(self, account_id: str | None = None, **options: Any) -> AsyncRegistrarClient:
        """The async reference client, for ``account_id``; its waits move the virtual clock."""
        import anyio

        from registrar_mock.client import AsyncRegistrarClient
        from registrar_mock.testing.transports import ASGITransport

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


class RegistrarMockServer(RegistrarMockBase):
    """The ``registrar_mock_server`` fixture: a real server at ``base_url``."""

    def __init__(self, server: LiveServer, here: Path | None = None) -> None:
        super().__init__(server.app, here)
        self.server = server
        self.base_url = f"{server.origin}/client/v4"
        self.control_url = f"{server.origin}/__mock__"

    def _call(self, work: Callable[[], T]) -> T:
        return self.server.call(work)
