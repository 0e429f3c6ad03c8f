"""Accounts are isolated: nothing of one is visible or changeable through another."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from registrar_mock import MockApp
from tests.helpers import only_error, register

ALICE, BOB = "a11ce" + "0" * 27, "b0b" + "0" * 29


def test_accounts_do_not_see_each_other(app: MockApp, connect: Callable[..., httpx.Client]) -> None:
    alice = connect(app, account=ALICE)
    bob = connect(app, account=BOB)
    assert register(alice, "alice-shop.com").status_code == 201

    assert [r["domain_name"] for r in alice.get("/registrations").json()["result"]] == [
        "alice-shop.com"
    ]
    assert bob.get("/registrations").json()["result"] == []
    assert bob.get("/domains").json()["result"] == []
    for response in (
        bob.get("/registrations/alice-shop.com"),
        bob.patch("/registrations/alice-shop.com", json={"auto_renew": True}),
        bob.get("/registrations/alice-shop.com/registration-status"),
        bob.get("/registrations/alice-shop.com/update-status"),
        bob.get("/domains/alice-shop.com"),
    ):
        assert response.status_code == 404
        assert only_error(response)["message"] == "Domain not found"
    # The legacy update refuses a domain the account doesn't hold with 403, as Cloudflare does.
    legacy = bob.put("/domains/alice-shop.com", json={"locked": False})
    assert legacy.status_code == 403
    assert only_error(legacy)["message"] == "Domain doesn't belong to the user"
    # Bob's attempts changed nothing of Alice's.
    registration = alice.get("/registrations/alice-shop.com").json()["result"]
    assert registration["auto_renew"] is False
    assert registration["locked"] is True


def test_a_domain_held_by_one_account_is_unavailable_to_another(
    app: MockApp, connect: Callable[..., httpx.Client]
) -> None:
    alice = connect(app, account=ALICE)
    bob = connect(app, account=BOB)
    assert register(alice, "contested.dev").status_code == 201

    response = register(bob, "contested.dev")
    assert response.status_code == 400
    assert only_error(response)["message"] == "Domain is not available for registration"
    check = bob.post("/domain-check", json={"domains": ["contested.dev"]}).json()
    assert check["result"]["domains"] == [
        {"name": "contested.dev", "registrable": False, "reason": "domain_unavailable"}
    ]
