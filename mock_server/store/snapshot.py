"""The registrar's whole mutable state as plain JSON-able data, and back.

Used by the control API's export and import, and by the state file, which keeps
one account per row in the same form. The world itself (catalogue, registry,
scripts) is not here: it comes from the scenario, which the caller keeps beside
this.

Reading is strict and whole: :func:`parse` checks every field and every link
between them (each registration has its workflow, each step index is in range,
each workflow belongs to its account) and raises :class:`SnapshotError` naming the
first problem, so a bad snapshot is refused before anything is changed.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from registrar_mock.clock import EARLIEST, KEPT_LATEST, MAX_SECONDS, in_span
from registrar_mock.model.billing import MAX_CHARGES
from registrar_mock.model.records import (
    Account,
    Charge,
    Contact,
    PrivacyMode,
    Registration,
    RegistrationStatus,
    WorkflowKind,
    WorkflowState,
    Zone,
    ZoneStatus,
    ZoneType,
)
from registrar_mock.model.registrar import Registrar
from registrar_mock.model.workflows import Script, Step, Workflow
from registrar_mock.names import normalize

VERSION = 1
CHARGE_KINDS = ("registration", "renewal", "transfer")

E = TypeVar("E", bound=StrEnum)


class SnapshotError(ValueError):
    """A snapshot that can't be restored; the message names the place and the problem."""


def within_range(instant: datetime) -> datetime:
    """``instant``, if it lies in the span the mock works in; SnapshotError otherwise."""
    if not in_span(instant, kept=True):
        raise SnapshotError(f"the instant is outside {EARLIEST.year} to {KEPT_LATEST.year}")
    return instant


# --- writing ---------------------------------------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


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


def _charge(charge: Charge) -> dict[str, Any]:
    return {
        "domain_name": charge.domain_name,
        "kind": charge.kind,
        "amount": format(charge.amount, "f"),
        "currency": charge.currency,
        "years": charge.years,
        "at": _time(charge.at),
    }


def _zone(zone: Zone) -> dict[str, Any]:
    return {
        "name": zone.name,
        "status": zone.status.value,
        "dnssec": zone.dnssec,
        "type": zone.type.value,
    }


def dump_account(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "sandbox": account.sandbox,
        "has_billing": account.has_billing,
        "default_contact": _contact(account.default_contact),
        "registrations": [_registration(r) for r in account.registrations.values()],
        "registration_workflows": [_workflow(w) for w in account.registration_workflows.values()],
        "update_workflows": [_workflow(w) for w in account.update_workflows.values()],
        "transfer_workflows": [_workflow(w) for w in account.transfer_workflows.values()],
        "zones": [_zone(z) for z in account.zones.values()],
        "charges": [_charge(c) for c in account.charges],
    }


def dump(registrar: Registrar) -> dict[str, Any]:
    with registrar.lock:
        return {
            "version": VERSION,
            "accounts": [dump_account(account) for account in registrar.accounts.values()],
        }


# --- reading ---------------------------------------------------------------------------------


class _At:
    """A place in the snapshot, and typed reads of the fields there."""

    def __init__(self, path: str, data: Any) -> None:
        self.path = path
        if not isinstance(data, Mapping):
            raise SnapshotError(f"{path or 'the snapshot'}: must be an object")
        self.data = data

    def fail(self, key: str, problem: str) -> SnapshotError:
        return SnapshotError(f"{self.path}.{key}: {problem}" if self.path else f"{key}: {problem}")

    def get(self, key: str, kind: type | tuple[type, ...], *, null: bool = False) -> Any:
        if key not in self.data:
            raise self.fail(key, "is missing")
        value = self.data[key]
        if value is None and null:
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(key, "has the wrong type")
        if not isinstance(value, kind):
            raise self.fail(key, "has the wrong type")
        return value

    def text(self, key: str, *, null: bool = False) -> Any:
        return self.get(key, str, null=null)

    def number(self, key: str, low: int = 0, high: int | None = None) -> int:
        value: int = self.get(key, int)
        if value < low or (high is not None and value > high):
            raise self.fail(key, "is out of range")
        return value

    def time(self, key: str, *, null: bool = False) -> Any:
        text = self.text(key, null=null)
        if text is None:
            return None
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise self.fail(key, "is not a timestamp") from None
        if parsed.tzinfo is None:
            raise self.fail(key, "has no timezone")
        if not in_span(parsed, kept=True):
            raise self.fail(key, f"is outside {EARLIEST.year} to {KEPT_LATEST.year}")
        return parsed.astimezone(UTC)

    def choice(self, key: str, enum: type[E]) -> E:
        value = self.text(key)
        try:
            return enum(value)
        except ValueError:
            raise self.fail(key, f"must be one of {', '.join(m.value for m in enum)}") from None

    def items(self, key: str) -> list[_At]:
        values = self.get(key, list)
        return [_At(f"{self.path}.{key}[{i}]" if self.path else f"{key}[{i}]", v)
                for i, v in enumerate(values)]  # fmt: skip

    def child(self, key: str) -> _At:
        return _At(f"{self.path}.{key}" if self.path else key, self.get(key, Mapping))


