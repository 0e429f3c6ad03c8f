"""The deprecated /domains endpoints show the same registrations as /registrations."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx

from registrar_mock import create_app
from tests.helpers import only_error, register

# The fields the documented Domain type has, and nothing else.
DOCUMENTED = {
    "id", "available", "can_register", "created_at", "current_registrar", "expires_at",
    "locked", "registrant_contact", "registry_statuses", "supported_tld", "transfer_in",
    "updated_at",
}  # fmt: skip


def test_legacy_list_shows_the_same_registrations(api: httpx.Client) -> None:
    register(api, "beta.com")
    register(api, "alpha.dev")
    response = api.get("/domains")
    assert response.status_code == 200
    body = response.json()
    # The Domain type has no name: the list is in name order, as registrations sorted by name.
    modern = api.get("/registrations", params={"sort_by": "name"}).json()["result"]
    assert [r["domain_name"] for r in modern] == ["alpha.dev", "beta.com"]
    assert len(body["result"]) == 2
    for domain, registration in zip(body["result"], modern, strict=True):
        assert set(domain) <= DOCUMENTED
        assert domain["created_at"] == registration["created_at"]
        assert domain["expires_at"] == registration["expires_at"]
        assert domain["locked"] == registration["locked"]
        assert domain["current_registrar"] == "Cloudflare"
        assert len(domain["id"]) == 32
        assert api.get(f"/domains/{registration['domain_name']}").json()["result"] == domain
    assert body["result_info"]["count"] == 2


def test_every_legacy_answer_carries_the_deprecation(api: httpx.Client) -> None:
    register(api, "old.com")
    for response in (
        api.get("/domains"),
        api.get("/domains/old.com"),
        api.put("/domains/old.com", json={"auto_renew": True}),
    ):
        assert response.status_code == 200
        [message] = response.json()["messages"]
        assert message["code"] >= 1000
        assert "2026-09-27" in message["message"]
        assert response.headers["sunset"] == "Sun, 27 Sep 2026 00:00:00 GMT"
    assert api.get("/registrations").json()["messages"] == []


def test_legacy_put_changes_what_registrations_show(api: httpx.Client) -> None:
    register(api, "old.com")
    response = api.put(
        "/domains/old.com", json={"auto_renew": True, "locked": False, "privacy": False}
    )
    domain = response.json()["result"]
    assert domain["locked"] is False
    assert {"name", "auto_renew", "privacy"}.isdisjoint(domain)  # not in the Domain type
    registration = api.get("/registrations/old.com").json()["result"]
    assert registration["auto_renew"] is True
    assert registration["locked"] is False
    assert registration["privacy_mode"] == "off"


def test_legacy_errors(api: httpx.Client) -> None:
    register(api, "old.com")
    missing = api.get("/domains/none.com")
    assert only_error(missing)["message"] == "Domain not found"
    bad = api.put("/domains/old.com", json={"locked": "no"})
    assert bad.status_code == 400
    assert only_error(bad)["source"] == {"pointer": "/locked"}
    # Errors from a deprecated endpoint still carry the notice.
    for response in (missing, bad):
        assert "2026-09-27" in response.json()["messages"][0]["message"]
        assert "sunset" in response.headers


def test_updating_a_domain_the_account_does_not_hold_is_403(api: httpx.Client) -> None:
    for name in ("example.com", "never-registered.com"):
        refused = api.put(f"/domains/{name}", json={"locked": False})
        assert refused.status_code == 403
        assert only_error(refused) == {
            "code": 10000,
            "message": "Domain doesn't belong to the user",
        }


def test_a_domain_being_transferred_in_shows_its_transfer(
    connect: Callable[..., httpx.Client],
) -> None:
    app = create_app("transfer-succeeds")
    api = connect(app)
    code = base64.b64encode(b"Kx7-Move-Me-In").decode()
    assert (
        api.post("/registrations/move-me-in.com/transfer-in", json={"auth_code": code}).status_code
        == 202
    )
    domain = api.get("/domains/move-me-in.com").json()["result"]
    assert domain["registry_statuses"] == "pendingTransfer"
    assert "current_registrar" not in domain and "expires_at" not in domain
    assert domain["transfer_in"]["approve_transfer"] == "pending"
    assert domain["locked"] is False
