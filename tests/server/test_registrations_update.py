"""PATCH /registrations/{domain} and update-status."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.model.records import WorkflowState as S
from registrar_mock.model.workflows import Script, ScriptBook, ScriptRule, Step
from registrar_mock.model.world import World
from tests.helpers import only_error, register

Connect = Callable[..., httpx.Client]


@pytest.fixture
def owned(api: httpx.Client) -> httpx.Client:
    assert register(api, "owned.com").status_code == 201
    return api


def test_update_status_before_any_update_is_no_workflow(owned: httpx.Client) -> None:
    response = owned.get("/registrations/owned.com/update-status")
    assert response.status_code == 404
    assert only_error(response) == {"code": 10000, "message": "No workflow found for owned.com"}


def test_patch_completes_within_the_window_with_200(owned: httpx.Client) -> None:
    response = owned.patch("/registrations/owned.com", json={"auto_renew": True})
    assert response.status_code == 200
    workflow = response.json()["result"]
    assert workflow["state"] == "succeeded"
    assert workflow["completed"] is True
    assert workflow["links"]["self"].endswith("/registrations/owned.com/update-status")
    assert workflow["context"]["fields_updated"] == ["auto_renew"]
    assert workflow["context"]["registration"]["auto_renew"] is True
    assert owned.get("/registrations/owned.com").json()["result"]["auto_renew"] is True
    status = owned.get("/registrations/owned.com/update-status").json()["result"]
    assert status == workflow


def test_patch_with_respond_async_is_202_then_polls_to_success(
    app: MockApp, owned: httpx.Client
) -> None:
    response = owned.patch(
        "/registrations/owned.com", json={"auto_renew": True}, headers={"Prefer": "respond-async"}
    )
    assert response.status_code == 202
    workflow = response.json()["result"]
    assert workflow["state"] == "in_progress"
    assert response.headers["location"] == workflow["links"]["self"]
    assert response.headers["preference-applied"] == "respond-async"
    # Not applied until the workflow succeeds.
    assert owned.get("/registrations/owned.com").json()["result"]["auto_renew"] is False
    app.clock.advance(1)
    assert owned.get("/registrations/owned.com/update-status").json()["result"]["state"] == (
        "succeeded"
    )
    assert owned.get("/registrations/owned.com").json()["result"]["auto_renew"] is True


def test_a_second_patch_while_one_runs_is_a_conflict(owned: httpx.Client) -> None:
    headers = {"Prefer": "respond-async"}
    owned.patch("/registrations/owned.com", json={"auto_renew": True}, headers=headers)
    response = owned.patch("/registrations/owned.com", json={"auto_renew": False}, headers=headers)
    assert response.status_code == 409


def test_failed_update_leaves_the_registration_unchanged(connect: Connect) -> None:
    refuse = Script(
        (
            Step(S.IN_PROGRESS, seconds=2),
            Step(S.FAILED, error_code="registry_rejected", error_message="Registry said no."),
        )
    )
    api = connect(create_app(World(scripts=ScriptBook(update_rules=(ScriptRule("*", refuse),)))))
    register(api, "stubborn.com")
    response = api.patch("/registrations/stubborn.com", json={"auto_renew": True})
    assert response.status_code == 200
    assert response.json()["result"]["error"] == {
        "code": "registry_rejected",
        "message": "Registry said no.",
    }
    assert api.get("/registrations/stubborn.com").json()["result"]["auto_renew"] is False


@pytest.mark.parametrize("value", ["true", 1, None, [], {}])
def test_non_boolean_auto_renew(owned: httpx.Client, value: object) -> None:
    response = owned.patch("/registrations/owned.com", json={"auto_renew": value})
    assert response.status_code == 400
    assert only_error(response) == {
        "code": 10000,
        "message": "Must be a boolean if present",
        "source": {"pointer": "/auto_renew"},
    }


@pytest.mark.parametrize(
    ("body", "pointer"),
    [({"locked": False}, "/locked"), ({"auto_renew": True, "years": 2}, "/years"), ({}, None)],
)
def test_only_auto_renew_is_accepted(
    owned: httpx.Client, body: dict[str, object], pointer: str | None
) -> None:
    response = owned.patch("/registrations/owned.com", json=body)
    assert response.status_code == 400
    assert only_error(response).get("source") == (None if pointer is None else {"pointer": pointer})
    assert owned.get("/registrations/owned.com/update-status").status_code == 404


def test_patch_of_unknown_domain_is_404(api: httpx.Client) -> None:
    response = api.patch("/registrations/nobody.com", json={"auto_renew": True})
    assert response.status_code == 404
    assert only_error(response)["message"] == "Domain not found"
