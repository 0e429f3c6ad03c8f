"""The inspector's document (GET /__mock__/ui/view) and the calls it names: what the page
shows of a mock is what the mock holds, and its buttons send calls that work."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.inspector import view as inspector_view
from tests.helpers import ACCOUNT, register
from tests.server.test_sandbox import buy, sandbox_of

Connect = Callable[..., httpx.Client]
ConnectControl = Callable[[MockApp], httpx.Client]


def view(control: httpx.Client) -> dict[str, Any]:
    response = control.get("/ui/view")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["result"]
    return found


def account(document: dict[str, Any], account_id: str = ACCOUNT) -> dict[str, Any]:
    (found,) = [a for a in document["accounts"] if a["id"] == account_id]
    return found


def registration(document: dict[str, Any], domain: str) -> dict[str, Any]:
    (found,) = [r for r in account(document)["registrations"] if r["domain_name"] == domain]
    return found


def press(control: httpx.Client, action: dict[str, Any]) -> httpx.Response:
    """What the page's button does: the call the document names, as JSON."""
    return control.post(action["path"], json=action["body"])


def test_the_document_shows_scenario_clock_and_an_open_world(
    connect_control: ConnectControl,
) -> None:
    app = create_app("action-required")
    document = view(connect_control(app))
    assert document["scenario"]["name"] == "action-required"
    assert "action_required" in document["scenario"]["description"]
    assert document["scenario"]["open_accounts"] is True
    assert document["clock"] == {"now": "2026-01-01T00:00:00Z", "virtual": True, "time_scale": None}
    assert document["accounts"] == []  # none has been used yet
    assert "default" in document["scenarios"] and "transfer-rejected" in document["scenarios"]
    assert "registrar-domain-registration-create" in document["operations"]
    assert document["journal"] == {"first": 1, "last": 0, "capacity": 1000}


