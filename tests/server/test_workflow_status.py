"""registration-status: the workflow lifecycle a poller sees."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.model.records import WorkflowState as S
from registrar_mock.model.workflows import Script, ScriptBook, ScriptRule, Step
from registrar_mock.model.world import World, default_registry
from tests.helpers import only_error

Connect = Callable[..., httpx.Client]
ASYNC = {"Prefer": "respond-async"}

BLOCKED_TWO_DAYS = Script(
    (
        Step(S.PENDING, seconds=1),
        Step(S.IN_PROGRESS, seconds=5),
        Step(S.BLOCKED, seconds=2 * 86400, context={"blocked_by": "registry"}),
        Step(S.SUCCEEDED),
    )
)
NEEDS_CONFIRMATION = Script(
    (
        Step(S.IN_PROGRESS, seconds=1),
        Step(
            S.ACTION_REQUIRED,
            context={
                "action": "registrant_email_confirmation_pending",
                "confirmation_sent_to": "a***@example.com",
            },
        ),
        Step(S.SUCCEEDED),
    )
)
REJECTED = Script(
    (
        Step(S.IN_PROGRESS, seconds=3),
        Step(
            S.FAILED,
            error_code="registry_rejected",
            error_message="Registry rejected the registration request.",
        ),
    )
)
BY_POLLS = Script((Step(S.PENDING, polls=2), Step(S.IN_PROGRESS, polls=1), Step(S.SUCCEEDED)))


@pytest.fixture
def scripted() -> MockApp:
    return create_app(
        World(
            registry=default_registry(),
            scripts=ScriptBook(
                registration_rules=(
                    ScriptRule("slow-*.com", BLOCKED_TWO_DAYS),
                    ScriptRule("confirm-*.com", NEEDS_CONFIRMATION),
                    ScriptRule("*.xyz", REJECTED),
                    ScriptRule("polled.net", BY_POLLS),
                )
            ),
        )
    )


def start(api: httpx.Client, domain: str) -> dict[str, object]:
    response = api.post("/registrations", json={"domain_name": domain}, headers=ASYNC)
    assert response.status_code == 202, response.text
    result: dict[str, object] = response.json()["result"]
    return result


def poll(api: httpx.Client, domain: str) -> dict[str, object]:
    response = api.get(f"/registrations/{domain}/registration-status")
    assert response.status_code == 200, response.text
    result: dict[str, object] = response.json()["result"]
    assert result["completed"] is (result["state"] in ("succeeded", "failed"))
    return result


def test_blocked_for_two_days_then_succeeds(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "slow-launch.com")
    seen = [poll(api, "slow-launch.com")["state"]]
    # pending 1 s, in_progress 5 s, blocked 2 days: success comes at 172806 s.
    for seconds in (1, 5, 86400, 86399, 1):
        scripted.clock.advance(seconds)
        seen.append(poll(api, "slow-launch.com")["state"])
    assert seen == ["pending", "in_progress", "blocked", "blocked", "blocked", "succeeded"]
    registration = api.get("/registrations/slow-launch.com").json()["result"]
    assert registration["status"] == "active"
    # Created when the workflow finished, exactly 2 days and 6 seconds after the request.
    assert registration["created_at"] == "2026-01-03T00:00:06Z"
    assert registration["expires_at"] == "2027-01-03T00:00:06Z"


def test_blocked_context_is_exposed(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "slow-x.com")
    scripted.clock.advance(10)
    status = poll(api, "slow-x.com")
    assert status["state"] == "blocked"
    assert status["context"] == {"domain_name": "slow-x.com", "blocked_by": "registry"}


def test_registration_is_pending_while_the_workflow_runs(
    scripted: MockApp, connect: Connect
) -> None:
    api = connect(scripted)
    start(api, "slow-y.com")
    registration = api.get("/registrations/slow-y.com").json()["result"]
    assert registration["status"] == "registration_pending"
    assert registration["expires_at"] is None
    listed = api.get("/registrations").json()["result"]
    assert [r["status"] for r in listed] == ["registration_pending"]


def test_action_required_never_advances_by_itself(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "confirm-me.com")
    scripted.clock.advance(2)
    status = poll(api, "confirm-me.com")
    assert status["state"] == "action_required"
    assert status["completed"] is False
    assert status["context"]["action"] == "registrant_email_confirmation_pending"  # type: ignore[index]
    assert status["context"]["confirmation_sent_to"] == "a***@example.com"  # type: ignore[index]
    scripted.clock.advance(30 * 86400)
    for _ in range(5):
        assert poll(api, "confirm-me.com")["state"] == "action_required"


def test_failure_sets_error_and_frees_the_domain(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "doomed.xyz")
    scripted.clock.advance(3)
    status = poll(api, "doomed.xyz")
    assert status["state"] == "failed"
    assert status["completed"] is True
    assert status["error"] == {
        "code": "registry_rejected",
        "message": "Registry rejected the registration request.",
    }
    assert "registration" not in status["context"]  # type: ignore[operator]
    assert api.get("/registrations/doomed.xyz").status_code == 404
    assert api.get("/registrations").json()["result"] == []
    check = api.post("/domain-check", json={"domains": ["doomed.xyz"]}).json()
    assert check["result"]["domains"][0]["registrable"] is True


def test_success_carries_the_registration(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "quick.dev")
    scripted.clock.advance(1)
    status = poll(api, "quick.dev")
    assert status["state"] == "succeeded"
    assert "error" not in status
    assert status["context"]["registration"] == api.get("/registrations/quick.dev").json()["result"]  # type: ignore[index]


def test_steps_can_hold_for_a_number_of_polls(scripted: MockApp, connect: Connect) -> None:
    api = connect(scripted)
    start(api, "polled.net")
    assert [poll(api, "polled.net")["state"] for _ in range(4)] == [
        "pending", "pending", "in_progress", "succeeded"
    ]  # fmt: skip


def test_unknown_domain_is_404(api: httpx.Client) -> None:
    for path in (
        "/registrations/unknown.com/registration-status",
        "/registrations/unknown.com/update-status",
        "/registrations/unknown.com",
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert only_error(response) == {"code": 10000, "message": "Domain not found"}


def test_invalid_domain_in_path_is_400(api: httpx.Client) -> None:
    response = api.get("/registrations/not_a_domain/registration-status")
    assert response.status_code == 400
    assert only_error(response)["message"] == "Invalid domain name"


def test_a_script_that_starts_terminal_finishes_at_once(connect: Connect) -> None:
    instant = Script((Step(S.SUCCEEDED),))
    world = World(scripts=ScriptBook(registration_rules=(ScriptRule("*", instant),),
                                     update_rules=(ScriptRule("*", instant),)))  # fmt: skip
    app = create_app(world)
    api = connect(app)
    response = api.post("/registrations", json={"domain_name": "instant.com"}, headers=ASYNC)
    assert response.json()["result"]["state"] == "succeeded"
    assert api.get("/registrations/instant.com").json()["result"]["status"] == "active"
    assert len(app.control.charges("023e105f4ecef8ad9ca31a8372d0c353")) == 1
    assert api.patch("/registrations/instant.com", json={"auto_renew": True}).status_code == 200
    assert api.get("/registrations/instant.com").json()["result"]["auto_renew"] is True
