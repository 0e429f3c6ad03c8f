"""Stateful testing through the spec's OpenAPI links."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import hypothesis
import pytest
from schemathesis.core.failures import FailureGroup

from registrar_mock import MockApp, create_app
from registrar_mock.contract_tests import checks, conformance, stateful
from registrar_mock.testing import SyncASGITransport

from .support import ACCOUNT, AUTH_CODE, BASE_URL, TOKEN, Broken, contract_app

CREATE = "registrar-domain-registration-create"
STATUS = "registrar-domain-registration-get-status"
GET = "registrar-domain-registration-get"
PATCH = "registrar-domain-registration-update"
UPDATE_STATUS = "registrar-domain-registration-get-update-status"
LIST = "registrar-domain-registration-list"
REGISTRATIONS = (CREATE, STATUS, GET, PATCH, UPDATE_STATUS, LIST)
TRANSFER_IN = "registrar-domain-transfer-in"
TRANSFER_STATUS = "registrar-domain-transfer-in-get-status"
TRANSFER_CHECK = "registrar-domain-transfer-check"
EXTENSIONS = "registrar-extension-list"
EXTENSION = "registrar-extension-get"
EXAMPLES = 300 if conformance.deep() else 25


def sandbox(operation_id: str) -> str:
    return operation_id.replace("registrar-", "registrar-sandbox-", 1)


IN = {"production": lambda operation_id: operation_id, "sandbox": sandbox}
REGISTRANT = {
    "email": "ada@example.com",
    "phone": "+1.5555555555",
    "postal_info": {
        "name": "Ada Lovelace",
        "address": {"street": "123 Main St", "city": "Austin", "state": "TX",
                    "postal_code": "78701", "country_code": "US"},
    },
}  # fmt: skip
# The sandbox has no express mode: a new registration there names its registrant, which a
# generated body leaves out about half the time, cutting the chains short.
WITH_REGISTRANT = {sandbox(CREATE): {"contacts": {"registrant": REGISTRANT}}}


def _settings() -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=EXAMPLES,
        stateful_step_count=10,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )


def seeded_sandbox(app: MockApp) -> Callable[[], None]:
    """A reset that also buys two sandbox domains: the world can seed production's
    registrations but not the sandbox's, and a list must show one for its link."""

    def reset() -> None:
        app.control.reset()
        with httpx.Client(transport=SyncASGITransport(app), base_url=BASE_URL) as http:
            for name in ("seeded-sandbox-1.com", "seeded-sandbox-2.net"):
                answer = http.post(
                    f"/accounts/{ACCOUNT}/registrar-sandbox/registrations",
                    json={"domain_name": name, "contacts": {"registrant": REGISTRANT}},
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                assert answer.status_code == 201, answer.text

    return reset


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_the_machine_walks_every_documented_sequence(environment: str) -> None:
    # Valid data only, so that a chain isn't cut short by a deliberately bad request.
    app = contract_app()
    schema = conformance.in_process(app, conformance.Settings(mode="positive"))
    schema = conformance.only(schema, map(IN[environment], REGISTRATIONS))
    reset = seeded_sandbox(app) if environment == "sandbox" else app.control.reset
    machine, trace = stateful.traced(schema, ACCOUNT, reset=reset, body_fields=WITH_REGISTRANT)
    machine.run(settings=_settings())
    assert {
        "GetRegistrationStatus",
        "GetRegistration",
        "UpdateRegistration",
        "GetUpdateStatus",
        "GetWorkflowRegistration",
        "UpdateFetchedRegistration",
        "GetListedRegistration",
    } <= trace.links_followed()
    # create → registration-status (links.self) → get → patch → update-status, in two
    # overlapping runs of links (hypothesis seldom strings all five in one scenario):
    at = IN[environment]
    assert trace.walked(at(CREATE), at(STATUS), at(GET))
    assert trace.walked(at(GET), at(PATCH), at(UPDATE_STATUS))
    assert trace.walked(at(CREATE), at(PATCH), at(UPDATE_STATUS))
    assert trace.walked(at(LIST), at(GET), at(PATCH))


@pytest.mark.parametrize("environment", ["production", "sandbox"])
def test_the_machine_walks_the_catalogue(environment: str) -> None:
    app = contract_app()
    schema = conformance.in_process(app, conformance.Settings(mode="positive"))
    schema = conformance.only(schema, [IN[environment](EXTENSIONS), IN[environment](EXTENSION)])
    machine, trace = stateful.traced(schema, ACCOUNT, reset=app.control.reset)
    machine.run(settings=_settings())
    assert "GetListedExtension" in trace.links_followed()
    assert trace.walked(IN[environment](EXTENSIONS), IN[environment](EXTENSION))


def code(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Worlds with a domain the account can transfer in: the kit's own, and the bundled
# transfer scenarios (each domain with its auth code, as the scenario file gives it).
TRANSFER_WORLDS = [
    pytest.param(contract_app, "example-shop.com", AUTH_CODE, id="contract-world"),
    pytest.param(lambda: create_app("transfer-succeeds"), "move-me-in.com", "Kx7-Move-Me-In",
                 id="transfer-succeeds"),
    pytest.param(lambda: create_app("transfer-awaits-registrant"), "confirm-me.com",
                 "Ok-By-Email-3", id="transfer-awaits-registrant"),
    pytest.param(lambda: create_app("transfer-rejected"), "refused.com", "No-Way-5Back",
                 id="transfer-rejected"),
]  # fmt: skip


@pytest.mark.parametrize(("make_app", "domain", "auth_code"), TRANSFER_WORLDS)
def test_the_machine_reaches_a_running_transfer(make_app: Any, domain: str, auth_code: str) -> None:
    """transfer-in → transfer-in-status → get → patch, on a world that lets a domain move.

    A generated name is never one the world has at another registrar, so the transfers
    the machine starts are aimed at ``domain``, with its auth code; what follows comes
    by the spec's links.
    """
    app: MockApp = make_app()
    schema = conformance.in_process(app, conformance.Settings(mode="positive"))
    schema = conformance.only(schema, [TRANSFER_IN, TRANSFER_STATUS, GET, PATCH, TRANSFER_CHECK])
    machine, trace = stateful.traced(
        schema,
        ACCOUNT,
        reset=app.control.reset,
        path_parameters={TRANSFER_IN: {"domain_name": domain}},
        body_fields={TRANSFER_IN: {"auth_code": code(auth_code)}},
    )
    machine.run(settings=_settings())
    assert {"GetTransferInStatus", "GetTransferringRegistration"} <= trace.links_followed()
    assert trace.walked(TRANSFER_IN, TRANSFER_STATUS, GET)
    # While the transfer runs, the registration can't be changed: PATCH answers 409.
    patches = [
        step.status
        for scenario in trace.scenarios
        for step in scenario
        if step.operation_id == PATCH and step.path_parameters.get("domain_name") == domain
    ]
    assert patches and set(patches) == {409}, patches


def forget_fresh_registrations(scope: Any, status: int, body: Any) -> tuple[int, Any]:
    """A registrar whose registration-status and get lose every domain registered today."""
    path = str(scope["path"])
    fresh = not path.split("/registrations/")[-1].startswith("seeded-")
    if "/registrations/" in path and scope["method"] == "GET" and status == 200 and fresh:
        failure = {"code": 10000, "message": "Domain not found"}
        return 404, {"success": False, "errors": [failure], "messages": [], "result": None}
    return status, body


def test_a_broken_link_fails_the_machine() -> None:
    mock = contract_app()
    app = Broken(mock, mutate=forget_fresh_registrations)
    settings = conformance.Settings(max_examples=10)
    schema = conformance.only(conformance.in_process(app, settings), [CREATE, STATUS, GET])
    # Without the check that follows links.self itself, the machine must still notice.
    machine, _ = stateful.traced(
        schema, ACCOUNT, exclude=[checks.workflow_links_resolve], reset=mock.control.reset
    )
    with pytest.raises(FailureGroup) as caught:
        machine.run(settings=_settings())
    titles = {failure.title for failure in caught.value.exceptions}
    assert any("links lead somewhere" in title for title in titles), titles
