"""The deprecated ``/domains`` resource's shapes (Cloudflare ended them on 2026-09-27)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from registrar_mock.client._parse import Fields
from registrar_mock.client._repr import model_repr


@dataclass(frozen=True, slots=True)
class LegacyContact:
    """The registrant contact of the deprecated Domain resource."""

    first_name: str | None = None
    last_name: str | None = None
    organization: str | None = None
    address: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    phone: str | None = None
    email: str | None = None
    fax: str | None = None
    id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "registrant_contact")
        names = (
            "first_name", "last_name", "organization", "address", "address2", "city",
            "state", "zip", "country", "phone", "email", "fax", "id",
        )  # fmt: skip
        values = {name: f.opt_string(name) for name in names}
        return cls(**values, extra=f.extra())


@dataclass(frozen=True, slots=True)
class LegacyDomain:
    """A domain as the deprecated ``/registrar/domains`` endpoints describe it."""

    id: str | None = None
    available: bool | None = None
    can_register: bool | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    expires_at: datetime | None = None
    current_registrar: str | None = None
    locked: bool | None = None
    registry_statuses: tuple[str, ...] = ()
    supported_tld: bool | None = None
    registrant_contact: LegacyContact | None = None
    transfer_in: dict[str, Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "domain")
        contact = f.opt_object("registrant_contact")
        statuses = f.opt_string("registry_statuses") or ""
        return cls(
            id=f.opt_string("id"),
            available=f.opt_boolean("available"),
            can_register=f.opt_boolean("can_register"),
            created_at=f.opt_datetime("created_at"),
            updated_at=f.opt_datetime("updated_at"),
            expires_at=f.opt_datetime("expires_at"),
            current_registrar=f.opt_string("current_registrar"),
            locked=f.opt_boolean("locked"),
            registry_statuses=tuple(s.strip() for s in statuses.split(",") if s.strip()),
            supported_tld=f.opt_boolean("supported_tld"),
            registrant_contact=None if contact is None else LegacyContact.from_json(contact),
            transfer_in=f.opt_object("transfer_in"),
            extra=f.extra(),
        )
