"""Rendering: how model objects look on the wire, the JSON shapes of the Registrar API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from registrar_mock.clock import isoformat
from registrar_mock.http.parsing import CONTACT_ROLES
from registrar_mock.model import profiles
from registrar_mock.model.catalogue import Extension
from registrar_mock.model.records import (
    Availability,
    Charge,
    Registration,
    RegistrationStatus,
    Transferability,
    WorkflowKind,
)
from registrar_mock.model.workflows import Workflow

STATUS_PATHS = {
    WorkflowKind.REGISTRATION: "registration-status",
    WorkflowKind.UPDATE: "update-status",
    WorkflowKind.TRANSFER: "transfer-in-status",
}
PRODUCTION = profiles.PRODUCTION.name


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


def resource_path(account_id: str, domain: str, environment: str = PRODUCTION) -> str:
    """Paths are relative to the API root, as Cloudflare writes them in `links`;
    ``environment`` is the path segment of production or the sandbox."""
    return f"/accounts/{account_id}/{environment}/registrations/{domain}"


def status_path(workflow: Workflow, environment: str = PRODUCTION) -> str:
    base = resource_path(workflow.account_id, workflow.domain_name, environment)
    return f"{base}/{STATUS_PATHS[workflow.kind]}"


def workflow(wf: Workflow, environment: str = PRODUCTION) -> dict[str, Any]:
    context = {
        key: registration(value) if isinstance(value, Registration) else value
        for key, value in wf.context.items()
    }
    body: dict[str, Any] = {
        "completed": wf.completed,
        "created_at": isoformat(wf.created_at),
        "updated_at": isoformat(wf.updated_at),
        "links": {
            "self": status_path(wf, environment),
            "resource": resource_path(wf.account_id, wf.domain_name, environment),
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
            "registration_cost": _money(item.price.registration_cost),
            "renewal_cost": _money(item.price.renewal_cost),
        }
    if item.reason is not None:
        body["reason"] = item.reason.value
    if item.tier is not None:
        body["tier"] = item.tier.value
    return body


def _money(value: Any) -> str:
    return format(value, "f")


def transferability(item: Transferability) -> dict[str, Any]:
    body: dict[str, Any] = {"name": item.name, "transferable": item.transferable}
    if item.price is not None and item.transferable:
        body["pricing"] = {
            "currency": item.price.currency,
            "renewal_cost": _money(item.price.renewal_cost),
            "transfer_cost": _money(item.price.transfer_cost),
        }
    if item.reasons:
        body["reasons"] = [{"code": reason.value} for reason in item.reasons]
    return body


def extension(ext: Extension, profile: profiles.Profile = profiles.PRODUCTION) -> dict[str, Any]:
    """An extension as the catalogue endpoints show it: its names, and JSON Schemas of
    what registering and transferring a domain there take (what this mock checks).
    Without express mode (the sandbox) a registration must name its registrant."""
    registration = _registration_schema(ext)
    if not profile.express_mode:
        registration["required"].append("contacts")
        registration["properties"]["contacts"]["required"] = ["registrant"]
    return {
        "metadata": {"name": ext.name, "tld": ext.tld},
        "registration_schema": registration,
        "transfer_schema": _transfer_schema(ext),
        # Beyond the SDKs' types: what a client would otherwise learn by trying.
        "pricing": {
            "currency": ext.currency,
            "registration_cost": _money(ext.registration_cost),
            "renewal_cost": _money(ext.renewal_cost),
            "transfer_cost": _money(ext.transfer_price),
        },
        "registration": {
            "channel": ext.channel.value,
            "min_years": ext.min_years,
            "max_years": ext.max_years,
        },
        "transfer": {"channel": ext.transfers.value, "auth_code": ext.auth_code},
    }


_CONTACT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["email", "phone", "postal_info"],
    "properties": {
        "email": {"type": "string", "format": "email"},
        "phone": {"type": "string", "pattern": r"^\+[0-9]{1,3}\.[0-9]{1,14}$"},
        "fax": {"type": "string", "pattern": r"^\+[0-9]{1,3}\.[0-9]{1,14}$"},
        "postal_info": {
            "type": "object",
            "required": ["name", "address"],
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "organization": {"type": "string"},
                "address": {
                    "type": "object",
                    "required": ["street", "city", "state", "postal_code", "country_code"],
                    "properties": {
                        "street": {"type": "string", "minLength": 1},
                        "city": {"type": "string", "minLength": 1},
                        "state": {"type": "string", "minLength": 1},
                        "postal_code": {"type": "string", "minLength": 1},
                        "country_code": {"type": "string", "pattern": "^[A-Z]{2}$"},
                    },
                    "additionalProperties": False,
                },
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}


def _contacts_schema() -> dict[str, Any]:
    # Every extension this mock offers needs the registrant only; other roles are taken.
    return {
        "type": "object",
        "properties": {role: _CONTACT_SCHEMA for role in CONTACT_ROLES},
        "additionalProperties": False,
    }


def _privacy_schema(ext: Extension) -> dict[str, Any]:
    modes = ["off", "redaction"] if ext.redaction else ["off"]
    return {"type": "string", "enum": modes, "default": modes[-1]}


def _registration_schema(ext: Extension) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["domain_name"],
        "properties": {
            "domain_name": {"type": "string", "pattern": f"^[^.]+\\.{_escaped(ext.name)}$"},
            "years": {
                "type": "integer",
                "minimum": ext.min_years,
                "maximum": ext.max_years,
                "default": ext.min_years,
            },
            "auto_renew": {"type": "boolean", "default": False},
            "privacy_mode": _privacy_schema(ext),
            "contacts": _contacts_schema(),
            "acknowledgements": {"type": "object"},
            "contact_extensions": {"type": "object"},
        },
        "additionalProperties": False,
    }


def _transfer_schema(ext: Extension) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "auto_renew": {"type": "boolean", "default": False},
        "privacy_mode": _privacy_schema(ext),
        "contacts": _contacts_schema(),
        "contact_extensions": {"type": "object"},
    }
    if ext.auth_code:
        properties["auth_code"] = {"type": "string", "contentEncoding": "base64"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["auth_code"] if ext.auth_code else [],
        "properties": properties,
        "additionalProperties": False,
    }


def _escaped(name: str) -> str:
    return name.replace(".", "\\.")


def legacy_domain(reg: Registration, domain_id: str) -> dict[str, Any]:
    """The deprecated Domain resource, built from the same registration: the documented
    fields only (its name, auto-renew and privacy live on the registration resource)."""
    statuses = ["clientTransferProhibited"] if reg.locked else ["ok"]
    if reg.status is RegistrationStatus.REGISTRATION_PENDING:
        statuses = ["pendingCreate"]
    transferring = reg.status is RegistrationStatus.TRANSFER_PENDING
    if transferring:
        statuses = ["pendingTransfer"]
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
    if transferring:
        # Still at the losing registrar: what the transfer has passed, and what it waits for.
        del body["current_registrar"]
        body["transfer_in"] = {
            "accept_foa": "ok",
            "approve_transfer": "pending",
            "can_cancel_transfer": False,
            "disable_privacy": "ok",
            "enter_auth_code": "ok",
            "unlock_domain": "ok",
        }
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
        "amount": _money(item.amount),
        "currency": item.currency,
        "years": item.years,
        "at": isoformat(item.at),
    }
