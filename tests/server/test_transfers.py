"""Transfers in over HTTP: domain-transfer-check, each prerequisite of transfer-in with its
own error, the workflow's states, and what success does to the domain and the bill."""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import RegistrarMock, SyncASGITransport
from tests.helpers import ACCOUNT, only_error

CODE = base64.b64encode(b"Prereq-Code-7").decode()  # every prerequisite domain's auth code
NO_BILLING = "b1000000000000000000000000000000"
Connect = Callable[..., httpx.Client]


@pytest.fixture
def app() -> MockApp:
    return create_app("transfer-prerequisites")


def transfer(api: httpx.Client, domain: str, **body: object) -> httpx.Response:
    return api.post(f"/registrations/{domain}/transfer-in", json=body)


def check(api: httpx.Client, *items: dict[str, str]) -> dict[str, dict[str, object]]:
    response = api.post("/domain-transfer-check", json={"domains": list(items)})
    assert response.status_code == 200, response.text
    domains: dict[str, dict[str, object]] = response.json()["result"]["domains"]
    return domains


def codes(answer: dict[str, object]) -> list[str]:
    return [item["code"] for item in answer.get("reasons", [])]  # type: ignore[attr-defined]


# --- domain-transfer-check --------------------------------------------------------------------


def test_a_transferable_domain_has_pricing_and_no_reasons(api: httpx.Client) -> None:
    answer = check(api, {"domain_name": "ready.com", "auth_code": CODE})["ready.com"]
    assert answer == {
        "name": "ready.com",
        "transferable": True,
        "pricing": {"currency": "USD", "renewal_cost": "8.57", "transfer_cost": "8.57"},
    }


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("locked.com", "domain_locked"),
        ("registry-hold.com", "registry_status"),
        ("dnssec-on.com", "dnssec_enabled"),
        ("no-zone.com", "zone_not_found"),
        ("zone-pending.com", "zone_status_invalid"),
        ("zone-partial.com", "invalid_zone_plan"),
        ("just-registered.com", "domain_outside_transfer_window"),
        ("just-moved.com", "domain_outside_transfer_window"),
        ("max-term.com", "domain_max_term"),
        ("vip-transfer.com", "domain_premium"),
        ("on-cloudflare.com", "domain_on_cloudflare"),
        ("not-registered.com", "domain_not_exists"),
        ("dashboard-only.io", "extension_not_supported_via_api"),
        ("example.horse", "extension_not_supported"),
    ],
)
def test_each_prerequisite_has_its_reason(api: httpx.Client, domain: str, reason: str) -> None:
    answer = check(api, {"domain_name": domain, "auth_code": CODE})[domain]
    assert answer["transferable"] is False
    assert codes(answer) == [reason]
    assert "pricing" not in answer


def test_auth_codes_are_checked_for_format_and_value(api: httpx.Client) -> None:
    wrong = base64.b64encode(b"not-it").decode()
    found = check(
        api,
        {"domain_name": "wrong-code.com", "auth_code": wrong},
        {"domain_name": "ready.com", "auth_code": "not base64!"},
        {"domain_name": "ready.com."},  # keyed as sent; no code checks nothing
    )
    assert codes(found["wrong-code.com"]) == ["invalid_auth_code"]
    assert codes(found["ready.com"]) == ["invalid_auth_code_format"]
    assert found["ready.com."]["transferable"] is True


def test_the_uk_family_ignores_auth_codes_and_transfers_free(api: httpx.Client) -> None:
    answer = check(api, {"domain_name": "moving.co.uk", "auth_code": "anything at all"})
    assert answer["moving.co.uk"]["transferable"] is True
    assert answer["moving.co.uk"]["pricing"]["transfer_cost"] == "0.00"  # type: ignore[index]


def test_a_malformed_name_is_answered_under_the_name_sent(api: httpx.Client) -> None:
    answer = check(api, {"domain_name": "not a domain"})
    assert answer == {
        "not a domain": {
            "name": "not a domain",
            "transferable": False,
            "reasons": [{"code": "domain_unsupported"}],
        }
    }


