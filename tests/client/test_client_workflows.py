"""Registering and waiting: every way a workflow can end, seen through the client."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from registrar_mock.client import (
    ActionRequiredError,
    PollPolicy,
    RegistrationStatus,
    ResponseFormatError,
    WorkflowFailedError,
    WorkflowState,
    WorkflowStatus,
    WorkflowTimeoutError,
)
from registrar_mock.model.records import RegistrationStatus as ServerStatus

from .conftest import ACCOUNT, Connect
from .support import rewrite_json


def test_register_waits_for_success_and_the_registration_is_active(connect: Connect) -> None:
    h = connect()
    status = h.client.register("my-new-startup.com", years=2, auto_renew=True)
    assert status.state is WorkflowState.SUCCEEDED
    assert status.completed is True
    assert status.domain_name == "my-new-startup.com"
    carried = status.registration
    assert carried is not None
    assert carried.status is RegistrationStatus.ACTIVE
    assert carried.auto_renew is True

    fetched = h.client.get_registration("my-new-startup.com")
    assert fetched.status is RegistrationStatus.ACTIVE
    assert fetched.expires_at is not None and fetched.created_at is not None
    assert fetched.expires_at.year == fetched.created_at.year + 2
    assert h.account.registrations["my-new-startup.com"].status is ServerStatus.ACTIVE
    # The default workflow ends inside the server's sync window: one POST, no polling.
    assert h.transport.count("POST", "/registrations") == 1
    assert h.sleeps == []


def test_prefer_async_returns_at_once_and_waiting_polls_links_self(connect: Connect) -> None:
    h = connect()
    started = h.client.create_registration("polled.dev", prefer_async=True)
    assert started.state is WorkflowState.PENDING
    assert started.completed is False
    assert started.links.self_link == (
        f"/accounts/{ACCOUNT}/registrar/registrations/polled.dev/registration-status"
    )
    done = h.client.wait_for_workflow(started, timeout=60)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.transport.count("GET", "/polled.dev/registration-status") >= 1
    # Increasing back-off from the first interval.
    assert h.sleeps[0] == PollPolicy().interval
    assert h.sleeps == sorted(h.sleeps)


def test_action_required_stops_polling_and_surfaces_the_action(connect: Connect) -> None:
    h = connect()
    with pytest.raises(ActionRequiredError) as caught:
        h.client.register("confirm-me.com", timeout=3600)
    error = caught.value
    assert error.action == "registrant_email_confirmation_pending"
    assert error.confirmation_sent_to == "a***@example.com"
    assert error.status is not None
    assert error.status.state is WorkflowState.ACTION_REQUIRED
    assert error.status.completed is False
    # It stopped at once: no deadline was run down, and the request was not sent again.
    assert h.elapsed() < 60
    assert h.transport.count("POST", "/registrations") == 1
    assert h.account.registrations["confirm-me.com"].status is ServerStatus.REGISTRATION_PENDING


def test_blocked_for_two_days_keeps_polling_slower_and_tells_the_caller(
    connect: Connect, caplog: pytest.LogCaptureFixture
) -> None:
    h = connect()
    blocked_seen: list[WorkflowStatus] = []
    sleeps_before: list[int] = []

    def on_blocked(status: WorkflowStatus) -> None:
        blocked_seen.append(status)
        sleeps_before.append(len(h.sleeps))

    with caplog.at_level(logging.WARNING, logger="registrar_mock.client"):
        status = h.client.register("slow-launch.com", timeout=3 * 86400, on_blocked=on_blocked)

    assert status.state is WorkflowState.SUCCEEDED
    assert h.client.get_registration("slow-launch.com").status is RegistrationStatus.ACTIVE
    assert h.elapsed() >= 2 * 86400
    assert blocked_seen, "on_blocked was never called"
    assert all(s.state is WorkflowState.BLOCKED for s in blocked_seen)
    assert blocked_seen[0].context["blocked_by"] == "registry"
    assert any("blocked" in record.getMessage() for record in caplog.records)

    first_blocked = sleeps_before[0]
    before, during = h.sleeps[:first_blocked], h.sleeps[first_blocked:]
    policy = PollPolicy()
    assert before and max(before) <= policy.max_interval
    assert min(during) >= policy.blocked_interval > max(before)
    assert during == sorted(during)  # still backing off
    assert max(during) == policy.max_blocked_interval  # and capped
    # Polling a two-day block at up to 15 minutes takes a few hundred polls, not thousands.
    assert len(h.sleeps) < 400
    assert h.transport.count("POST", "/registrations") == 1


def test_failed_workflow_surfaces_error_and_is_not_retried(connect: Connect) -> None:
    h = connect()
    with pytest.raises(WorkflowFailedError) as caught:
        h.client.register("reject-me.com", timeout=600)
    assert caught.value.code == "registry_rejected"
    assert caught.value.message == "Registry rejected the registration request."
    assert "Registry rejected" in str(caught.value)
    assert caught.value.status is not None and caught.value.status.completed
    assert h.transport.count("POST", "/registrations") == 1
    assert "reject-me.com" not in h.registered()


def test_a_workflow_that_never_finishes_times_out_at_the_deadline(connect: Connect) -> None:
    h = connect()
    with pytest.raises(WorkflowTimeoutError) as caught:
        h.client.register("stuck-forever.com", timeout=300)
    error = caught.value
    assert error.timeout == 300
    assert error.status is not None and error.status.state is WorkflowState.IN_PROGRESS
    # The waits add up to the deadline exactly (virtual time), never beyond it.
    assert sum(h.sleeps) == pytest.approx(300)
    assert h.transport.count("POST", "/registrations") == 1


def test_a_blocked_workflow_also_times_out(connect: Connect) -> None:
    h = connect()
    calls: list[WorkflowStatus] = []
    with pytest.raises(WorkflowTimeoutError) as caught:
        h.client.register("slow-path.com", timeout=3600, on_blocked=calls.append)
    assert caught.value.status is not None
    assert caught.value.status.state is WorkflowState.BLOCKED
    assert calls
    assert sum(h.sleeps) == pytest.approx(3600)


def test_waiting_needs_a_finite_deadline(connect: Connect) -> None:
    h = connect()
    status = h.client.create_registration("patient.com", prefer_async=True)
    for bad in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            h.client.wait_for_workflow(status, timeout=bad)
    with pytest.raises(ValueError):
        h.client.register("never-bought.com", timeout=float("inf"))
    assert "never-bought.com" not in h.registered()


def test_register_without_wait_returns_the_first_answer(connect: Connect) -> None:
    h = connect()
    status = h.client.register("slow-start.com", wait=False)
    assert status.state is WorkflowState.PENDING
    assert h.sleeps == []


def test_update_registration_and_its_update_status(connect: Connect) -> None:
    h = connect()
    h.client.register("tune.com")
    started = h.client.update_registration("tune.com", auto_renew=True, prefer_async=True)
    assert started.state is WorkflowState.IN_PROGRESS
    assert started.links.self_link.endswith("/tune.com/update-status")
    assert h.client.get_update_status("tune.com").state is WorkflowState.IN_PROGRESS
    done = h.client.wait_for_workflow(started, timeout=60)
    assert done.state is WorkflowState.SUCCEEDED
    assert done.context["fields_updated"] == ["auto_renew"]
    assert h.client.get_registration("tune.com").auto_renew is True
    assert h.client.get_registration_status("tune.com").state is WorkflowState.SUCCEEDED

    # Without Prefer the server holds the PATCH until the short update is done.
    settled = h.client.update_registration("tune.com", auto_renew=False)
    assert settled.completed is True
    assert h.client.get_registration("tune.com").auto_renew is False


def test_a_status_link_to_another_host_is_not_followed(connect: Connect) -> None:
    def elsewhere(body: dict[str, Any]) -> None:
        result = body.get("result")
        if isinstance(result, dict) and "links" in result:
            result["links"]["self"] = "https://collector.example/steal"

    h = connect(after=rewrite_json(elsewhere))
    started = h.client.create_registration("careful.com", prefer_async=True)
    with pytest.raises(ResponseFormatError, match=r"collector\.example"):
        h.client.wait_for_workflow(started, timeout=60)
    assert not any(path == "/steal" for _, path in h.transport.seen)
