"""Fixtures for the client tests: a mock app, and a client on it, sync or async.

Every test that takes ``connect`` runs twice: once with ``RegistrarClient``
and once with ``AsyncRegistrarClient`` (behind :class:`Blocking`). Both wait on
the app's virtual clock: ``sleep`` advances it and ``monotonic`` reads it, so a
workflow blocked for two days finishes in milliseconds and deadlines are
virtual too.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import anyio
import anyio.from_thread
import httpx
import pytest

from registrar_mock import MockApp, VirtualClock, create_app
from registrar_mock.client import AsyncRegistrarClient, PollPolicy, RegistrarClient, RetryPolicy
from registrar_mock.model.records import Account
from registrar_mock.model.records import WorkflowState as S
from registrar_mock.model.workflows import Script, ScriptBook, ScriptRule, Step
from registrar_mock.model.world import AccountSpec, World, default_registry
from registrar_mock.testing import ASGITransport, SyncASGITransport

from .support import After, Before, Blocking, Intercept

ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
TOKEN = "registrar-mock-client-test-token-0000000"
BASE_URL = "http://mock/client/v4"

BLOCKED_TWO_DAYS = Script(
    (
        Step(S.PENDING, seconds=1),
        Step(S.BLOCKED, seconds=2 * 86400, context={"blocked_by": "registry"}),
        Step(S.SUCCEEDED),
    )
)
NEEDS_CONFIRMATION = Script(
    (
        Step(S.IN_PROGRESS, seconds=1),
        Step(
            S.ACTION_REQUIRED,
            context={
                "action": "registrant_email_confirmation_pending",
                "confirmation_sent_to": "a***@example.com",
            },
        ),
        Step(S.SUCCEEDED),
    )
)
REJECTED = Script(
    (
        Step(S.IN_PROGRESS, seconds=5),
        Step(
            S.FAILED,
            error_code="registry_rejected",
            error_message="Registry rejected the registration request.",
        ),
    )
)
# In progress until somebody resolves it through the control API, which nobody does.
STUCK = Script((Step(S.IN_PROGRESS), Step(S.SUCCEEDED)))


def scripted_world(**overrides: Any) -> World:
    rules = (
        ScriptRule("slow-*.com", BLOCKED_TWO_DAYS),
        ScriptRule("confirm-*.com", NEEDS_CONFIRMATION),
        ScriptRule("reject-*.com", REJECTED),
        ScriptRule("stuck-*.com", STUCK),
    )
    settings: dict[str, Any] = {
        "registry": default_registry(),
        "scripts": ScriptBook(registration_rules=rules),
    }
    settings.update(overrides)
    return World(**settings)


def closed_world(**account: Any) -> World:
    """A world that knows one account and one token, and refuses everybody else."""
    spec = AccountSpec(id=ACCOUNT, tokens=(TOKEN,), **account)
    return scripted_world(open_accounts=False, accounts=(spec,))


@dataclass
class Harness:
    """One app, one client on it, and a record of every pause the client took."""

    mode: str
    app: MockApp
    client: RegistrarClient  # the async client wears the same face through Blocking
    transport: Intercept
    sleeps: list[float] = field(default_factory=list)
    account_id: str = ACCOUNT
    sandbox: bool = False

    @property
    def account(self) -> Account:
        """The client's account: its production records, or its sandbox ones."""
        # An account nobody has written to is not stored: it reads as a new, empty one.
        blank = Account(self.account_id, sandbox=self.sandbox)
        return self.app.registrar.accounts.get(blank.key) or blank

    def registered(self) -> set[str]:
        return set(self.account.registrations)

    def elapsed(self) -> float:
        """Virtual seconds since the world began."""
        return (self.app.clock.now() - self.app.world.start).total_seconds()


Connect = Callable[..., Harness]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(params=["sync", "async"])
def mode(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value


@pytest.fixture
def connect(mode: str) -> Iterator[Connect]:
    """Open a client of the kind ``mode`` names onto a fresh app.

    ``world`` is a World built in code, a scenario document (a dict, as YAML
    reads), or a bundled scenario's name. Keyword arguments:
    ``before``/``after`` (see ``support.Intercept``), ``credentials`` (client
    keyword arguments replacing the default token), ``retry``, ``poll`` and
    ``transfer_poll`` policies, ``sandbox`` (a Registrar Sandbox client),
    ``account`` (another account id), and ``app`` (another client on an app
    already open, instead of a new one; its pauses are recorded apart).
    """
    with contextlib.ExitStack() as stack:

        def open_client(
            world: World | str | Mapping[str, Any] | None = None,
            *,
            before: Before | None = None,
            after: After | None = None,
            credentials: dict[str, str] | None = None,
            retry: RetryPolicy | None = None,
            poll: PollPolicy | None = None,
            transfer_poll: PollPolicy | None = None,
            sandbox: bool = False,
            account: str = ACCOUNT,
            app: MockApp | None = None,
        ) -> Harness:
            if app is None:
                app = create_app(
                    dict(world) if isinstance(world, Mapping) else world or scripted_world()
                )
            clock = app.clock
            assert isinstance(clock, VirtualClock)
            sleeps: list[float] = []

            def monotonic() -> float:
                return clock.now().timestamp()

            options: dict[str, Any] = {
                "base_url": BASE_URL,
                "retry": retry,
                "poll": poll,
                "transfer_poll": transfer_poll,
                "sandbox": sandbox,
                "monotonic": monotonic,
                **(credentials if credentials is not None else {"api_token": TOKEN}),
            }
            if mode == "sync":

                def sleep(seconds: float) -> None:
                    sleeps.append(seconds)
                    clock.advance(seconds)

                transport = Intercept(SyncASGITransport(app), before, after)
                http = stack.enter_context(httpx.Client(transport=transport))
                client = RegistrarClient(account, http_client=http, sleep=sleep, **options)
                return Harness(mode, app, client, transport, sleeps, account, sandbox)

            async def async_sleep(seconds: float) -> None:
                sleeps.append(seconds)
                clock.advance(seconds)
                await anyio.sleep(0)

            portal = stack.enter_context(anyio.from_thread.start_blocking_portal("asyncio"))
            transport = Intercept(ASGITransport(app), before, after)
            async_http = httpx.AsyncClient(transport=transport)
            stack.callback(portal.call, async_http.aclose)
            async_client = AsyncRegistrarClient(
                account, http_client=async_http, sleep=async_sleep, **options
            )
            face = cast(RegistrarClient, Blocking(async_client, portal))
            return Harness(mode, app, face, transport, sleeps, account, sandbox)

        yield open_client