@pytest.mark.parametrize(
    ("body", "message", "pointer"),
    [
        ({}, "domains array must contain at least one domain", "/domains"),
        ({"domains": []}, "domains array must contain at least one domain", "/domains"),
        (
            {"domains": [{"domain_name": f"d{i}.com"} for i in range(11)]},
            "domains array exceeds maximum of 10 domains",
            "/domains",
        ),
        (
            {"domains": ["ready.com"]},
            "Each entry must be an object with domain_name and, optionally, auth_code",
            "/domains/0",
        ),
        ({"domains": [{"auth_code": CODE}]}, "domain_name is required", "/domains/0/domain_name"),
        ({"domains": [{"domain_name": "a.com", "code": "x"}]}, None, "/domains/0/code"),
    ],
)
def test_bad_check_bodies_are_400_with_a_pointer(
    api: httpx.Client, body: dict[str, object], message: str | None, pointer: str
) -> None:
    response = api.post("/domain-transfer-check", json=body)
    assert response.status_code == 400
    error = only_error(response)
    assert error["code"] == 10000
    if message is not None:
        assert error["message"] == message
    assert error["source"] == {"pointer": pointer}


def test_the_check_reserves_and_changes_nothing(api: httpx.Client, app: MockApp) -> None:
    before = RegistrarMock(app).export_state()["registrar"]
    check(api, {"domain_name": "ready.com", "auth_code": CODE})
    assert RegistrarMock(app).export_state()["registrar"] == before


# --- transfer-in: each prerequisite is refused with its own error -----------------------------


@pytest.mark.parametrize(
    ("domain", "words"),
    [
        ("locked.com", "is locked at its current registrar: unlock it there"),
        ("registry-hold.com", "A status at the registry prevents transferring"),
        ("dnssec-on.com", "Disable DNSSEC on the zone for"),
        ("no-zone.com", "No zone for no-zone.com in this account"),
        ("zone-pending.com", "must be active before the domain can be transferred"),
        ("zone-partial.com", "must use a full setup (Cloudflare's nameservers)"),
        ("just-registered.com", "cannot be transferred within 60 days of its registration"),
        ("max-term.com", "past the registry's maximum of 10 years"),
        ("vip-transfer.com", "Premium domain transfers are not supported by this API"),
        ("on-cloudflare.com", "on-cloudflare.com is already registered with Cloudflare"),
        ("not-registered.com", "is not registered, so there is nothing to transfer"),
        ("dashboard-only.io", "not supported through the API; use the dashboard"),
    ],
)
def test_each_prerequisite_refuses_the_transfer(api: httpx.Client, domain: str, words: str) -> None:
    response = transfer(api, domain, auth_code=CODE)
    assert response.status_code == 400, response.text
    error = only_error(response)
    assert error["code"] == 10000
    assert words in str(error["message"])
    # Nothing was started: the domain is not held, and has no workflow.
    if domain != "on-cloudflare.com":
        assert api.get(f"/registrations/{domain}").status_code == 404
        assert api.get(f"/registrations/{domain}/transfer-in-status").status_code == 404


def test_an_auth_code_is_required_except_in_the_uk_family(api: httpx.Client) -> None:
    response = transfer(api, "ready.com")
    assert response.status_code == 400
    error = only_error(response)
    assert error["message"] == "auth_code is required to transfer a .com domain"
    assert error["source"] == {"pointer": "/auth_code"}
    assert transfer(api, "moving.co.uk").status_code == 202


@pytest.mark.parametrize("code", ["not base64!", "YWJj\n", "YW=j", "YWJ"])
def test_an_auth_code_must_be_base64(api: httpx.Client, code: str) -> None:
    response = transfer(api, "ready.com", auth_code=code)
    assert response.status_code == 400
    error = only_error(response)
    assert error["message"] == "auth_code must be base64-encoded (RFC 4648 section 4)"
    assert error["source"] == {"pointer": "/auth_code"}


