"""The Registrar Sandbox over HTTP: the same operations as production, and each of the
differences its documentation states."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import RegistrarMock
from tests.helpers import ACCOUNT, TOKEN, only_error

Connect = Callable[..., httpx.Client]
OTHER = "0" * 31 + "1"
REGISTRANT = {
    "email": "ada@example.com",
    "phone": "+44.2071234567",
    "postal_info": {
        "name": "Ada Lovelace",
        "address": {
            "street": "12 St James's Square",
            "city": "London",
            "state": "LND",
            "postal_code": "SW1Y 4LB",
            "country_code": "GB",
        },
    },
}


@pytest.fixture
def sandbox(app: MockApp, connect: Connect) -> httpx.Client:
    return sandbox_of(app, connect)


def sandbox_of(app: MockApp, connect: Connect, account: str = ACCOUNT) -> httpx.Client:
    client = connect(app, account)
    client.base_url = str(client.base_url).replace("/registrar", "/registrar-sandbox")
    return client


def buy(client: httpx.Client, domain: str, **body: object) -> httpx.Response:
    return client.post(
        "/registrations",
        json={"domain_name": domain, "contacts": {"registrant": REGISTRANT}, **body},
    )


def test_a_sandbox_registration_follows_the_same_workflow(sandbox: httpx.Client) -> None:
    created = buy(sandbox, "sandy.com")
    assert created.status_code == 201
    result = created.json()["result"]
    assert result["state"] == "succeeded"
    base = f"/accounts/{ACCOUNT}/registrar-sandbox/registrations/sandy.com"
    assert result["links"] == {"self": f"{base}/registration-status", "resource": base}
    assert sandbox.get("/registrations/sandy.com").json()["result"]["status"] == "active"
    status = sandbox.get("/registrations/sandy.com/registration-status").json()["result"]
    assert status["completed"] is True
    updated = sandbox.patch("/registrations/sandy.com", json={"auto_renew": True})
    assert updated.status_code == 200
    assert updated.json()["result"]["links"]["self"] == f"{base}/update-status"
    assert sandbox.get("/registrations/sandy.com/update-status").json()["result"]["completed"]
    listed = sandbox.get("/registrations").json()
    assert [r["domain_name"] for r in listed["result"]] == ["sandy.com"]
    prefer = buy(sandbox, "later.net", years=2)
    assert prefer.status_code == 201


def test_respond_async_works_there_too(sandbox: httpx.Client) -> None:
    response = sandbox.post(
        "/registrations",
        json={"domain_name": "quick.com", "contacts": {"registrant": REGISTRANT}},
        headers={"Prefer": "respond-async"},
    )
    assert response.status_code == 202
    assert response.headers["Preference-Applied"] == "respond-async"
    assert response.headers["Location"].endswith(
        "/registrar-sandbox/registrations/quick.com/registration-status"
    )


def test_no_express_mode_the_registrant_is_required(sandbox: httpx.Client) -> None:
    response = sandbox.post("/registrations", json={"domain_name": "sandy.com"})
    assert response.status_code == 400
    error = only_error(response)
    assert error["source"] == {"pointer": "/contacts/registrant"}
    assert "no express mode" in str(error["message"])
    assert sandbox.get("/registrations/sandy.com").status_code == 404


def test_no_billing_is_needed_and_nothing_is_charged(connect: Connect) -> None:
    app = create_app("no-billing")
    mock = RegistrarMock(app)
    sandbox = sandbox_of(app, connect, mock.account_id)
    assert buy(sandbox, "free-of-charge.com").status_code == 201
    assert mock.charges() == []
    production = connect(app, mock.account_id)
    refused = production.post("/registrations", json={"domain_name": "free-of-charge.net"})
    assert refused.status_code == 400  # production still wants a billing profile


def test_no_zone_is_created(app: MockApp, sandbox: httpx.Client, api: httpx.Client) -> None:
    buy(sandbox, "zoneless.com")
    api.post("/registrations", json={"domain_name": "zoned.com"})
    accounts = RegistrarMock(app).export_state()["registrar"]["accounts"]
    by_environment = {account["sandbox"]: account for account in accounts}
    production, test = by_environment[False], by_environment[True]
    assert [zone["name"] for zone in production["zones"]] == ["zoned.com"]
    assert test["zones"] == []


def test_only_the_sandbox_extensions_are_offered(sandbox: httpx.Client) -> None:
    listed = sandbox.get("/extensions").json()["result"]
    assert [item["metadata"]["name"] for item in listed] == ["com", "net"]
    assert sandbox.get("/extensions/org").status_code == 404
    checked = sandbox.post("/domain-check", json={"domains": ["sandy.org", "sandy.com"]})
    by_name = {item["name"]: item for item in checked.json()["result"]["domains"]}
    assert by_name["sandy.org"]["registrable"] is False
    assert by_name["sandy.com"]["registrable"] is True
    found = sandbox.get("/domain-search", params={"q": "sandy"}).json()["result"]["domains"]
    assert found and {item["name"].rsplit(".", 1)[1] for item in found} <= {"com", "net"}
    assert buy(sandbox, "sandy.org").status_code == 400
    # Without express mode, the sandbox's schema asks for the registrant.
    schema = sandbox.get("/extensions/com").json()["result"]["registration_schema"]
    assert "contacts" in schema["required"]


def test_purchases_are_unique_across_every_sandbox_account(app: MockApp, connect: Connect) -> None:
    first, second = sandbox_of(app, connect), sandbox_of(app, connect, OTHER)
    assert buy(first, "shared.com").status_code == 201
    checked = second.post("/domain-check", json={"domains": ["shared.com"]}).json()
    assert checked["result"]["domains"][0]["registrable"] is False
    refused = buy(second, "shared.com")
    assert refused.status_code == 400
    assert only_error(refused)["message"] == "Domain is not available for registration"


def test_sandbox_records_are_kept_apart_from_production(
    app: MockApp, sandbox: httpx.Client, api: httpx.Client
) -> None:
    buy(sandbox, "test-only.com")
    assert api.get("/registrations/test-only.com").status_code == 404
    assert api.get("/registrations").json()["result"] == []
    # The name is still free in production, and a production purchase stays out of the sandbox.
    production = api.post("/domain-check", json={"domains": ["test-only.com"]}).json()
    assert production["result"]["domains"][0]["registrable"] is True
    assert api.post("/registrations", json={"domain_name": "real-one.com"}).status_code == 201
    assert sandbox.get("/registrations/real-one.com").status_code == 404
    assert [r["domain_name"] for r in sandbox.get("/registrations").json()["result"]] == [
        "test-only.com"
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/domain-transfer-check"),
        ("POST", "/registrations/sandy.com/transfer-in"),
        ("GET", "/registrations/sandy.com/transfer-in-status"),
        ("GET", "/domains"),
        ("GET", "/domains/sandy.com"),
    ],
)
def test_the_sandbox_has_no_transfers_or_legacy_domains(
    sandbox: httpx.Client, method: str, path: str
) -> None:
    response = sandbox.request(method, path, json={} if method == "POST" else None)
    assert response.status_code == 400
    assert only_error(response) == {"code": 7000, "message": "No route for that URI"}


def test_the_sandbox_needs_credentials_like_production(app: MockApp, connect: Connect) -> None:
    anonymous = connect(app, headers={})
    anonymous.base_url = str(anonymous.base_url).replace("/registrar", "/registrar-sandbox")
    assert anonymous.get("/registrations").status_code == 400
    assert only_error(anonymous.get("/registrations"))["code"] == 9106
    authenticated = sandbox_of(app, connect)
    assert authenticated.headers["Authorization"] == f"Bearer {TOKEN}"


def test_the_control_api_resolves_sandbox_workflows(connect: Connect) -> None:
    app = create_app("action-required")
    mock = RegistrarMock(app)
    sandbox = sandbox_of(app, connect, mock.account_id)
    started = buy(sandbox, "confirm-me.com")
    assert started.status_code == 202
    mock.advance(5)
    state = sandbox.get("/registrations/confirm-me.com/registration-status").json()["result"]
    assert state["state"] == "action_required"
    confirmed = mock.resolve(mock.account_id, "confirm-me.com", sandbox=True)
    assert confirmed.state.value != "action_required"
    with pytest.raises(LookupError):  # production has no such workflow
        mock.resolve(mock.account_id, "confirm-me.com")


def test_journal_names_sandbox_operations(app: MockApp, sandbox: httpx.Client) -> None:
    buy(sandbox, "journal.com")
    sandbox.get("/extensions/com")
    operations = [entry.operation for entry in RegistrarMock(app).journal]
    assert operations[-2:] == [
        "registrar-sandbox-domain-registration-create",
        "registrar-sandbox-extension-get",
    ]


def test_asking_again_without_the_registrant_is_still_refused(sandbox: httpx.Client) -> None:
    assert buy(sandbox, "twice.com").status_code == 201
    again = sandbox.post("/registrations", json={"domain_name": "twice.com"})
    assert again.status_code == 400
    assert only_error(again)["source"] == {"pointer": "/contacts/registrant"}