def _load_contact(at: _At, key: str) -> Contact | None:
    if at.get(key, Mapping, null=True) is None:
        return None
    item = at.child(key)
    required = ("email", "phone", "name", "street", "city", "state", "postal_code", "country_code")
    fields = {name: item.text(name) for name in required}
    given = [name for name in ("organization", "fax") if name in item.data]
    optional = {name: item.text(name, null=True) for name in given}
    return Contact(**fields, **optional)


def _domain(at: _At, key: str = "domain_name") -> str:
    """A domain name as the registrar keeps them: normalised (lower case, punycode)."""
    name: str = at.text(key)
    if normalize(name) != name:
        raise at.fail(key, "is not a domain name as the registrar keeps them (normalised)")
    return name


def _load_registration(at: _At) -> Registration:
    return Registration(
        domain_name=_domain(at),
        account_id=at.text("account_id"),
        status=at.choice("status", RegistrationStatus),
        created_at=at.time("created_at"),
        expires_at=at.time("expires_at", null=True),
        years=at.number("years", 1, 10),
        auto_renew=at.get("auto_renew", bool),
        locked=at.get("locked", bool),
        privacy_mode=at.choice("privacy_mode", PrivacyMode),
        registrant=_load_contact(at, "registrant"),
        updated_at=at.time("updated_at", null=True),
    )


def _load_step(at: _At) -> Step:
    seconds = at.get("seconds", (int, float), null=True)
    if seconds is not None and not 0 <= seconds <= MAX_SECONDS:
        raise at.fail("seconds", "is out of range")
    polls = at.get("polls", int, null=True)
    if polls is not None and polls < 1:
        raise at.fail("polls", "is out of range")
    return Step(
        at.choice("state", WorkflowState),
        seconds=None if seconds is None else float(seconds),
        polls=polls,
        context=dict(at.get("context", Mapping)),
        error_code=at.text("error_code", null=True),
        error_message=at.text("error_message", null=True),
    )


def _load_workflow(at: _At, kind: WorkflowKind, account_id: str) -> Workflow:
    if at.choice("kind", WorkflowKind) is not kind:
        raise at.fail("kind", f"must be {kind.value} in this list")
    if at.text("account_id") != account_id:
        raise at.fail("account_id", "is not the account that holds it")
    try:
        script = Script(tuple(_load_step(step) for step in at.items("script")))
    except ValueError as exc:
        if isinstance(exc, SnapshotError):
            raise
        raise at.fail("script", str(exc)) from None
    step_index = at.number("step_index", 0, len(script.steps) - 1)
    extra: dict[str, Any] = {}
    context = at.child("extra_context")
    for key, value in context.data.items():
        if isinstance(value, Mapping) and "$registration" in value:
            extra[key] = _load_registration(context.child(key).child("$registration"))
        else:
            extra[key] = value
    override = at.get("override_error", list, null=True)
    if override is not None and not _pair(override):
        raise at.fail("override_error", "must be [code, message]")
    return Workflow(
        kind,
        account_id,
        _domain(at),
        script,
        created_at=at.time("created_at"),
        updated_at=at.time("updated_at"),
        step_index=step_index,
        step_started_at=at.time("step_started_at", null=True),
        polls_in_step=at.number("polls_in_step"),
        extra_context=extra,
        override_error=(override[0], override[1]) if override else None,
        changes=dict(at.get("changes", Mapping)),
    )


def _pair(value: list[Any]) -> bool:
    return len(value) == 2 and all(isinstance(item, str) for item in value)


def _load_charge(at: _At) -> Charge:
    kind = at.text("kind")
    if kind not in CHARGE_KINDS:
        raise at.fail("kind", f"must be one of {', '.join(CHARGE_KINDS)}")
    try:
        amount = Decimal(at.text("amount"))
    except InvalidOperation:
        raise at.fail("amount", "is not a decimal amount") from None
    if not amount.is_finite():
        raise at.fail("amount", "is not a decimal amount")
    return Charge(
        _domain(at),
        kind,
        amount,
        at.text("currency"),
        at.number("years", 1, 10),
        at.time("at"),
    )


def _load_zone(at: _At) -> Zone:
    return Zone(
        _domain(at, "name"),
        at.choice("status", ZoneStatus),
        at.get("dnssec", bool),
        at.choice("type", ZoneType),
    )


def _keyed(
    items: list[_At], load: Callable[[_At], Any], key: Callable[[Any], str], what: str
) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for at in items:
        value = load(at)
        if key(value) in found:
            raise SnapshotError(f"{at.path}: a second {what} for the same domain")
        found[key(value)] = value
    return found


WORKFLOW_LISTS = {
    "registration_workflows": WorkflowKind.REGISTRATION,
    "update_workflows": WorkflowKind.UPDATE,
    "transfer_workflows": WorkflowKind.TRANSFER,
}


