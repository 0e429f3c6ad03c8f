"""The client walking each bundled scenario, with the server's own faults, sync and async."""

from __future__ import annotations

import pytest

from registrar_mock.client import (
    ActionRequiredError,
    Reason,
    RegistrationStatus,
    RetryPolicy,
    Tier,
    ValidationError,
    WorkflowFailedError,
    WorkflowState,
    WorkflowStatus,
)

from .conftest import ACCOUNT, Connect


def test_default_happy_path(connect: Connect) -> None:
    h = connect("default")
    status = h.client.register("happy-path.com")
    assert status.state is WorkflowState.SUCCEEDED
    assert status.registration is not None
    assert status.registration.status is RegistrationStatus.ACTIVE


def test_action_required_surfaces_the_action_then_resumes_after_confirmation(
    connect: Connect,
) -> None:
    h = connect("action-required")
    with pytest.raises(ActionRequiredError) as caught:
        h.client.register("confirm-scenario.com", timeout=3600)
    assert caught.value.action == "registrant_email_confirmation_pending"
    assert caught.value.confirmation_sent_to == "a***@example.com"
    h.app.control.resolve(ACCOUNT, "confirm-scenario.com", confirm=True)
    status = h.client.get_registration_status("confirm-scenario.com")
    done = h.client.wait_for_workflow(status, timeout=600)
    assert done.state is WorkflowState.SUCCEEDED
    assert h.transport.count("POST", "/registrations") == 1


def test_slow_registry_blocked_then_success(connect: Connect) -> None:
    h = connect("slow-registry")
    seen: list[WorkflowStatus] = []
    status = h.client.register("slow-scenario.com", timeout=5 * 86400, on_blocked=seen.append)
    assert status.state is WorkflowState.SUCCEEDED
    assert seen and all(s.state is WorkflowState.BLOCKED for s in seen)
    assert 2 * 86400 <= h.elapsed() < 3 * 86400


def test_registry_rejects_surfaces_the_message_and_is_not_retried(connect: Connect) -> None:
    h = connect("registry-rejects")
    with pytest.raises(WorkflowFailedError) as caught:
        h.client.register("refused-scenario.com", timeout=600)
    assert caught.value.message == "Registry rejected the registration request."
    assert h.transport.count("POST", "/registrations") == 1


def test_near_limit_reaches_the_limit(connect: Connect) -> None:
    h = connect("near-limit")
    assert h.client.register("the-last-one.com").state is WorkflowState.SUCCEEDED
    with pytest.raises(ValidationError) as caught:
        h.client.register("over-the-limit.com")
    assert "Domain limit reached" in str(caught.value)
    assert [e.pointer for e in caught.value.errors] == ["/domain_name"]


def test_no_billing(connect: Connect) -> None:
    h = connect("no-billing")
    with pytest.raises(ValidationError, match="billing profile"):
        h.client.register("unpaid-scenario.com")


def test_premium_and_unsupported(connect: Connect) -> None:
    h = connect("premium-and-unsupported")
    results = {d.name: d for d in h.client.check(["vip.com", "brand.io", "brand.py", "ok.com"])}
    assert results["vip.com"].tier is Tier.PREMIUM
    assert results["vip.com"].reason is Reason.DOMAIN_PREMIUM
    assert results["brand.io"].reason is Reason.EXTENSION_NOT_SUPPORTED_VIA_API
    assert results["brand.py"].reason is Reason.EXTENSION_DISALLOWS_REGISTRATION
    assert results["ok.com"].registrable is True
    assert results["ok.com"].pricing is not None
    for domain in ("vip.com", "brand.io"):
        with pytest.raises(ValidationError):
            h.client.register(domain)


def test_pagination_over_more_than_three_pages(connect: Connect) -> None:
    h = connect("near-limit")
    names = [r.domain_name for r in h.client.iter_registrations(per_page=20, sort_by="name")]
    assert len(names) == len(set(names)) == 99
    assert names == sorted(names)
    assert h.transport.count("GET", "/registrations") == 5


def test_a_429_storm_from_the_flaky_scenario_is_survived(connect: Connect) -> None:
    h = connect("flaky", retry=RetryPolicy(max_retries=5))
    for _ in range(6):
        assert h.client.list_registrations().items == []
    # Every third request got 429 with Retry-After: 1, and the client waited that long.
    assert h.app.control.faults.rules[0].fired >= 2
    assert 1.0 in h.sleeps


def test_a_dropped_post_does_not_register_twice(connect: Connect) -> None:
    h = connect("default")
    h.app.control.add_fault(
        {
            "operations": ["registrar-domain-registration-create"],
            "times": 1,
            "effect": {"drop": "after"},
        }
    )
    status = h.client.register("dropped-scenario.com")
    assert status.state is WorkflowState.SUCCEEDED
    assert h.transport.count("POST", "/registrations") == 1
    assert [c.domain_name for c in h.app.control.charges(ACCOUNT)] == ["dropped-scenario.com"]
