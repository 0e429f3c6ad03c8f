"""How registrations age (model/lifecycle.py) and what that charges (model/billing.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from registrar_mock.model import RegistrationStatus
from registrar_mock.model.lifecycle import Event, age, next_event
from registrar_mock.model.records import Registration
from registrar_mock.model.world import Lifecycle, SeedRegistration

from .conftest import Model, spec

DAY = timedelta(days=1)
EXPIRES = datetime(2026, 3, 1, tzinfo=UTC)


def registration(**fields: object) -> Registration:
    values: dict[str, object] = {
        "domain_name": "aging.com",
        "account_id": "a",
        "status": RegistrationStatus.ACTIVE,
        "created_at": EXPIRES - 365 * DAY,
        "expires_at": EXPIRES,
        "years": 1,
    }
    values.update(fields)
    return Registration(**values)  # type: ignore[arg-type]


def test_without_renewal_a_name_walks_every_phase_to_free() -> None:
    phases = Lifecycle()
    reg = registration()
    events = list(age(phases, reg, renews=False, now=EXPIRES + 100 * DAY))
    assert [event for event, _ in events] == [
        Event.EXPIRED,
        Event.REDEMPTION,
        Event.PENDING_DELETE,
        Event.DELETED,
    ]
    # Each transition happens at its exact boundary, however late it is noticed.
    assert [at for _, at in events] == [EXPIRES, EXPIRES + 30 * DAY, EXPIRES + 60 * DAY,
                                        EXPIRES + 65 * DAY]  # fmt: skip


def test_auto_renewal_is_due_before_expiry_and_moves_it_a_year() -> None:
    phases = Lifecycle()
    reg = registration(auto_renew=True)
    assert next_event(phases, reg, renews=True) == EXPIRES - 30 * DAY
    events = list(age(phases, reg, renews=True, now=EXPIRES))
    assert events == [(Event.RENEWED, EXPIRES - 30 * DAY)]
    assert reg.expires_at == datetime(2027, 3, 1, tzinfo=UTC)
    assert reg.status is RegistrationStatus.ACTIVE


def test_nothing_happens_before_it_is_due() -> None:
    reg = registration()
    assert list(age(Lifecycle(), reg, renews=False, now=EXPIRES - timedelta(seconds=1))) == []
    assert reg.status is RegistrationStatus.ACTIVE


def test_a_registration_without_expiry_never_ages() -> None:
    reg = registration(status=RegistrationStatus.REGISTRATION_PENDING, expires_at=None)
    assert next_event(Lifecycle(), reg, renews=True) is None


def test_renewals_are_charged_only_with_billing(model: Callable[..., Model]) -> None:
    seed = SeedRegistration("kept.com", expires_at=EXPIRES, auto_renew=True)
    billed = model(accounts=(spec(registrations=(seed,)),))
    billed.clock.advance((EXPIRES - billed.clock.now()).total_seconds())
    billed.registrar.get_registration(billed.account, "kept.com")
    charges = billed.registrar.charges(billed.account.id)
    assert [(c.kind, c.amount, c.at) for c in charges] == [
        ("renewal", Decimal("8.57"), EXPIRES - 30 * DAY)
    ]

    unbilled = model(accounts=(spec(registrations=(seed,), has_billing=False),))
    unbilled.clock.advance((EXPIRES - unbilled.clock.now()).total_seconds())
    expired = unbilled.registrar.get_registration(unbilled.account, "kept.com")
    assert expired.status is RegistrationStatus.EXPIRED
    assert unbilled.registrar.charges(unbilled.account.id) == []
