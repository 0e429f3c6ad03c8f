"""Workflow scripts and the state machine that runs them.

A script is a list of steps. Each step shows one state and holds for a span of
virtual time, for a number of status polls, or (with neither) until the control
API resolves it. The last step is ``succeeded`` or ``failed``. A workflow
advances lazily: whoever reads it first calls :meth:`Workflow.advance` with the
current time, so no background task is needed and time can jump by days.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from registrar_mock.model.records import WorkflowKind, WorkflowState


@dataclass(frozen=True, slots=True)
class Step:
    state: WorkflowState
    seconds: float | None = None
    polls: int | None = None
    context: dict[str, Any] = field(default_factory=dict)
    error_code: str | None = None
    error_message: str | None = None

    @property
    def holds_for_user(self) -> bool:
        """A non-terminal step with neither timer nor poll count waits for the control API."""
        return not self.state.terminal and self.seconds is None and self.polls is None


@dataclass(frozen=True, slots=True)
class Script:
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if not self.steps or not self.steps[-1].state.terminal:
            raise ValueError("a workflow script must end in succeeded or failed")
        if any(step.state.terminal for step in self.steps[:-1]):
            raise ValueError("a workflow script cannot have a step after a terminal state")


@dataclass(frozen=True, slots=True)
class ScriptRule:
    pattern: str  # an exact name or a glob such as "*.xyz" or "slow-*.com"
    script: Script

    def matches(self, domain: str) -> bool:
        return fnmatch.fnmatchcase(domain, self.pattern)


DEFAULT_REGISTRATION_SCRIPT = Script(
    (
        Step(WorkflowState.PENDING, seconds=0.25),
        Step(WorkflowState.IN_PROGRESS, seconds=0.75),
        Step(WorkflowState.SUCCEEDED),
    )
)
DEFAULT_UPDATE_SCRIPT = Script(
    (
        Step(WorkflowState.IN_PROGRESS, seconds=0.5),
        Step(WorkflowState.SUCCEEDED),
    )
)


@dataclass(frozen=True, slots=True)
class ScriptBook:
    """Which script a new workflow follows: the first matching rule, else the default."""

    registration_rules: tuple[ScriptRule, ...] = ()
    update_rules: tuple[ScriptRule, ...] = ()
    default_registration: Script = DEFAULT_REGISTRATION_SCRIPT
    default_update: Script = DEFAULT_UPDATE_SCRIPT
    # Transfers follow the losing registrar (``transferring``) unless a rule or default
    # written in the scenario says otherwise.
    transfer_rules: tuple[ScriptRule, ...] = ()
    default_transfer: Script | None = None

    def for_domain(self, kind: WorkflowKind, domain: str) -> Script:
        rules: Iterable[ScriptRule]
        if kind is WorkflowKind.REGISTRATION:
            rules, default = self.registration_rules, self.default_registration
        elif kind is WorkflowKind.UPDATE:
            rules, default = self.update_rules, self.default_update
        else:
            raise ValueError("a transfer's script comes from transfer_script()")
        return self._match(rules, domain) or default

    def transfer_script(self, domain: str) -> Script | None:
        """The scenario's script for transferring ``domain`` in, if it writes one."""
        return self._match(self.transfer_rules, domain) or self.default_transfer

    @staticmethod
    def _match(rules: Iterable[ScriptRule], domain: str) -> Script | None:
        for rule in rules:
            if rule.matches(domain):
                return rule.script
        return None


@dataclass(slots=True)
class Workflow:
    kind: WorkflowKind
    account_id: str
    domain_name: str
    script: Script
    created_at: datetime
    updated_at: datetime
    step_index: int = 0
    step_started_at: datetime | None = None
    polls_in_step: int = 0
    # What the workflow carries besides its step's context, e.g. the registration on success.
    extra_context: dict[str, Any] = field(default_factory=dict)
    # Set when the control API rejects an action_required step.
    override_error: tuple[str, str] | None = None
    # For updates: the fields to apply when the workflow succeeds.
    changes: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.step_started_at is None:
            self.step_started_at = self.created_at

    @property
    def started(self) -> datetime:
        """When the current step began."""
        return self.step_started_at or self.created_at

    @property
    def step(self) -> Step:
        return self.script.steps[self.step_index]

    @property
    def state(self) -> WorkflowState:
        if self.override_error is not None:
            return WorkflowState.FAILED
        return self.step.state

    @property
    def completed(self) -> bool:
        return self.state.terminal

    @property
    def error(self) -> tuple[str, str] | None:
        if self.override_error is not None:
            return self.override_error
        step = self.step
        if step.state is WorkflowState.FAILED:
            return (step.error_code or "failed", step.error_message or "The workflow failed.")
        return None

    @property
    def context(self) -> dict[str, Any]:
        merged: dict[str, Any] = {"domain_name": self.domain_name}
        merged.update(self.step.context)
        merged.update(self.extra_context)
        return merged

    def advance(self, now: datetime) -> bool:
        """Move through every step whose timer or poll count has run out by ``now``.

        Returns True if the state changed. Step boundaries are exact: a step of
        30 seconds that began at t ends at t+30s however late it is observed, so
        timestamps don't depend on when somebody happened to look.
        """
        changed = False
        while not self.completed:
            step = self.step
            if step.seconds is not None:
                ends = self.started + timedelta(seconds=step.seconds)
                if now < ends:
                    break
                self._enter(self.step_index + 1, ends)
            elif step.polls is not None and self.polls_in_step >= step.polls:
                self._enter(self.step_index + 1, now)
            else:
                break
            changed = True
        return changed

    def record_poll(self) -> None:
        self.polls_in_step += 1

    def completion_time(self) -> datetime | None:
        """When the workflow ends if nobody polls or acts, or None if it waits on someone."""
        if self.completed:
            return self.updated_at
        total = 0.0
        for step in self.script.steps[self.step_index :]:
            if step.state.terminal:
                break
            if step.seconds is None:
                return None
            total += step.seconds
        return self.started + timedelta(seconds=total)

    def resolve(self, now: datetime, *, confirm: bool, error: tuple[str, str]) -> None:
        """Let a user settle an ``action_required`` step: confirm moves on, reject fails."""
        if confirm:
            self._enter(self.step_index + 1, now)
        else:
            self.override_error = error
            self.updated_at = now

    def _enter(self, index: int, at: datetime) -> None:
        self.step_index = index
        self.step_started_at = at
        self.polls_in_step = 0
        self.updated_at = at
