"""POST /registrations: express mode, prerequisites, defaults, idempotency, 201 vs 202."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.model.catalogue import Catalogue, Channel, Extension, default_catalogue
from registrar_mock.model.records import WorkflowState
from registrar_mock.model.workflows import Script, ScriptBook, ScriptRule, Step
from registrar_mock.model.world import AccountSpec, SeedRegistration, World, default_registry
from tests.helpers import ACCOUNT, TOKEN, only_error, register

Connect = Callable[..., httpx.Client]

CONTACT = {
    "email": "ada@example.com",
    "phone": "+1.5555555555",
    "postal_info": {
        "name": "Ada Lovelace",
        "organization": "Example Inc",
        "address": {
            "street": "123 Main St",
            "city": "Austin",
            "state": "TX",
            "postal_code": "78701",
            "country_code": "US",
        },
    },
}


def account_world(**spec: object) -> World:
    return World(
        open_accounts=False,
        registry=default_registry(),
        accounts=(AccountSpec(id=ACCOUNT, tokens=(TOKEN,), **spec),),  # type: ignore[arg-type]
    )


def test_express_mode_needs_only_the_domain_name(api: httpx.Client) -> None:
    response = register(api, "my-new-startup.com")
    assert response.status_code == 201
    workflow = response.json()["result"]
    assert workflow["state"] == "succeeded"
    assert workflow["completed"] is True
    resource = f"/accounts/{ACCOUNT}/registrar/registrations/my-new-startup.com"
    assert workflow["links"] == {
        "self": f"{resource}/registration-status",
        "resource": resource,
    }
    registration = workflow["context"]["registration"]
    assert registration["status"] == "active"


def test_defaults_are_minimum_years_no_auto_renew_and_redaction(api: httpx.Client) -> None:
    registration = register(api, "defaults.dev").json()["result"]["context"]["registration"]
    assert registration["auto_renew"] is False
    assert registration["privacy_mode"] == "redaction"
    assert registration["expires_at"][:4] == str(int(registration["created_at"][:4]) + 1)


def test_requested_years_and_options_are_kept(api: httpx.Client) -> None:
    body = {
        "years": 3,
        "auto_renew": True,
        "privacy_mode": "off",
        "contacts": {"registrant": CONTACT},
    }
    registration = register(api, "longterm-project.dev", **body).json()["result"]["context"][
        "registration"
    ]
    assert registration["auto_renew"] is True
    assert registration["privacy_mode"] == "off"
    created, expires = registration["created_at"], registration["expires_at"]
    assert expires == str(int(created[:4]) + 3) + created[4:]


def test_extension_minimum_term_is_the_default_and_bounds_are_enforced(connect: Connect) -> None:
    catalogue = Catalogue(
        [
            *default_catalogue(),
            Extension(
                "ai",
                Channel.API,
                registration_cost=Decimal("80"),
                renewal_cost=Decimal("80"),
                min_years=2,
                max_years=5,
            ),
        ]
    )
    api = connect(create_app(World(catalogue=catalogue)))
    registration = register(api, "model.ai").json()["result"]["context"]["registration"]
    assert int(registration["expires_at"][:4]) - int(registration["created_at"][:4]) == 2
    for years in (1, 6):
        response = register(api, f"model{years}.ai", years=years)
        assert response.status_code == 400
        assert only_error(response)["source"] == {"pointer": "/years"}


@pytest.mark.parametrize(
    ("body", "pointer", "message"),
    [
        ({}, "/domain_name", "domain_name is required"),
        ({"domain_name": None}, "/domain_name", "domain_name is required"),
        ({"domain_name": "no spaces allowed.com"}, "/domain_name", "Invalid domain name"),
        ({"domain_name": "x.com", "auto_renew": "yes"}, "/auto_renew", "Must be a boolean"),
        ({"domain_name": "x.com", "years": 0}, "/years", None),
        ({"domain_name": "x.com", "years": 11}, "/years", None),
        ({"domain_name": "x.com", "years": "2"}, "/years", None),
        ({"domain_name": "x.com", "privacy_mode": "full"}, "/privacy_mode", None),
        ({"domain_name": "x.com", "colour": "blue"}, "/colour", "Unknown field: colour"),
        (
            {"domain_name": "x.com", "contacts": {"registrant": {**CONTACT, "phone": "555-1234"}}},
            "/contacts/registrant/phone",
            None,
        ),
        (
            {"domain_name": "x.com", "contacts": {"registrant": {"phone": "+1.5555555555"}}},
            "/contacts/registrant/email",
            None,
        ),
    ],
)
def test_invalid_bodies_name_the_field(
    api: httpx.Client, body: dict[str, object], pointer: str, message: str | None
) -> None:
    response = api.post("/registrations", json=body)
    assert response.status_code == 400
    error = only_error(response)
    assert error["code"] == 10000
    assert error["source"] == {"pointer": pointer}
    if message is not None:
        assert error["message"] == message
    assert api.get("/registrations").json()["result"] == []


def test_no_billing_profile(connect: Connect) -> None:
    api = connect(create_app(account_world(has_billing=False)))
    response = register(api, "x.com")
    assert response.status_code == 400
    assert "billing profile" in str(only_error(response)["message"])


def test_no_default_contact_without_contacts_fails_but_explicit_contact_works(
    connect: Connect,
) -> None:
    api = connect(create_app(account_world(default_contact=None)))
    response = register(api, "x.com")
    assert response.status_code == 400
    assert only_error(response)["message"] == (
        "No registrant contact provided and no default address book entry found for this account."
    )
    assert register(api, "x.com", contacts={"registrant": CONTACT}).status_code == 201


def test_the_limit_is_exactly_one_hundred(connect: Connect) -> None:
    seeded = tuple(SeedRegistration(f"held{i}.com") for i in range(99))
    api = connect(create_app(account_world(registrations=seeded)))
    assert register(api, "number-100.com").status_code == 201
    response = register(api, "number-101.com")
    assert response.status_code == 400
    assert only_error(response) == {
        "code": 10000,
        "message": "Domain limit reached: you cannot register more than 100 domains.",
        "source": {"pointer": "/domain_name"},
    }


def test_pending_registrations_count_toward_the_limit(connect: Connect) -> None:
    seeded = tuple(SeedRegistration(f"held{i}.com") for i in range(99))
    api = connect(create_app(account_world(registrations=seeded)))
    first = api.post(
        "/registrations", json={"domain_name": "pending.com"}, headers={"Prefer": "respond-async"}
    )
    assert first.json()["result"]["state"] == "pending"
    assert register(api, "one-too-many.com").status_code == 400


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("brand.uk", "Registration is not supported for this extension"),
        ("brand.horse", "Registration is not supported for this extension"),
        ("brand.py", "Registration is not supported for this extension"),
        ("coffee.xyz", "Premium domain registration is not supported by this API"),
        ("example.com", "Domain is not available for registration"),
    ],
)
def test_unregistrable_domains_are_refused(api: httpx.Client, domain: str, message: str) -> None:
    response = register(api, domain)
    assert response.status_code == 400
    assert only_error(response)["message"] == message
    assert api.get("/registrations").json()["result"] == []


def test_repeated_post_returns_the_same_workflow_and_charges_once(
    app: MockApp, api: httpx.Client
) -> None:
    first = register(api, "idempotent.com").json()["result"]
    again = register(api, "idempotent.com")
    assert again.status_code == 201
    assert again.json()["result"] == first
    account = app.registrar.accounts[ACCOUNT]
    assert len(account.registrations) == 1
    assert [c.domain_name for c in account.charges] == ["idempotent.com"]


def test_repeat_of_a_running_registration_is_202_with_the_same_workflow(api: httpx.Client) -> None:
    async_headers = {"Prefer": "respond-async"}
    first = api.post("/registrations", json={"domain_name": "twice.com"}, headers=async_headers)
    second = api.post("/registrations", json={"domain_name": "twice.com"}, headers=async_headers)
    assert second.status_code == 202
    assert second.json()["result"]["created_at"] == first.json()["result"]["created_at"]


def test_respond_async_returns_202_at_once_with_location(app: MockApp, api: httpx.Client) -> None:
    before = app.clock.now()
    response = api.post(
        "/registrations", json={"domain_name": "later.com"}, headers={"Prefer": "respond-async"}
    )
    assert response.status_code == 202
    workflow = response.json()["result"]
    assert workflow["completed"] is False
    assert workflow["state"] == "pending"
    assert response.headers["location"] == workflow["links"]["self"]
    assert response.headers["preference-applied"] == "respond-async"
    assert app.clock.now() == before  # nothing waited


def test_sync_request_waits_for_work_that_fits_the_window(app: MockApp, api: httpx.Client) -> None:
    before = app.clock.now()
    response = register(api, "waited.com")
    assert response.status_code == 201
    assert "preference-applied" not in response.headers
    assert "location" not in response.headers
    # The default workflow takes one virtual second, and the request was held that long.
    assert (app.clock.now() - before).total_seconds() == 1.0


def test_work_longer_than_the_window_is_202_without_preference_applied(connect: Connect) -> None:
    slow = Script((Step(WorkflowState.IN_PROGRESS, seconds=30), Step(WorkflowState.SUCCEEDED)))
    world = World(
        scripts=ScriptBook(registration_rules=(ScriptRule("slow-*", slow),)),
        sync_wait_seconds=5,
    )
    app = create_app(world)
    api = connect(app)
    response = register(api, "slow-one.com")
    assert response.status_code == 202
    assert response.json()["result"]["state"] == "in_progress"
    assert response.headers["location"] == response.json()["result"]["links"]["self"]
    assert "preference-applied" not in response.headers
    # A wider window lets the same script finish inside the request.
    wide = connect(create_app(World(scripts=world.scripts, sync_wait_seconds=60)))
    assert register(wide, "slow-two.com").status_code == 201
