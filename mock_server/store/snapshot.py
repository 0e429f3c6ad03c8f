"""The registrar's whole mutable state as plain JSON-able data, and back.

Used by the control API's export/import (snapshot and restore in tests), and
shaped so a state file can store the same thing. The world itself (catalogue,
registry, scripts) is not here: it comes from the scenario, which the caller
keeps beside this.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from registrar_mock.model.records import (
    Account,
    Charge,
    Contact,
    PrivacyMode,
    Registration,
    RegistrationStatus,
    WorkflowKind,
    WorkflowState,
)
from registrar_mock.model.registrar import Registrar
from registrar_mock.model.workflows import Script, Step, Workflow

VERSION = 1


class SnapshotError(ValueError):
    pass


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _required_time(value: str) -> datetime:
    parsed = _parse_time(value)
    if parsed is None:
        raise SnapshotError("a required timestamp is null")
    return parsed


def _contact(contact: Contact | None) -> dict[str, Any] | None:
    return None if contact is None else dataclasses.asdict(contact)


def _registration(reg: Registration) -> dict[str, Any]:
    return {
        "domain_name": reg.domain_name,
        "account_id": reg.account_id,
        "status": reg.status.value,
        "created_at": _time(reg.created_at),
        "expires_at": _time(reg.expires_at),
        "years": reg.years,
        "auto_renew": reg.auto_renew,
        "locked": reg.locked,
        "privacy_mode": reg.privacy_mode.value,
        "registrant": _contact(reg.registrant),
        "updated_at": _time(reg.updated_at),
    }


def _load_registration(data: dict[str, Any]) -> Registration:
    created = _required_time(data["created_at"])
    return Registration(
        domain_name=data["domain_name"],
        account_id=data["account_id"],
        status=RegistrationStatus(data["status"]),
        created_at=created,
        expires_at=_parse_time(data["expires_at"]),
        years=data["years"],
        auto_renew=data["auto_renew"],
        locked=data["locked"],
        privacy_mode=PrivacyMode(data["privacy_mode"]),
        registrant=Contact(**data["registrant"]) if data.get("registrant") else None,
        updated_at=_parse_time(data.get("updated_at")),
    )


def _step(step: Step) -> dict[str, Any]:
    return {
        "state": step.state.value,
        "seconds": step.seconds,
        "polls": step.polls,
        "context": step.context,
        "error_code": step.error_code,
        "error_message": step.error_message,
    }


def _workflow(wf: Workflow) -> dict[str, Any]:
    extra = {
        key: {"$registration": _registration(value)} if isinstance(value, Registration) else value
        for key, value in wf.extra_context.items()
    }
    return {
        "kind": wf.kind.value,
        "account_id": wf.account_id,
        "domain_name": wf.domain_name,
        "script": [_step(step) for step in wf.script.steps],
        "created_at": _time(wf.created_at),
        "updated_at": _time(wf.updated_at),
        "step_index": wf.step_index,
        "step_started_at": _time(wf.step_started_at),
        "polls_in_step": wf.polls_in_step,
        "extra_context": extra,
        "override_error": list(wf.override_error) if wf.override_error else None,
        "changes": wf.changes,
    }


def _load_workflow(data: dict[str, Any]) -> Workflow:
    steps = tuple(
        Step(
            WorkflowState(step["state"]),
            seconds=step["seconds"],
            polls=step["polls"],
            context=step["context"],
            error_code=step["error_code"],
            error_message=step["error_message"],
        )
        for step in data["script"]
    )
    extra = {
        key: _load_registration(value["$registration"])
        if isinstance(value, dict) and "$registration" in value
        else value
        for key, value in data["extra_context"].items()
    }
    created = _required_time(data["created_at"])
    updated = _required_time(data["updated_at"])
    override = data.get("override_error")
    return Workflow(
        WorkflowKind(data["kind"]),
        data["account_id"],
        data["domain_name"],
        Script(steps),
        created_at=created,
        updated_at=updated,
        step_index=data["step_index"],
        step_started_at=_parse_time(data["step_started_at"]),
        polls_in_step=data["polls_in_step"],
        extra_context=extra,
        override_error=(override[0], override[1]) if override else None,
        changes=data.get("changes", {}),
    )


def _charge(charge: Charge) -> dict[str, Any]:
    return {
        "domain_name": charge.domain_name,
        "kind": charge.kind,
        "amount": format(charge.amount, "f"),
        "currency": charge.currency,
        "years": charge.years,
        "at": _time(charge.at),
    }


def dump_account(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "has_billing": account.has_billing,
        "default_contact": _contact(account.default_contact),
        "registrations": [_registration(r) for r in account.registrations.values()],
        "registration_workflows": [_workflow(w) for w in account.registration_workflows.values()],
        "update_workflows": [_workflow(w) for w in account.update_workflows.values()],
        "charges": [_charge(c) for c in account.charges],
    }


def dump(registrar: Registrar) -> dict[str, Any]:
    with registrar.lock:
        return {
            "version": VERSION,
            "accounts": [dump_account(account) for account in registrar.accounts.values()],
        }


def parse(data: Any) -> list[Account]:
    """Read a snapshot's accounts; raises SnapshotError without touching any registrar."""
    version = data.get("version") if isinstance(data, dict) else None
    if version != VERSION:
        raise SnapshotError(f"unsupported state version {version!r}; expected {VERSION}")
    try:
        return [load_account(item) for item in data["accounts"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"malformed state: {exc!r}") from None


def load_account(item: dict[str, Any]) -> Account:
    account = Account(
        item["id"],
        item["has_billing"],
        Contact(**item["default_contact"]) if item.get("default_contact") else None,
    )
    for data in item["registrations"]:
        registration = _load_registration(data)
        account.registrations[registration.domain_name] = registration
    for data in item["registration_workflows"]:
        workflow = _load_workflow(data)
        account.registration_workflows[workflow.domain_name] = workflow
    for data in item["update_workflows"]:
        workflow = _load_workflow(data)
        account.update_workflows[workflow.domain_name] = workflow
    for data in item["charges"]:
        at = _required_time(data["at"])
        account.charges.append(
            Charge(
                data["domain_name"],
                data["kind"],
                Decimal(data["amount"]),
                data["currency"],
                data["years"],
                at,
            )
        )
    return account
