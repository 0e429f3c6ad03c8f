"""What the inspector shows: the whole mock as one JSON document, built from the control
plane.

Everything the page needs to decide is decided here, once: what a workflow waits for,
which of its steps is current, and which control API calls settle it (its
``actions``). The page only draws the document and sends the calls it names, so the
rules stay in Python, beside the model they describe.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from registrar_mock import spec
from registrar_mock.clock import isoformat
from registrar_mock.control.plane import Control
from registrar_mock.http import rendering
from registrar_mock.model import profiles
from registrar_mock.model.records import Account, Registration, WorkflowKind, WorkflowState
from registrar_mock.model.workflows import Step, Workflow
from registrar_mock.scenarios import bundled

# More than anyone reads on one page, across all accounts; each account says how many of
# its own were left out. It keeps the document, and so each update, small.
MAX_REGISTRATIONS = 500


def build(control: Control) -> dict[str, Any]:
    """The inspector's document: scenario, clock, accounts and faults. (The journal is sent
    apart: a request that changes nothing else leaves the document as it was.)"""
    registrar = control.registrar
    with registrar.lock:
        accounts = registrar.settled_accounts()
        room = MAX_REGISTRATIONS
        shown = []
        for account in sorted(accounts, key=_order):
            shown.append(_account(control, account, room))
            room -= len(shown[-1]["registrations"])
        now = control.now()
        faults = [rule.to_json() for rule in control.faults.rules]
    world = control.scenario.world
    return {
        "scenario": {
            "name": control.scenario.name,
            "description": world.description,
            "open_accounts": world.open_accounts,
            "domain_limit": world.domain_limit,
        },
        "scenarios": sorted(bundled()),
        "clock": {**control.clock_json(), "now": isoformat(now)},
        "accounts": shown,
        "faults": faults,
        "operations": sorted(spec.registrar_operations()),
    }


def journal_span(control: Control) -> dict[str, int]:
    """Which journal entries are kept: numbers ``first`` to ``last``, at most ``capacity``."""
    journal = control.journal
    return {"first": journal.first_seq, "last": journal.last_seq, "capacity": journal.capacity}


def _order(account: Account) -> tuple[bool, str]:
    return (account.sandbox, account.id)


def _account(control: Control, account: Account, room: int) -> dict[str, Any]:
    profile = profiles.of(account.sandbox)
    limit = control.registrar.view(account).domain_limit
    contact = account.default_contact
    registrations = sorted(account.registrations.values(), key=lambda r: r.domain_name)
    return {
        "id": account.id,
        "environment": _environment(account),
        # The sandbox bills nobody: it needs no billing profile.
        "billing": account.has_billing if profile.billing else None,
        "contact": None if contact is None else {"name": contact.name, "email": contact.email},
        "domains": len(account.registrations),
        "limit": limit,
        "registrations": [
            _registration(account, registration) for registration in registrations[:room]
        ],
        "more_registrations": max(0, len(registrations) - room),
        "transfers": [
            _workflow(account, workflow)
            for _, workflow in sorted(account.transfer_workflows.items())
        ],
        "charges": [rendering.charge(charge) for charge in account.charges],
    }


def _registration(account: Account, registration: Registration) -> dict[str, Any]:
    name = registration.domain_name
    workflows = (
        account.registration_workflows.get(name),
        account.update_workflows.get(name),
    )
    return {
        "domain_name": name,
        "status": registration.status.value,
        "created_at": isoformat(registration.created_at),
        "expires_at": _when(registration.expires_at),
        "auto_renew": registration.auto_renew,
        "locked": registration.locked,
        "privacy_mode": registration.privacy_mode.value,
        "workflows": [_workflow(account, w) for w in workflows if w is not None],
    }


def _workflow(account: Account, workflow: Workflow) -> dict[str, Any]:
    error = workflow.error
    return {
        "kind": workflow.kind.value,
        "domain_name": workflow.domain_name,
        "state": workflow.state.value,
        "created_at": isoformat(workflow.created_at),
        "updated_at": isoformat(workflow.updated_at),
        "steps": [_step(step) for step in workflow.script.steps],
        "current": workflow.step_index,
        "step_started_at": isoformat(workflow.started),
        "ends_at": _when(workflow.completion_time()),
        "waiting_for": waiting_for(workflow),
        "error": None if error is None else {"code": error[0], "message": error[1]},
        "actions": list(actions(account, workflow)),
    }


def _step(step: Step) -> dict[str, Any]:
    return {"state": step.state.value, "seconds": step.seconds, "polls": step.polls}


def waiting_for(workflow: Workflow) -> str | None:
    """What the workflow's current step waits for, in words; None once it has ended."""
    if workflow.completed:
        return None
    step = workflow.step
    transfer = workflow.kind is WorkflowKind.TRANSFER
    ends = None if step.seconds is None else workflow.started + timedelta(seconds=step.seconds)
    # A timer on a step that waits for someone shows as the workflow's ends_at.
    if step.state is WorkflowState.ACTION_REQUIRED:
        who = "the registrant's answer to the approval email" if transfer else "the user"
        return f"{who}: Confirm or Reject"
    if transfer and step.state is WorkflowState.BLOCKED:
        return "the losing registrar: Confirm (approve) or Reject"
    if ends is not None:
        return f"time: the step ends at {isoformat(ends)}"
    if step.polls is not None:
        return f"status polls: {max(0, step.polls - workflow.polls_in_step)} more"
    return "nothing the control API can give: it holds until a reset"


def actions(account: Account, workflow: Workflow) -> Iterable[dict[str, Any]]:
    """The control API calls that settle the workflow where it waits, as the page's
    Confirm and Reject buttons send them: an ``action_required`` step's user (or, for a
    transfer, registrant), or the losing registrar a transfer is ``blocked`` on."""
    # Each name is one path segment, whatever it holds.
    base = f"/accounts/{quote(account.id, safe='')}"
    domain = quote(workflow.domain_name, safe="")
    state = workflow.state
    if workflow.kind is WorkflowKind.TRANSFER:
        answers = {
            WorkflowState.BLOCKED: ("approve", "reject"),
            WorkflowState.ACTION_REQUIRED: ("accept", "decline"),
        }.get(state, ())
        for label, answer in zip(("Confirm", "Reject"), answers, strict=False):
            yield {"label": label, "path": f"{base}/transfers/{domain}/{answer}", "body": {}}
        return
    if state is WorkflowState.ACTION_REQUIRED:
        environment = _environment(account)
        for label, action in (("Confirm", "confirm"), ("Reject", "reject")):
            body = {"action": action, "kind": workflow.kind.value, "environment": environment}
            yield {"label": label, "path": f"{base}/registrations/{domain}/resolve", "body": body}


def _environment(account: Account) -> str:
    """As the control API names it (``environment`` of a resolve)."""
    return "sandbox" if account.sandbox else "production"


def _when(instant: datetime | None) -> str | None:
    return None if instant is None else isoformat(instant)