def test_billing_is_required_when_the_transfer_costs_anything(
    connect: Connect, app: MockApp
) -> None:
    unbilled = connect(app, NO_BILLING)
    response = transfer(unbilled, "unpaid.com", auth_code=CODE)
    assert response.status_code == 400
    assert "billing" in str(only_error(response)["message"]).lower()
    assert transfer(unbilled, "free.co.uk").status_code == 202


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        ({"auth_code": 5}, "/auth_code"),
        ({"auth_code": CODE, "auto_renew": "yes"}, "/auto_renew"),
        ({"auth_code": CODE, "privacy_mode": "on"}, "/privacy_mode"),
        ({"auth_code": CODE, "years": 2}, "/years"),
        ({"auth_code": CODE, "contacts": {"registrant": {"email": "x"}}},
         "/contacts/registrant/email"),
        ({"auth_code": CODE, "contact_extensions": []}, "/contact_extensions"),
    ],
)  # fmt: skip
def test_bad_transfer_bodies_are_400_with_a_pointer(
    api: httpx.Client, body: dict[str, object], pointer: str
) -> None:
    response = transfer(api, "ready.com", **body)
    assert response.status_code == 400, response.text
    assert only_error(response)["source"] == {"pointer": pointer}
    assert api.get("/registrations/ready.com").status_code == 404


# --- the transfer's workflow ------------------------------------------------------------------


def test_a_transfer_starts_with_202_and_its_status_resource(api: httpx.Client) -> None:
    response = transfer(api, "ready.com", auth_code=CODE, auto_renew=True)
    assert response.status_code == 202
    status = f"/accounts/{ACCOUNT}/registrar/registrations/ready.com/transfer-in-status"
    assert response.headers["Location"] == status
    assert "Preference-Applied" not in response.headers
    result = response.json()["result"]
    assert (result["state"], result["completed"]) == ("pending", False)
    assert result["links"] == {
        "self": status,
        "resource": f"/accounts/{ACCOUNT}/registrar/registrations/ready.com",
    }
    # While it runs the domain is held, transfer_pending, with no expiry yet.
    registration = api.get("/registrations/ready.com").json()["result"]
    assert registration["status"] == "transfer_pending"
    assert registration["expires_at"] is None
    assert registration["auto_renew"] is True


def test_respond_async_is_acknowledged(api: httpx.Client) -> None:
    response = api.post(
        "/registrations/ready.com/transfer-in",
        json={"auth_code": CODE},
        headers={"Prefer": "respond-async"},
    )
    assert response.status_code == 202
    assert response.headers["Preference-Applied"] == "respond-async"


def test_the_domain_name_is_the_idempotency_key(api: httpx.Client, app: MockApp) -> None:
    first = transfer(api, "ready.com", auth_code=CODE).json()["result"]
    RegistrarMock(app).advance(30)
    again = transfer(api, "ready.com", auth_code=CODE)
    assert again.status_code == 202
    assert again.json()["result"]["created_at"] == first["created_at"]
    assert (
        len(RegistrarMock(app).export_state()["registrar"]["accounts"][0]["transfer_workflows"])
        == 1
    )


def test_a_transfer_waits_on_the_losing_registrar_then_succeeds(
    api: httpx.Client, app: MockApp
) -> None:
    mock = RegistrarMock(app)
    transfer(api, "ready.com", auth_code=CODE)
    mock.advance("2m")
    status = api.get("/registrations/ready.com/transfer-in-status").json()["result"]
    assert status["state"] == "blocked"
    assert status["context"]["blocked_by"] == "losing_registrar"
    # Nothing is changed or charged while it waits, and the domain can't be changed.
    assert mock.charges() == []
    assert api.patch("/registrations/ready.com", json={"auto_renew": True}).status_code == 409
    mock.advance("5d")
    status = api.get("/registrations/ready.com/transfer-in-status").json()["result"]
    assert (status["state"], status["completed"]) == ("succeeded", True)
    registration = api.get("/registrations/ready.com").json()["result"]
    assert registration["status"] == "active"
    # Its expiry elsewhere was 180 days after the start; the transfer added a year.
    assert registration["expires_at"] == "2027-06-30T00:00:00Z"
    [charge] = mock.charges()
    assert (charge.kind, charge.domain_name, str(charge.amount), charge.years) == (
        "transfer", "ready.com", "8.57", 1,
    )  # fmt: skip
    assert status["context"]["registration"] == registration


def test_the_losing_registrar_can_approve_early_or_reject(api: httpx.Client, app: MockApp) -> None:
    mock = RegistrarMock(app)
    transfer(api, "ready.com", auth_code=CODE)
    transfer(api, "moving.co.uk")
    mock.advance("2m")
    assert mock.approve_transfer("ready.com").state.value == "succeeded"
    rejected = mock.reject_transfer("moving.co.uk")
    assert rejected.state.value == "failed"
    status = api.get("/registrations/moving.co.uk/transfer-in-status").json()["result"]
    assert status["error"] == {
        "code": "transfer_rejected",
        "message": "The losing registrar rejected the transfer.",
    }
    # A failed transfer leaves nothing held, and charges nothing.
    assert api.get("/registrations/moving.co.uk").status_code == 404
    assert [c.domain_name for c in mock.charges()] == ["ready.com"]