def _workflows(at: _At, field: str, account_id: str) -> dict[str, Workflow]:
    kind = WORKFLOW_LISTS[field]
    found: dict[str, Workflow] = {}
    # Transfers came after version 1 was first written: older files have no such list.
    optional = kind is WorkflowKind.TRANSFER and field not in at.data
    for item in [] if optional else at.items(field):
        workflow = _load_workflow(item, kind, account_id)
        if kind is WorkflowKind.TRANSFER:
            # What the domain's expiry was elsewhere: the transfer adds to it when it succeeds.
            item.child("changes").time("expires_at")
        if workflow.domain_name in found:
            raise SnapshotError(f"{item.path}: a second workflow for the same domain")
        found[workflow.domain_name] = workflow
    return found


ACCOUNT_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def load_account(data: Any, path: str = "account") -> Account:
    """One account, checked whole; raises SnapshotError naming the first problem."""
    at = _At(path, data)
    account_id = at.text("id")
    if not ACCOUNT_ID.fullmatch(account_id):
        # What a scenario or a request can name, and no more: the id goes into paths.
        raise at.fail("id", "is not an account id (1 to 32 of A-Z, a-z, 0-9, _ and -)")
    sandbox = at.get("sandbox", bool) if "sandbox" in at.data else False
    account = Account(
        account_id,
        at.get("has_billing", bool),
        _load_contact(at, "default_contact"),
        sandbox=sandbox,
    )
    account.registrations = _keyed(
        at.items("registrations"), _load_registration, lambda r: r.domain_name, "registration"
    )
    for index, registration in enumerate(account.registrations.values()):
        if registration.account_id != account_id:
            raise at.fail(f"registrations[{index}]", "names another account")
    account.registration_workflows = _workflows(at, "registration_workflows", account_id)
    account.update_workflows = _workflows(at, "update_workflows", account_id)
    account.transfer_workflows = _workflows(at, "transfer_workflows", account_id)
    if "zones" in at.data:
        account.zones = _keyed(at.items("zones"), _load_zone, lambda z: z.name, "zone")
    charges = at.items("charges")
    if len(charges) > MAX_CHARGES:
        raise at.fail("charges", f"holds more than the {MAX_CHARGES} charges an account keeps")
    account.charges = [_load_charge(item) for item in charges]
    _check_links(at, account)
    return account


def _check_links(at: _At, account: Account) -> None:
    """What the registrar relies on between registrations and their workflows.

    Places are named by index, not by domain: the message may reach an answer.
    """
    for index, (name, registration) in enumerate(account.registrations.items()):
        where = f"registrations[{index}]"
        transfer = account.transfer_workflows.get(name)
        # A domain transferred in (or being) is followed by its transfer, else by its
        # registration; the status says which is running.
        if registration.status is RegistrationStatus.TRANSFER_PENDING or (
            transfer is not None and transfer.state is WorkflowState.SUCCEEDED
        ):
            if transfer is None:
                raise at.fail(where, "has no transfer workflow")
            pending = registration.status is RegistrationStatus.TRANSFER_PENDING
            if pending == transfer.completed:
                raise at.fail(where, "its status and its transfer's state disagree")
            continue
        workflow = account.registration_workflows.get(name)
        if workflow is None:
            raise at.fail(where, "has no registration workflow")
        pending = registration.status is RegistrationStatus.REGISTRATION_PENDING
        if pending == workflow.completed:
            raise at.fail(where, "its status and its workflow's state disagree")
    for field in ("registration_workflows", "transfer_workflows"):
        for index, (name, workflow) in enumerate(getattr(account, field).items()):
            if not workflow.completed and name not in account.registrations:
                raise at.fail(f"{field}[{index}]", "runs with no registration")
    for index, name in enumerate(account.update_workflows):
        if name not in account.registrations:
            raise at.fail(f"update_workflows[{index}]", "has no registration")


def parse(data: Any) -> list[Account]:
    """Read a snapshot's accounts; raises SnapshotError without touching any registrar."""
    version = data.get("version") if isinstance(data, Mapping) else None
    if version != VERSION:
        raise SnapshotError(f"version: must be {VERSION}")
    top = _At("", data)
    accounts = [load_account(item.data, item.path) for item in top.items("accounts")]
    check_together(accounts)
    return accounts


def check_together(accounts: list[Account], what: str = "accounts") -> None:
    """What must hold across accounts: one of each id (per environment), and each domain
    held once in production and once across the sandbox."""
    owners: dict[bool, set[str]] = {False: set(), True: set()}
    seen: set[str] = set()
    for index, account in enumerate(accounts):
        if account.key in seen:
            raise SnapshotError(f"{what}[{index}].id: a second account with the same id")
        seen.add(account.key)
        held = owners[account.sandbox]
        for place, name in enumerate(account.registrations):
            if name in held:
                raise SnapshotError(
                    f"{what}[{index}].registrations[{place}]: held by another account too"
                )
            held.add(name)
