"""The deprecated /domains endpoints show the same registrations as /registrations."""

from __future__ import annotations

import httpx

from tests.helpers import only_error, register


def test_legacy_list_shows_the_same_registrations(api: httpx.Client) -> None:
    register(api, "beta.com")
    register(api, "alpha.dev")
    response = api.get("/domains")
    assert response.status_code == 200
    body = response.json()
    legacy = {d["name"]: d for d in body["result"]}
    modern = {r["domain_name"]: r for r in api.get("/registrations").json()["result"]}
    assert legacy.keys() == modern.keys() == {"beta.com", "alpha.dev"}
    for name, domain in legacy.items():
        assert domain["created_at"] == modern[name]["created_at"]
        assert domain["expires_at"] == modern[name]["expires_at"]
        assert domain["locked"] == modern[name]["locked"]
        assert domain["current_registrar"] == "Cloudflare"
        assert len(domain["id"]) == 32
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
    assert (domain["auto_renew"], domain["locked"], domain["privacy"]) == (True, False, False)
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
