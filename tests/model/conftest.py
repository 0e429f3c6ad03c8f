"""Tests of the model itself: a Registrar on a virtual clock, with no HTTP in between."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from registrar_mock.clock import VirtualClock
from registrar_mock.model import Account, Credential, Registrar, RegistrationRequest, World
from registrar_mock.model.workflows import Workflow
from registrar_mock.model.world import AccountSpec, default_registry

START = datetime(2026, 1, 1, tzinfo=UTC)
ACCOUNT = "0123456789abcdef0123456789abcdef"
TOKEN = "model-test-token"


class Model:
    """One registrar and its clock, and the account most tests act as."""

    def __init__(self, world: World) -> None:
        self.clock = VirtualClock(START)
        self.registrar = Registrar(world, self.clock)
        self.account: Account = self.registrar.authorize(Credential(token=TOKEN), ACCOUNT)

    def create(self, name: str, **fields: Any) -> Workflow:
        workflow, _ = self.registrar.create_registration(
            self.account, RegistrationRequest(name, **fields)
        )
        return workflow


@pytest.fixture
def model() -> Callable[..., Model]:
    """A model of a world: ``model()`` for the defaults, or ``model(domain_limit=2, ...)``."""

    def build(**world: Any) -> Model:
        world.setdefault("registry", default_registry())
        return Model(World(**world))

    return build


def spec(**fields: Any) -> AccountSpec:
    """The test account, declared (with the token ``Model`` calls with) and ``fields``."""
    return AccountSpec(id=ACCOUNT, tokens=(TOKEN,), **fields)