def test_a_wrong_auth_code_starts_the_transfer_which_then_fails(
    api: httpx.Client, app: MockApp
) -> None:
    response = transfer(api, "wrong-code.com", auth_code=base64.b64encode(b"guess").decode())
    assert response.status_code == 202
    RegistrarMock(app).advance("2m")
    status = api.get("/registrations/wrong-code.com/transfer-in-status").json()["result"]
    assert (status["state"], status["completed"]) == ("failed", True)
    assert status["error"]["code"] == "invalid_auth_code"
    assert RegistrarMock(app).charges() == []


def test_status_of_a_domain_never_transferred(api: httpx.Client) -> None:
    missing = api.get("/registrations/ready.com/transfer-in-status")
    assert missing.status_code == 404
    assert only_error(missing)["message"] == "Domain not found"
    held = api.get("/registrations/on-cloudflare.com/transfer-in-status")
    assert held.status_code == 404
    assert only_error(held)["message"] == "No workflow found for on-cloudflare.com"


def test_control_answers_need_a_transfer_waiting_for_them(api: httpx.Client, app: MockApp) -> None:
    mock = RegistrarMock(app)
    transfer(api, "ready.com", auth_code=CODE)  # still pending: nobody has been asked yet
    control = httpx.Client(transport=SyncASGITransport(app), base_url="http://mock")
    for answer in ("approve", "reject", "accept", "decline"):
        path = f"/__mock__/accounts/{ACCOUNT}/transfers/ready.com/{answer}"
        response = control.post(path, json={})
        assert response.status_code == 409, (answer, response.text)
    assert api.get("/registrations/ready.com/transfer-in-status").json()["result"]["state"] == (
        "pending"
    )
    mock.advance("2m")  # now it waits for the losing registrar
    assert (
        control.post(
            f"/__mock__/accounts/{ACCOUNT}/transfers/ready.com/accept", json={}
        ).status_code
        == 409
    )
    approved = control.post(f"/__mock__/accounts/{ACCOUNT}/transfers/ready.com/approve", json={})
    assert approved.status_code == 200
    assert approved.json()["result"]["state"] == "succeeded"


def test_journal_and_export_cover_transfers(api: httpx.Client, app: MockApp) -> None:
    mock = RegistrarMock(app)
    transfer(api, "ready.com", auth_code=CODE)
    operations = [entry.operation for entry in mock.journal]
    assert operations[-1] == "registrar-domain-transfer-in"
    exported = mock.export_state()
    fresh = RegistrarMock(create_app("transfer-prerequisites"))
    fresh.import_state(exported)
    mock.advance("6d")
    fresh.advance("6d")
    assert [c.domain_name for c in fresh.charges()] == ["ready.com"]


def test_a_domain_at_another_registrar_is_not_registrable(api: httpx.Client) -> None:
    checked = api.post("/domain-check", json={"domains": ["ready.com"]}).json()
    assert checked["result"]["domains"] == [
        {"name": "ready.com", "registrable": False, "reason": "domain_unavailable"}
    ]
    refused = api.post("/registrations", json={"domain_name": "ready.com"})
    assert refused.status_code == 400
    assert only_error(refused)["message"] == "Domain is not available for registration"


def test_asking_again_with_a_malformed_code_is_still_refused(api: httpx.Client) -> None:
    assert transfer(api, "ready.com", auth_code=CODE).status_code == 202
    again = transfer(api, "ready.com", auth_code="not base64!")
    assert again.status_code == 400
    assert only_error(again)["source"] == {"pointer": "/auth_code"}


def test_a_preference_with_parameters_is_still_respond_async(api: httpx.Client) -> None:
    response = api.post(
        "/registrations",
        json={"domain_name": "prefer-params.com"},
        headers={"Prefer": "wait=5, respond-async; foo=1"},
    )
    assert response.status_code == 202
    assert response.headers["Preference-Applied"] == "respond-async"
