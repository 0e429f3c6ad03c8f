"""Registrations age with the clock: renewal with auto-renew, else expiry through deletion."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import httpx

from registrar_mock import MockApp, create_app
from tests.helpers import ACCOUNT, register

Connect = Callable[..., httpx.Client]


def status_of(api: httpx.Client, domain: str) -> str | None:
    response = api.get(f"/registrations/{domain}")
    return None if response.status_code == 404 else str(response.json()["result"]["status"])


def move_to(app: MockApp, text: str) -> None:
    app.control.set_time(datetime.fromisoformat(text).replace(tzinfo=UTC))


def test_auto_renew_with_billing_renews_thirty_days_before_expiry(connect: Connect) -> None:
    app = create_app("expiring")
    api = connect(app)
    move_to(app, "2026-01-11T09:00:00")  # exactly 30 days before 2026-02-10T09:00
    registration = api.get("/registrations/renew-me.com").json()["result"]
    assert registration["status"] == "active"
    assert registration["expires_at"] == "2027-02-10T09:00:00Z"
    [charge] = app.control.charges(ACCOUNT)
    assert (charge.domain_name, charge.kind, charge.years) == ("renew-me.com", "renewal", 1)
    assert str(charge.amount) == "8.57"
    assert charge.at == datetime(2026, 1, 11, 9, tzinfo=UTC)
    move_to(app, "2027-01-11T09:00:00")
    assert api.get("/registrations/renew-me.com").json()["result"]["expires_at"] == (
        "2028-02-10T09:00:00Z"
    )
    assert len(app.control.charges(ACCOUNT)) == 2


def test_without_auto_renew_it_expires_then_is_deleted(connect: Connect) -> None:
    app = create_app("expiring")
    api = connect(app)
    timeline = [
        ("2026-01-20T08:59:59", "active"),
        ("2026-01-20T09:00:00", "expired"),
        ("2026-02-19T09:00:00", "redemption_period"),
        ("2026-03-21T09:00:00", "pending_delete"),
        ("2026-03-26T08:59:59", "pending_delete"),
        ("2026-03-26T09:00:00", None),
    ]
    for instant, expected in timeline:
        move_to(app, instant)
        assert status_of(api, "let-go.com") == expected, instant
    check = api.post("/domain-check", json={"domains": ["let-go.com"]}).json()
    assert check["result"]["domains"][0]["registrable"] is True
    assert register(api, "let-go.com").status_code == 201
    assert status_of(api, "long-lived.dev") == "active"


def test_a_late_look_sees_every_phase_at_its_exact_time(connect: Connect) -> None:
    app = create_app("expiring")
    api = connect(app)
    move_to(app, "2026-03-01T00:00:00")  # jump across two boundaries at once
    registration = api.get("/registrations/let-go.com").json()["result"]
    assert registration["status"] == "redemption_period"


def test_turning_auto_renew_off_lets_it_expire(connect: Connect) -> None:
    app = create_app("expiring")
    api = connect(app)
    assert api.patch("/registrations/renew-me.com", json={"auto_renew": False}).status_code == 200
    move_to(app, "2026-02-10T09:00:00")
    assert status_of(api, "renew-me.com") == "expired"
    assert app.control.charges(ACCOUNT) == []


def test_new_registrations_age_too(connect: Connect) -> None:
    app = create_app()
    api = connect(app)
    register(api, "short.com", years=1)
    app.control.advance(366 * 86400)
    assert status_of(api, "short.com") == "expired"
