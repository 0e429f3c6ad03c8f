"""Each bundled scenario, end to end over HTTP."""

from __future__ import annotations

from collections.abc import Callable

import httpx

from registrar_mock import create_app
from tests.helpers import ACCOUNT, only_error, register, token

Connect = Callable[..., httpx.Client]
ASYNC = {"Prefer": "respond-async"}


def states(api: httpx.Client, domain: str) -> str:
    return str(api.get(f"/registrations/{domain}/registration-status").json()["result"]["state"])


def test_slow_registry_is_blocked_for_two_days_then_succeeds(connect: Connect) -> None:
    app = create_app("slow-registry")
    api = connect(app)
    response = register(api, "patience.com")
    assert response.status_code == 202  # two days don't fit in the sync window
    seen = [states(api, "patience.com")]
    for seconds in (30, 120, 86400, 86400):
        if seen[-1] == "blocked":
            status = api.get("/registrations/patience.com/registration-status").json()["result"]
            assert status["context"]["blocked_by"] == "registry"
        app.control.advance(seconds)
        seen.append(states(api, "patience.com"))
    assert seen == ["pending", "in_progress", "blocked", "blocked", "succeeded"]
    assert api.get("/registrations/patience.com").json()["result"]["status"] == "active"


def test_action_required_waits_for_the_user(connect: Connect) -> None:
    app = create_app("action-required")
    api = connect(app)
    api.post("/registrations", json={"domain_name": "confirm.dev"}, headers=ASYNC)
    app.control.advance(3600 * 24 * 7)
    status = api.get("/registrations/confirm.dev/registration-status").json()["result"]
    assert status["state"] == "action_required"
    assert status["context"]["action"] == "registrant_email_confirmation_pending"
    assert status["context"]["confirmation_sent_to"] == "a***@example.com"
    app.control.resolve(ACCOUNT, "confirm.dev", confirm=True)
    assert states(api, "confirm.dev") == "in_progress"
    app.control.advance(5)
    assert states(api, "confirm.dev") == "succeeded"


def test_action_required_rejected_fails(connect: Connect) -> None:
    app = create_app("action-required")
    api = connect(app)
    api.post("/registrations", json={"domain_name": "nope.dev"}, headers=ASYNC)
    app.control.advance(10)
    app.control.resolve(ACCOUNT, "nope.dev", confirm=False)
    status = api.get("/registrations/nope.dev/registration-status").json()["result"]
    assert (status["state"], status["completed"]) == ("failed", True)
    assert status["error"]["code"] == "action_rejected"
    assert api.get("/registrations/nope.dev").status_code == 404


def test_registry_rejects(connect: Connect) -> None:
    app = create_app("registry-rejects")
    api = connect(app)
    response = register(api, "refused.com")
    assert response.status_code == 201  # it fails within the sync window: completed
    workflow = response.json()["result"]
    assert workflow["state"] == "failed"
    assert workflow["error"] == {
        "code": "registry_rejected",
        "message": "Registry rejected the registration request.",
    }
    assert app.control.charges(ACCOUNT) == []
    assert register(api, "ok-fine.com").json()["result"]["state"] == "succeeded"
    update = api.patch("/registrations/ok-fine.com", json={"auto_renew": True}).json()["result"]
    assert update["state"] == "failed"


def test_near_limit_allows_exactly_one_more(connect: Connect) -> None:
    api = connect(create_app("near-limit"))
    first_page = api.get("/registrations", params={"per_page": "50"}).json()
    assert first_page["result_info"]["count"] == 50
    assert register(api, "the-hundredth.com").status_code == 201
    refused = register(api, "one-too-many.com")
    assert refused.status_code == 400
    assert "Domain limit reached" in str(only_error(refused)["message"])
    other = connect(create_app("near-limit"), account="5e1f" + "0" * 28)
    assert register(other, "free-account.com").status_code == 201


def test_no_billing(connect: Connect) -> None:
    api = connect(create_app("no-billing"))
    refused = register(api, "unpaid.com")
    assert refused.status_code == 400
    assert "billing profile" in str(only_error(refused)["message"])
    check = api.post("/domain-check", json={"domains": ["unpaid.com"]}).json()
    assert check["result"]["domains"][0]["registrable"] is True


def test_no_default_contact(connect: Connect) -> None:
    api = connect(create_app("no-default-contact"))
    assert "default address book" in str(only_error(register(api, "express.com"))["message"])
    contact = {
        "email": "ada@example.com",
        "phone": "+44.2071234567",
        "postal_info": {
            "name": "Ada Lovelace",
            "address": {
                "street": "1 Example Street",
                "city": "London",
                "state": "London",
                "postal_code": "SW1A 1AA",
                "country_code": "GB",
            },
        },
    }
    assert register(api, "express.com", contacts={"registrant": contact}).status_code == 201


def test_premium_and_unsupported(connect: Connect) -> None:
    api = connect(create_app("premium-and-unsupported"))
    check = api.post(
        "/domain-check",
        json={"domains": ["vip.com", "brand.io", "brand.co.uk", "brand.py", "brand.horse",
                          "acme.com", "brand.ai"]},
    ).json()["result"]["domains"]  # fmt: skip
    reasons = {d["name"]: d.get("reason") for d in check}
    assert reasons == {
        "vip.com": "domain_premium",
        "brand.io": "extension_not_supported_via_api",
        "brand.co.uk": "extension_not_supported_via_api",
        "brand.py": "extension_disallows_registration",
        "brand.horse": "extension_not_supported",
        "acme.com": "domain_unavailable",
        "brand.ai": None,
    }
    search = api.get("/domain-search", params={"q": "vip.com", "limit": "1"}).json()
    assert search["result"]["domains"][0]["tier"] == "premium"
    assert search["result"]["domains"][0]["pricing"]["registration_cost"] == "25000.00"
    assert "Premium" in str(only_error(register(api, "vip.com"))["message"])
    assert register(api, "brand.io").status_code == 400
    ai = register(api, "brand.ai").json()["result"]["context"]["registration"]
    assert int(ai["expires_at"][:4]) - int(ai["created_at"][:4]) == 2


def test_stale_search(connect: Connect) -> None:
    api = connect(create_app("stale-search"))
    search = api.get("/domain-search", params={"q": "brand new idea", "limit": "3"}).json()
    offered = {d["name"]: d["registrable"] for d in search["result"]["domains"]}
    assert offered["brandnewidea.com"] is True
    check = api.post("/domain-check", json={"domains": ["brandnewidea.com"]}).json()
    assert check["result"]["domains"][0]["reason"] == "domain_unavailable"
    assert register(api, "brandnewidea.com").status_code == 400


def test_two_accounts_are_scoped(connect: Connect) -> None:
    app = create_app("two-accounts")
    acme = connect(
        app,
        account="ac3e0000000000000000000000000001",
        headers={"Authorization": "Bearer acme_demo_token_000000000000000000000000"},
    )
    assert [r["domain_name"] for r in acme.get("/registrations").json()["result"]] == [
        "acme-corp.com"
    ]
    trespass = connect(
        app,
        account="610be000000000000000000000000002",
        headers={"Authorization": "Bearer acme_demo_token_000000000000000000000000"},
    )
    assert trespass.get("/registrations").status_code == 403
    stranger = connect(app, account="ac3e0000000000000000000000000001",
                       headers={"Authorization": "Bearer " + token("nobody")})  # fmt: skip
    assert only_error(stranger.get("/registrations"))["code"] == 9109
