"""Differential testing: random sequences through the client against the mock, checked
against the plain model of the documented rules (``contract_tests.model``).

Production and the Registrar Sandbox side by side, with a second account in the
sandbox (whose purchases take names from everyone there), and transfers in of
domains a world holds at another registrar, with right and wrong auth codes."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from registrar_mock import create_app
from registrar_mock.client import (
    ConflictError,
    Contact,
    NotFoundError,
    RegistrarClient,
    RegistrarError,
    ValidationError,
    WorkflowStatus,
)
from registrar_mock.clock import VirtualClock
from registrar_mock.contract_tests import conformance
from registrar_mock.contract_tests.model import MAIN, Expected, Outcome, RegistrarModel
from registrar_mock.model.records import RegistrationStatus as Status
from registrar_mock.model.records import Zone
from registrar_mock.model.world import (
    AccountSpec,
    ForeignDomain,
    LosingRegistrar,
    World,
    default_registry,
)
from registrar_mock.testing import SyncASGITransport

from .support import ACCOUNT, BASE_URL, TOKEN

LIMIT = 4
OTHER = "other"
OTHER_ACCOUNT = "0f" * 16
# At another registrar, unlocked, with a zone in the account; the registrar approves at
# once, so a transfer takes its default 0.25 s pending and 60 s in progress.
FOREIGN = {"move-me.com": "Move-Me-1", "bring-me.dev": "Bring-Me-2"}
TRANSFER_SECONDS = 60.25
# Registering a name at another registrar is refused: the machine tries that too.
NAMES = st.sampled_from(
    ["alpha.com", "bravo.dev", "charlie.app", "delta.xyz", "echo.net", "fox.org", *FOREIGN]
)
TRANSFER_NAMES = st.sampled_from([*FOREIGN, "alpha.com", "never-registered.net"])
SANDBOX_NAMES = st.sampled_from(["alpha.com", "golf.net", "hotel.com", "india.net", "juliet.com"])
ACCOUNTS = st.sampled_from([MAIN, OTHER])
REGISTRANT = Contact(
    email="ada@example.com", phone="+1.5555555555", name="Ada Lovelace",
    street="123 Main St", city="Austin", state="TX", postal_code="78701", country_code="US",
)  # fmt: skip
ERRORS: dict[Outcome, type[RegistrarError]] = {
    Outcome.LIMIT: ValidationError,
    Outcome.REFUSED: ValidationError,
    Outcome.NOT_FOUND: NotFoundError,
    Outcome.CONFLICT: ConflictError,
}


def comparison_world() -> World:
    elsewhere = {
        name: ForeignDomain(name, auth_code=code, losing_registrar=LosingRegistrar.APPROVES)
        for name, code in FOREIGN.items()
    }
    account = AccountSpec(ACCOUNT, zones=tuple(Zone(name) for name in FOREIGN))
    registry = dataclasses.replace(default_registry(), elsewhere=elsewhere)
    return World(accounts=(account,), registry=registry, domain_limit=LIMIT)


class RegistrarComparison(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.app = create_app(comparison_world())
        assert isinstance(self.app.clock, VirtualClock)
        self.clock = self.app.clock
        self.http = httpx.Client(transport=SyncASGITransport(self.app))
        self.client = self._client(ACCOUNT)
        self.sandboxes = {
            MAIN: self._client(ACCOUNT, sandbox=True),
            OTHER: self._client(OTHER_ACCOUNT, sandbox=True),
        }
        # Durations come from the world's scripts: the docs leave them to the registry.
        self.model = RegistrarModel(
            limit=LIMIT,
            registration_seconds=1.0,
            update_seconds=0.5,
            transfer_seconds=TRANSFER_SECONDS,
            foreign=dict(FOREIGN),
        )

    def _client(self, account: str, *, sandbox: bool = False) -> RegistrarClient:
        return RegistrarClient(
            account, api_token=TOKEN, base_url=BASE_URL, http_client=self.http, sandbox=sandbox
        )

    def teardown(self) -> None:
        self.http.close()

    def _compare(self, expected: Expected, call: object) -> None:
        try:
            status = call() if callable(call) else call
        except RegistrarError as error:
            wanted = ERRORS.get(expected.outcome)
            assert wanted is not None and isinstance(error, wanted), (expected, error)
            return
        assert expected.outcome is Outcome.OK, (expected, status)
        assert isinstance(status, WorkflowStatus)
        assert status.completed is (status.state in ("succeeded", "failed"))
        if expected.completed is not None:
            assert status.completed is expected.completed, (expected, status)

    @rule(name=NAMES, auto_renew=st.booleans(), prefer_async=st.booleans())
    def register(self, name: str, auto_renew: bool, prefer_async: bool) -> None:
        expected = self.model.register(name, auto_renew, prefer_async)
        self._compare(
            expected,
            lambda: self.client.create_registration(
                name, auto_renew=auto_renew, prefer_async=prefer_async
            ),
        )

    @rule(name=NAMES)
    def poll(self, name: str) -> None:
        expected = self.model.registration_status(name)
        self._compare(expected, lambda: self.client.get_registration_status(name))

    @rule(name=NAMES, auto_renew=st.booleans(), prefer_async=st.booleans())
    def patch(self, name: str, auto_renew: bool, prefer_async: bool) -> None:
        expected = self.model.update(name, auto_renew, prefer_async)
        self._compare(
            expected,
            lambda: self.client.update_registration(
                name, auto_renew=auto_renew, prefer_async=prefer_async
            ),
        )

    transferred = Bundle("transferred")

    @rule(target=transferred, name=TRANSFER_NAMES, right_code=st.booleans(),
          auto_renew=st.booleans())  # fmt: skip
    def transfer_in(self, name: str, right_code: bool, auto_renew: bool) -> str:
        code = FOREIGN.get(name, "Not-The-Code") if right_code else "Not-The-Code"
        expected = self.model.transfer_in(name, code, auto_renew)
        self._compare(
            expected,
            lambda: self.client.transfer_in(name, auth_code=code.encode(), auto_renew=auto_renew),
        )
        return name

    @rule(name=st.one_of(TRANSFER_NAMES, transferred))
    def poll_transfer(self, name: str) -> None:
        expected = self.model.transfer_status(name)
        self._compare(expected, lambda: self.client.get_transfer_in_status(name))

    @rule(name=transferred, auto_renew=st.booleans())
    def patch_transferred(self, name: str, auto_renew: bool) -> None:
        self.patch(name, auto_renew, prefer_async=False)

    @rule(account=ACCOUNTS, name=SANDBOX_NAMES, auto_renew=st.booleans(),
          prefer_async=st.booleans())  # fmt: skip
    def register_in_sandbox(
        self, account: str, name: str, auto_renew: bool, prefer_async: bool
    ) -> None:
        expected = self.model.register(
            name, auto_renew, prefer_async, in_sandbox=True, account=account
        )
        self._compare(
            expected,
            lambda: self.sandboxes[account].create_registration(
                name, auto_renew=auto_renew, registrant=REGISTRANT, prefer_async=prefer_async
            ),
        )

    @rule(account=ACCOUNTS, name=SANDBOX_NAMES)
    def poll_in_sandbox(self, account: str, name: str) -> None:
        expected = self.model.registration_status(name, in_sandbox=True, account=account)
        self._compare(expected, lambda: self.sandboxes[account].get_registration_status(name))

    @rule(account=ACCOUNTS, name=SANDBOX_NAMES, auto_renew=st.booleans(),
          prefer_async=st.booleans())  # fmt: skip
    def patch_in_sandbox(
        self, account: str, name: str, auto_renew: bool, prefer_async: bool
    ) -> None:
        expected = self.model.update(
            name, auto_renew, prefer_async, in_sandbox=True, account=account
        )
        self._compare(
            expected,
            lambda: self.sandboxes[account].update_registration(
                name, auto_renew=auto_renew, prefer_async=prefer_async
            ),
        )

    @rule(seconds=st.sampled_from([0.1, 0.3, 0.5, 1.0, 5.0]))
    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.model.advance(seconds)

    @rule(seconds=st.sampled_from([30.0, 61.0]))
    def wait_on_transfers(self, seconds: float) -> None:
        """Transfers take a minute: long steps, or the machine would seldom see one end."""
        self.advance_clock(seconds)

    @rule(per_page=st.integers(1, 5))
    def list_everything(self, per_page: int) -> None:
        listed = list(self.client.iter_registrations(per_page=per_page))
        names = [registration.domain_name for registration in listed]
        assert len(names) == len(set(names)), names
        assert {r.domain_name: r.auto_renew for r in listed} == self.model.listing()
        pending = {r.domain_name for r in listed if r.status == Status.TRANSFER_PENDING}
        assert pending == self.model.transferring()

    @rule(account=ACCOUNTS, per_page=st.integers(1, 5))
    def list_the_sandbox(self, account: str, per_page: int) -> None:
        listed = list(self.sandboxes[account].iter_registrations(per_page=per_page))
        shown = {r.domain_name: r.auto_renew for r in listed}
        assert len(shown) == len(listed)
        assert shown == self.model.listing(in_sandbox=True, account=account)

    @invariant()
    def never_over_the_limit(self) -> None:
        assert len(self.model.held) <= LIMIT
        assert all(len(book) <= LIMIT for book in self.model.sandbox.values())

    @invariant()
    def sandbox_names_are_held_once(self) -> None:
        owners = [name for book in self.model.sandbox.values() for name in book]
        assert len(owners) == len(set(owners))


RegistrarComparison.TestCase.settings = settings(
    max_examples=400 if conformance.deep() else 60,
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRegistrarComparison = RegistrarComparison.TestCase


def test_a_domain_at_another_registrar_cannot_be_registered() -> None:
    model = RegistrarModel(limit=LIMIT, registration_seconds=1.0, update_seconds=0.5,
                           foreign=dict(FOREIGN))  # fmt: skip
    assert model.register("move-me.com", False, False).outcome is Outcome.REFUSED
    app = create_app(comparison_world())
    with httpx.Client(transport=SyncASGITransport(app)) as http:
        client = RegistrarClient(ACCOUNT, api_token=TOKEN, base_url=BASE_URL, http_client=http)
        assert not client.check(["move-me.com"])[0].registrable
        with pytest.raises(ValidationError):
            client.create_registration("move-me.com")
