"""Workflow states and scripts (model/workflows.py): time, polls and people move them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from registrar_mock.model import WorkflowKind, WorkflowState
from registrar_mock.model.workflows import Script, Step, Workflow

T0 = datetime(2026, 1, 1, tzinfo=UTC)
S = WorkflowState


def workflow(*steps: Step) -> Workflow:
    return Workflow(WorkflowKind.REGISTRATION, "a", "x.com", Script(steps), T0, T0)


def test_timed_steps_end_at_exact_boundaries() -> None:
    wf = workflow(Step(S.PENDING, seconds=1), Step(S.IN_PROGRESS, seconds=2), Step(S.SUCCEEDED))
    assert wf.completion_time() == T0 + timedelta(seconds=3)
    assert not wf.advance(T0 + timedelta(seconds=0.5))
    assert wf.state is S.PENDING and not wf.completed
    assert wf.advance(T0 + timedelta(days=5))  # noticed late: still ends at t+3s
    assert wf.state is S.SUCCEEDED and wf.completed
    assert wf.updated_at == T0 + timedelta(seconds=3)


def test_a_step_can_hold_for_polls() -> None:
    wf = workflow(Step(S.IN_PROGRESS, polls=2), Step(S.SUCCEEDED))
    assert wf.completion_time() is None
    wf.record_poll()
    wf.advance(T0)
    assert wf.state is S.IN_PROGRESS
    wf.record_poll()
    wf.advance(T0)
    assert wf.state is S.SUCCEEDED


def test_action_required_waits_for_a_person() -> None:
    context = {"action": "confirm", "confirmation_sent_to": "a***@example.com"}
    confirmed = workflow(Step(S.ACTION_REQUIRED, context=context), Step(S.SUCCEEDED))
    assert not confirmed.advance(T0 + timedelta(days=365))
    assert confirmed.state is S.ACTION_REQUIRED and confirmed.context["action"] == "confirm"
    confirmed.resolve(T0, confirm=True, error=("rejected", "No."))
    assert confirmed.state is S.SUCCEEDED

    rejected = workflow(Step(S.ACTION_REQUIRED, context=context), Step(S.SUCCEEDED))
    rejected.resolve(T0, confirm=False, error=("rejected", "No."))
    assert rejected.state is S.FAILED and rejected.error == ("rejected", "No.")


@pytest.mark.parametrize(
    "steps",
    [(Step(S.PENDING),), (Step(S.SUCCEEDED), Step(S.SUCCEEDED)), ()],
)
def test_a_script_ends_in_exactly_one_terminal_state(steps: tuple[Step, ...]) -> None:
    with pytest.raises(ValueError):
        Script(steps)