def test_a_workflow_in_action_required_is_shown_with_its_steps_and_the_calls_that_settle_it(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("action-required")
    api, mock = connect(app), connect_control(app)
    assert register(api, "confirm-me.com").status_code == 202
    waiting = registration(view(mock), "confirm-me.com")
    assert waiting["status"] == "registration_pending"
    (workflow,) = waiting["workflows"]
    assert [step["state"] for step in workflow["steps"]] == [
        "in_progress",
        "action_required",
        "in_progress",
        "succeeded",
    ]
    assert workflow["current"] == 0
    assert workflow["waiting_for"] == "time: the step ends at 2026-01-01T00:00:05Z"
    assert workflow["actions"] == []

    mock.post("/clock/advance", json={"by": "10s"})
    workflow = registration(view(mock), "confirm-me.com")["workflows"][0]
    assert (workflow["state"], workflow["current"]) == ("action_required", 1)
    assert workflow["waiting_for"] == "the user: Confirm or Reject"
    assert workflow["ends_at"] is None  # it waits on someone
    confirm, reject = workflow["actions"]
    assert (confirm["label"], reject["label"]) == ("Confirm", "Reject")

    assert press(mock, confirm).status_code == 200
    workflow = registration(view(mock), "confirm-me.com")["workflows"][0]
    assert (workflow["state"], workflow["current"], workflow["actions"]) == ("in_progress", 2, [])
    mock.post("/clock/advance", json={"by": "5s"})
    done = registration(view(mock), "confirm-me.com")
    assert done["status"] == "active"
    assert done["expires_at"] == "2027-01-01T00:00:15Z"
    assert done["workflows"][0]["state"] == "succeeded"
    assert done["workflows"][0]["waiting_for"] is None
    (charge,) = account(view(mock))["charges"]
    assert (charge["domain_name"], charge["kind"], charge["years"]) == (
        "confirm-me.com",
        "registration",
        1,
    )


def test_reject_fails_the_workflow_with_its_error(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("action-required")
    api, mock = connect(app), connect_control(app)
    register(api, "no-thanks.com")
    mock.post("/clock/advance", json={"by": "10s"})
    reject = registration(view(mock), "no-thanks.com")["workflows"][0]["actions"][1]
    assert press(mock, reject).status_code == 200
    document = view(mock)
    assert all(r["domain_name"] != "no-thanks.com" for r in account(document)["registrations"])
    assert account(document)["charges"] == []


def test_accounts_show_billing_contact_and_domains_against_the_limit(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("near-limit")
    document = view(connect_control(app))
    shown = account(document)
    assert shown["environment"] == "production"
    assert shown["billing"] is True
    assert shown["contact"] is not None and "@" in shown["contact"]["email"]
    assert (shown["domains"], shown["limit"]) == (99, 100)
    assert len(shown["registrations"]) == 99

    no_billing = view(connect_control(create_app("no-billing")))
    assert all(a["billing"] is False for a in no_billing["accounts"])


def test_a_sandbox_account_is_shown_apart_and_not_billed(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app("default")
    created = buy(sandbox_of(app, connect), "playground.com")
    assert created.status_code in (201, 202), created.text
    document = view(connect_control(app))
    (shown,) = [a for a in document["accounts"] if a["environment"] == "sandbox"]
    assert shown["id"] == ACCOUNT and shown["billing"] is None
    assert [r["domain_name"] for r in shown["registrations"]] == ["playground.com"]


def b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


@pytest.mark.parametrize(
    ("scenario", "domain", "code", "state", "waits", "answers"),
    [
        (
            "transfer-rejected",
            "held-back.net",
            "Ask-Again-6",
            "blocked",
            "the losing registrar: Confirm (approve) or Reject",
            ("approve", "reject"),
        ),
        (
            "transfer-awaits-registrant",
            "confirm-me.com",
            "Ok-By-Email-3",
            "action_required",
            "the registrant's answer to the approval email: Confirm or Reject",
            ("accept", "decline"),
        ),
    ],
)
def test_transfers_show_who_they_wait_for_and_answer_to_confirm_and_reject(
    connect: Connect,
    connect_control: ConnectControl,
    scenario: str,
    domain: str,
    code: str,
    state: str,
    waits: str,
    answers: tuple[str, str],
) -> None:
    app = create_app(scenario)
    api, mock = connect(app), connect_control(app)
    started = api.post(f"/registrations/{domain}/transfer-in", json={"auth_code": b64(code)})
    assert started.status_code == 202, started.text
    (submitted,) = account(view(mock))["transfers"]
    assert (submitted["state"], submitted["actions"]) == ("pending", [])
    mock.post("/clock/advance", json={"by": "61s"})  # past the registry's checks
    (transfer,) = account(view(mock))["transfers"]
    assert (transfer["domain_name"], transfer["kind"], transfer["state"]) == (
        domain,
        "transfer_in",
        state,
    )
    assert transfer["waiting_for"].startswith(waits)
    confirm, reject = transfer["actions"]
    assert (confirm["label"], reject["label"]) == ("Confirm", "Reject")
    assert confirm["path"].endswith(f"/transfers/{domain}/{answers[0]}")
    assert reject["path"].endswith(f"/transfers/{domain}/{answers[1]}")
    assert press(mock, confirm).status_code == 200
    after = account(view(mock))["transfers"][0]
    assert after["state"] != state


def test_faults_are_shown_with_how_often_they_fired(
    connect: Connect, connect_control: ConnectControl
) -> None:
    app = create_app()
    api, mock = connect(app), connect_control(app)
    added = mock.post(
        "/faults",
        json={"operations": ["registrar-domain-registration-list"], "effect": {"status": 503}},
    )
    assert added.status_code == 201
    api.get("/registrations")
    api.get("/registrations")
    (rule,) = view(mock)["faults"]
    assert (rule["seen"], rule["fired"], rule["effect"]["status"]) == (2, 2, 503)
    journal = view(mock)["journal"]
    assert (journal["first"], journal["last"]) == (1, 2)


def test_a_large_account_is_shown_in_part_saying_how_much_is_left_out(
    connect_control: ConnectControl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(inspector_view, "MAX_REGISTRATIONS", 10)
    shown = account(view(connect_control(create_app("near-limit"))))
    assert (len(shown["registrations"]), shown["more_registrations"], shown["domains"]) == (
        10,
        89,
        99,
    )
