"""Differential testing: random sequences through the client against the mock, checked
against the plain model of the documented rules (``contract_tests.model``)."""

from __future__ import annotations

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from registrar_mock import create_app
from registrar_mock.client import (
    ConflictError,
    NotFoundError,
    RegistrarClient,
    RegistrarError,
    ValidationError,
    WorkflowStatus,
)
from registrar_mock.clock import VirtualClock
from registrar_mock.contract_tests import conformance
from registrar_mock.contract_tests.model import Expected, Outcome, RegistrarModel
from registrar_mock.model.world import World, default_registry
from registrar_mock.testing import SyncASGITransport

from .support import ACCOUNT, BASE_URL, TOKEN

LIMIT = 4
NAMES = st.sampled_from(
    ["alpha.com", "bravo.dev", "charlie.app", "delta.xyz", "echo.net", "fox.org"]
)
ERRORS: dict[Outcome, type[RegistrarError]] = {
    Outcome.LIMIT: ValidationError,
    Outcome.NOT_FOUND: NotFoundError,
    Outcome.CONFLICT: ConflictError,
}


class RegistrarComparison(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        world = World(registry=default_registry(), domain_limit=LIMIT)
        self.app = create_app(world)
        assert isinstance(self.app.clock, VirtualClock)
        self.clock = self.app.clock
        self.http = httpx.Client(transport=SyncASGITransport(self.app))
        self.client = RegistrarClient(
            ACCOUNT, api_token=TOKEN, base_url=BASE_URL, http_client=self.http
        )
        # Durations come from the world's scripts: the docs leave them to the registry.
        self.model = RegistrarModel(limit=LIMIT, registration_seconds=1.0, update_seconds=0.5)

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

    @rule(seconds=st.sampled_from([0.1, 0.3, 0.5, 1.0, 5.0]))
    def advance_clock(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.model.advance(seconds)

    @rule(per_page=st.integers(1, 5))
    def list_everything(self, per_page: int) -> None:
        listed = list(self.client.iter_registrations(per_page=per_page))
        names = [registration.domain_name for registration in listed]
        assert len(names) == len(set(names)), names
        assert {r.domain_name: r.auto_renew for r in listed} == self.model.listing()

    @invariant()
    def never_over_the_limit(self) -> None:
        assert len(self.model.held) <= LIMIT


RegistrarComparison.TestCase.settings = settings(
    max_examples=400 if conformance.deep() else 60,
    stateful_step_count=25,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRegistrarComparison = RegistrarComparison.TestCase
