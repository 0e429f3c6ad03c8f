"""Rendering: how model objects look on the wire, the JSON shapes of the Registrar API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registrar_mock.clock import isoformat
from registrar_mock.model.records import (
    Availability,
    Charge,
    Registration,
    RegistrationStatus,
    WorkflowKind,
)
from registrar_mock.model.workflows import Workflow

STATUS_PATHS = {
    WorkflowKind.REGISTRATION: "registration-status",
    WorkflowKind.UPDATE: "update-status",
}


def _time(instant: datetime | None) -> str | None:
    return None if instant is None else isoformat(instant)


def registration(reg: Registration) -> dict[str, Any]:
    return {
        "domain_name": reg.domain_name,
        "status": reg.status.value,
        "created_at": isoformat(reg.created_at),
        "expires_at": _time(reg.expires_at),
        "auto_renew": reg.auto_renew,
        "locked": reg.locked,
        "privacy_mode": reg.privacy_mode.value,
    }


def resource_path(account_id: str, domain: str) -> str:
    """Paths are relative to the API root, as Cloudflare writes them in `links`."""
    return f"/accounts/{account_id}/registrar/registrations/{domain}"


def status_path(workflow: Workflow) -> str:
    base = resource_path(workflow.account_id, workflow.domain_name)
    return f"{base}/{STATUS_PATHS[workflow.kind]}"


def workflow(wf: Workflow) -> dict[str, Any]:
    context = {
        key: registration(value) if isinstance(value, Registration) else value
        for key, value in wf.context.items()
    }
    body: dict[str, Any] = {
        "completed": wf.completed,
        "created_at": isoformat(wf.created_at),
        "updated_at": isoformat(wf.updated_at),
        "links": {
            "self": status_path(wf),
            "resource": resource_path(wf.account_id, wf.domain_name),
        },
        "state": wf.state.value,
        "context": context,
    }
    error = wf.error
    if error is not None:
        body["error"] = {"code": error[0], "message": error[1]}
    return body


def availability(item: Availability) -> dict[str, Any]:
    body: dict[str, Any] = {"name": item.name, "registrable": item.registrable}
    if item.price is not None and item.registrable:
        body["pricing"] = {
            "currency": item.price.currency,
            "registration_cost": format(item.price.registration_cost, "f"),
            "renewal_cost": format(item.price.renewal_cost, "f"),
        }
    if item.reason is not None:
        body["reason"] = item.reason.value
    if item.tier is not None:
        body["tier"] = item.tier.value
    return body


def legacy_domain(reg: Registration, domain_id: str) -> dict[str, Any]:
    """The deprecated Domain resource, built from the same registration: the documented
    fields only (its name, auto-renew and privacy live on the registration resource)."""
    statuses = ["clientTransferProhibited"] if reg.locked else ["ok"]
    if reg.status is RegistrationStatus.REGISTRATION_PENDING:
        statuses = ["pendingCreate"]
    body: dict[str, Any] = {
        "id": domain_id,
        "available": False,
        "can_register": False,
        "created_at": isoformat(reg.created_at),
        "current_registrar": "Cloudflare",
        "locked": reg.locked,
        "registry_statuses": ",".join(statuses),
        "supported_tld": True,
        "updated_at": isoformat(reg.updated_at or reg.created_at),
    }
    if reg.expires_at is not None:
        body["expires_at"] = isoformat(reg.expires_at)
    contact = reg.registrant
    if contact is not None:
        first, _, last = contact.name.partition(" ")
        # The legacy schema caps some lengths that the modern contact does not.
        body["registrant_contact"] = {
            "first_name": first[:60],
            "last_name": (last or first)[:60],
            "organization": contact.organization or "",
            "address": contact.street,
            "city": contact.city,
            "state": contact.state,
            "zip": contact.postal_code[:20],
            "country": contact.country_code,
            "phone": contact.phone[:20],
            "email": contact.email[:90],
        }
    return body


def charge(item: Charge) -> dict[str, Any]:
    return {
        "domain_name": item.domain_name,
        "kind": item.kind,
        "amount": format(item.amount, "f"),
        "currency": item.currency,
        "years": item.years,
        "at": isoformat(item.at),
    }
