"""Stateful testing through the spec's OpenAPI links."""

from __future__ import annotations

from typing import Any

import hypothesis
import pytest
from schemathesis.core.failures import FailureGroup

from registrar_mock.contract_tests import checks, conformance, stateful

from .support import ACCOUNT, Broken, contract_app

CREATE = "registrar-domain-registration-create"
STATUS = "registrar-domain-registration-get-status"
GET = "registrar-domain-registration-get"
PATCH = "registrar-domain-registration-update"
UPDATE_STATUS = "registrar-domain-registration-get-update-status"
LIST = "registrar-domain-registration-list"
EXAMPLES = 300 if conformance.deep() else 100


def _settings() -> hypothesis.settings:
    return hypothesis.settings(
        max_examples=EXAMPLES,
        stateful_step_count=10,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )


def test_the_machine_walks_every_documented_sequence() -> None:
    # Valid data only, so that a chain isn't cut short by a deliberately bad request.
    app = contract_app()
    schema = conformance.in_process(app, conformance.Settings(mode="positive"))
    machine, trace = stateful.traced(schema, ACCOUNT, reset=app.control.reset)
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
    assert trace.walked(CREATE, STATUS, GET)
    assert trace.walked(GET, PATCH, UPDATE_STATUS)
    assert trace.walked(CREATE, PATCH, UPDATE_STATUS)
    assert trace.walked(LIST, GET, PATCH)


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
