"""Search, check, the legacy domain endpoints, and tolerance of fields the client doesn't know."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from registrar_mock.client import Contact, RegistrationStatus, Tier, WorkflowState

from .conftest import Connect
from .support import rewrite_json


def test_search_results_are_typed(connect: Connect) -> None:
    h = connect()
    found = h.client.search("acme corp", extensions=["com", ".dev"], limit=3)
    assert [d.name for d in found][:2] == ["acmecorp.com", "acmecorp.dev"]
    assert len(found) == 3
    first = found[0]
    assert first.registrable is True
    assert first.tier is Tier.STANDARD
    assert first.pricing is not None
    assert first.pricing.currency == "USD"
    assert first.pricing.registration_cost == Decimal("8.57")
    assert first.pricing.cost(3) == Decimal("25.71")


def test_search_shows_premium_prices(connect: Connect) -> None:
    h = connect()
    [coffee] = [d for d in h.client.search("coffee", extensions=["xyz"]) if d.name == "coffee.xyz"]
    assert coffee.tier is Tier.PREMIUM
    assert coffee.pricing is not None and coffee.pricing.registration_cost == Decimal("2500.00")


def test_check_many(connect: Connect) -> None:
    h = connect()
    results = {d.name: d for d in h.client.check(["fresh-idea.com", "taken.dev", "fresh-idea.app"])}
    assert results["fresh-idea.com"].registrable is True
    assert results["taken.dev"].registrable is False
    assert results["fresh-idea.app"].pricing is not None
    assert results["fresh-idea.app"].pricing.renewal_cost == Decimal("11.00")


def test_registration_with_a_registrant_contact(connect: Connect) -> None:
    h = connect()
    contact = Contact(
        email="grace@example.org",
        phone="+1.5555550100",
        name="Grace Hopper",
        street="1 Navy Way",
        city="Arlington",
        state="VA",
        postal_code="22201",
        country_code="US",
        organization="Example Org",
    )
    status = h.client.register("hopper.dev", registrant=contact, privacy_mode="off")
    assert status.state is WorkflowState.SUCCEEDED
    assert h.account.registrations["hopper.dev"].registrant is not None
    domain = h.client.get_domain("hopper.dev")
    assert domain.registrant_contact is not None
    assert domain.registrant_contact.email == "grace@example.org"
    assert h.client.get_registration("hopper.dev").privacy_mode == "off"


def test_legacy_domain_endpoints(connect: Connect, caplog: pytest.LogCaptureFixture) -> None:
    h = connect()
    h.client.register("legacy-one.com")
    h.client.register("legacy-two.com")
    with caplog.at_level("INFO", logger="registrar_mock.client"):
        listed = h.client.list_domains()
    # Listed in name order; the Domain type itself carries no name.
    assert [d.id for d in listed] == [
        h.client.get_domain(n).id for n in ("legacy-one.com", "legacy-two.com")
    ]
    assert any("deprecated" in r.getMessage() for r in caplog.records)
    one = h.client.get_domain("legacy-one.com")
    assert one.id is not None and len(one.id) == 32
    assert one.current_registrar == "Cloudflare"
    assert one.registry_statuses == ("clientTransferProhibited",)
    changed = h.client.update_domain("legacy-one.com", locked=False, auto_renew=True)
    assert changed.locked is False
    assert changed.registry_statuses == ("ok",)
    registration = h.client.get_registration("legacy-one.com")
    assert registration.locked is False and registration.auto_renew is True


def _add_unknowns(body: dict[str, Any]) -> None:
    body["trace_id"] = "abc"
    result = body.get("result")
    if isinstance(result, dict):
        result["future_field"] = {"nested": True}
        if isinstance(result.get("links"), dict):
            result["links"]["cancel"] = "/somewhere"
        for item in result.get("domains", []):
            item["aftermarket"] = False
            item["tier"] = "platinum" if item["name"] == "shiny.com" else item.get("tier")
    if isinstance(result, list):
        for item in result:
            item["registry_hint"] = "edge"
            item["status"] = "on_hold"
    if isinstance(body.get("result_info"), dict):
        body["result_info"]["total_count"] = 99


def test_unknown_fields_and_values_are_kept_not_refused(connect: Connect) -> None:
    h = connect(after=rewrite_json(_add_unknowns))
    status = h.client.register("shiny.com")
    assert status.extra == {"future_field": {"nested": True}}
    assert status.links.extra == {"cancel": "/somewhere"}

    [checked] = h.client.check(["shiny.com"])  # registered now, so unavailable
    assert checked.extra == {"aftermarket": False}
    [suggested] = [d for d in h.client.search("shiny", extensions=["com"]) if d.name == "shiny.com"]
    assert suggested.tier == "platinum"  # an enum value the client never heard of
    assert isinstance(suggested.tier, Tier)

    page = h.client.list_registrations()
    assert page.extra == {"total_count": 99}
    [registration] = page.items
    assert registration.extra == {"registry_hint": "edge"}
    assert registration.status == "on_hold"
    assert registration.status is not RegistrationStatus.ACTIVE
