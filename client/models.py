"""Typed results of the Registrar API.

Each model reads itself from the JSON the server sends with ``from_json``.
Fields the model doesn't know are kept in ``extra`` rather than refused, optional
fields the server leaves out are None, and enum values the client has never
seen are kept as open enum members (see :class:`OpenStrEnum`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar, overload

from registrar_mock.client._parse import Fields, OpenStrEnum, objects
from registrar_mock.client._repr import model_repr
from registrar_mock.client._repr import shown as shown_value
from registrar_mock.client.errors import ErrorDetail

__all__ = [
    "Contact",
    "Direction",
    "DomainAvailability",
    "ErrorDetail",
    "Extension",
    "ExtensionSortBy",
    "OpenStrEnum",
    "Page",
    "Pricing",
    "PrivacyMode",
    "Reason",
    "Registration",
    "RegistrationStatus",
    "SortBy",
    "Tier",
    "TransferCheckResult",
    "TransferPricing",
    "TransferReason",
    "WorkflowFailure",
    "WorkflowLinks",
    "WorkflowState",
    "WorkflowStatus",
]

T = TypeVar("T")


class WorkflowState(OpenStrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    ACTION_REQUIRED = "action_required"
    BLOCKED = "blocked"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (WorkflowState.SUCCEEDED, WorkflowState.FAILED)


class RegistrationStatus(OpenStrEnum):
    ACTIVE = "active"
    REGISTRATION_PENDING = "registration_pending"
    TRANSFER_PENDING = "transfer_pending"  # a transfer in is under way; expires_at may be null
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REDEMPTION_PERIOD = "redemption_period"
    PENDING_DELETE = "pending_delete"


class Reason(OpenStrEnum):
    """Why a domain is not registrable through the API."""

    EXTENSION_NOT_SUPPORTED_VIA_API = "extension_not_supported_via_api"
    EXTENSION_NOT_SUPPORTED = "extension_not_supported"
    EXTENSION_DISALLOWS_REGISTRATION = "extension_disallows_registration"
    DOMAIN_PREMIUM = "domain_premium"
    DOMAIN_UNAVAILABLE = "domain_unavailable"


class TransferReason(OpenStrEnum):
    """Why domain-transfer-check calls a domain not transferable."""

    EXTENSION_NOT_SUPPORTED_VIA_API = "extension_not_supported_via_api"
    EXTENSION_NOT_SUPPORTED = "extension_not_supported"
    DOMAIN_PREMIUM = "domain_premium"
    EXTENSION_DISALLOWS_TRANSFER = "extension_disallows_transfer"
    DOMAIN_NOT_EXISTS = "domain_not_exists"
    DOMAIN_ON_CLOUDFLARE = "domain_on_cloudflare"
    DOMAIN_LOCKED = "domain_locked"
    REGISTRY_STATUS = "registry_status"
    DOMAIN_OUTSIDE_TRANSFER_WINDOW = "domain_outside_transfer_window"
    DOMAIN_MAX_TERM = "domain_max_term"
    INVALID_AUTH_CODE = "invalid_auth_code"
    INVALID_AUTH_CODE_FORMAT = "invalid_auth_code_format"
    DNSSEC_ENABLED = "dnssec_enabled"
    ZONE_NOT_FOUND = "zone_not_found"
    ZONE_STATUS_INVALID = "zone_status_invalid"
    INVALID_ZONE_PLAN = "invalid_zone_plan"
    DOMAIN_UNSUPPORTED = "domain_unsupported"


class Tier(OpenStrEnum):
    STANDARD = "standard"
    PREMIUM = "premium"


class PrivacyMode(OpenStrEnum):
    REDACTION = "redaction"
    OFF = "off"


class SortBy(OpenStrEnum):
    REGISTRY_CREATED_AT = "registry_created_at"
    REGISTRY_EXPIRES_AT = "registry_expires_at"
    NAME = "name"


class ExtensionSortBy(OpenStrEnum):
    NAME = "name"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


class Direction(OpenStrEnum):
    ASC = "asc"
    DESC = "desc"


@dataclass(frozen=True, slots=True)
class Contact:
    """A registrant contact to send with a new registration (phones in ``+1.5555555555`` form)."""

    email: str
    phone: str
    name: str
    street: str
    city: str
    state: str
    postal_code: str
    country_code: str
    organization: str | None = None
    fax: str | None = None

    __repr__ = model_repr

    def to_json(self) -> dict[str, Any]:
        postal: dict[str, Any] = {
            "name": self.name,
            "address": {
                "street": self.street,
                "city": self.city,
                "state": self.state,
                "postal_code": self.postal_code,
                "country_code": self.country_code,
            },
        }
        if self.organization is not None:
            postal["organization"] = self.organization
        body: dict[str, Any] = {"email": self.email, "phone": self.phone, "postal_info": postal}
        if self.fax is not None:
            body["fax"] = self.fax
        return body


def error_detail(value: object, what: str = "error") -> ErrorDetail:
    f = Fields(value, what)
    source = f.opt_object("source") or {}
    pointer = source.get("pointer")
    return ErrorDetail(
        code=f.opt_integer("code"),
        message=f.opt_string("message") or "",
        pointer=pointer if isinstance(pointer, str) else None,
        documentation_url=f.opt_string("documentation_url"),
        extra=f.extra(),
    )


@dataclass(frozen=True, slots=True)
class Pricing:
    """Yearly prices: the first year at ``registration_cost``, later ones at ``renewal_cost``."""

    currency: str
    registration_cost: Decimal
    renewal_cost: Decimal
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "pricing")
        return cls(
            currency=f.string("currency"),
            registration_cost=f.decimal("registration_cost"),
            renewal_cost=f.decimal("renewal_cost"),
            extra=f.extra(),
        )

    def cost(self, years: int) -> Decimal:
        return self.registration_cost + self.renewal_cost * (years - 1)


@dataclass(frozen=True, slots=True)
class DomainAvailability:
    """One result of domain-search (advisory) or domain-check (authoritative)."""

    name: str
    registrable: bool
    pricing: Pricing | None = None
    reason: Reason | None = None
    tier: Tier | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "domain")
        pricing = f.opt_object("pricing")
        return cls(
            name=f.string("name"),
            registrable=f.boolean("registrable"),
            pricing=None if pricing is None else Pricing.from_json(pricing),
            reason=f.opt_enum("reason", Reason),
            tier=f.opt_enum("tier", Tier),
            extra=f.extra(),
        )

    @property
    def premium(self) -> bool:
        return self.tier is Tier.PREMIUM or self.reason is Reason.DOMAIN_PREMIUM


@dataclass(frozen=True, slots=True)
class TransferPricing:
    """What a transfer in costs: ``transfer_cost`` for the year it adds, then ``renewal_cost``."""

    currency: str
    transfer_cost: Decimal
    renewal_cost: Decimal
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "pricing")
        return cls(
            currency=f.string("currency"),
            transfer_cost=f.decimal("transfer_cost"),
            renewal_cost=f.decimal("renewal_cost"),
            extra=f.extra(),
        )


@dataclass(frozen=True, slots=True)
class TransferCheckResult:
    """One domain of domain-transfer-check: transferable with its price, or the reasons not."""

    name: str
    transferable: bool
    pricing: TransferPricing | None = None
    reasons: tuple[TransferReason, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object, key: str = "") -> Self:
        """``key`` is the name the answer is keyed by, used when the item names no ``name``."""
        f = Fields(value, f"domains[{key!r}]")
        pricing = f.opt_object("pricing")
        reasons = tuple(
            item.enum("code", TransferReason) for item in objects(f.opt_list("reasons"), "reasons")
        )
        return cls(
            name=f.opt_string("name") or key,
            transferable=f.boolean("transferable"),
            pricing=None if pricing is None else TransferPricing.from_json(pricing),
            reasons=reasons,
            extra=f.extra(),
        )


@dataclass(frozen=True, slots=True)
class Extension:
    """An extension of the catalogue (``com``, ``co.uk``), with the JSON Schemas of its inputs.

    ``registration_schema`` and ``transfer_schema`` describe the bodies of a
    registration and a transfer in on this extension (``properties.contact_extensions``
    names extension-specific contact fields). ``etag`` is the answer's ``ETag``
    header: pass the extension back as ``cached=`` to ask again conditionally.
    """

    name: str
    tld: str
    # Whole JSON Schemas: read them as attributes, they would swamp a repr.
    registration_schema: dict[str, Any] = field(default_factory=dict, repr=False)
    transfer_schema: dict[str, Any] | None = field(default=None, repr=False)
    metadata: dict[str, Any] = field(default_factory=dict)  # metadata fields beyond name, tld
    etag: str | None = None
    # What registrar-mock adds beyond the SDKs' types (None from a server that doesn't):
    # prices, and through which channel (api, dashboard, frozen) each is possible.
    pricing: Pricing | None = None
    transfer_cost: Decimal | None = None
    registration_channel: str | None = None
    transfer_channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object, etag: str | None = None) -> Self:
        f = Fields(value, "extension")
        meta = Fields(f.opt_object("metadata"), "extension.metadata")
        prices = f.opt_object("pricing")
        registration = Fields(f.opt_object("registration") or {}, "extension.registration")
        transfer = Fields(f.opt_object("transfer") or {}, "extension.transfer")
        return cls(
            name=meta.string("name"),
            tld=meta.string("tld"),
            registration_schema=f.opt_object("registration_schema") or {},
            transfer_schema=f.opt_object("transfer_schema"),
            metadata=meta.extra(),
            etag=etag,
            pricing=None if prices is None else Pricing.from_json(prices),
            transfer_cost=None if prices is None else _opt_decimal(prices, "transfer_cost"),
            registration_channel=registration.opt_string("channel"),
            transfer_channel=transfer.opt_string("channel"),
            extra=f.extra(),
        )

    @property
    def requires_auth_code(self) -> bool | None:
        """Whether a transfer in needs an auth code (the UK family's don't); None if unsaid."""
        if self.transfer_schema is None:
            return None
        required = self.transfer_schema.get("required")
        return isinstance(required, list) and "auth_code" in required

    @property
    def years(self) -> tuple[int, int] | None:
        """The registration term's (minimum, maximum) in years, as the schema bounds it."""
        properties = self.registration_schema.get("properties")
        years = properties.get("years") if isinstance(properties, dict) else None
        if not isinstance(years, dict):
            return None
        low, high = years.get("minimum"), years.get("maximum")
        if isinstance(low, int) and isinstance(high, int):
            return low, high
        return None


def _opt_decimal(value: dict[str, Any], key: str) -> Decimal | None:
    return Fields(value, "pricing").decimal(key) if key in value else None


@dataclass(frozen=True, slots=True)
class Registration:
    domain_name: str
    status: RegistrationStatus
    auto_renew: bool | None = None
    locked: bool | None = None
    privacy_mode: PrivacyMode | None = None
    created_at: datetime | None = None
    expires_at: datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "registration")
        return cls(
            domain_name=f.string("domain_name"),
            status=f.enum("status", RegistrationStatus),
            auto_renew=f.opt_boolean("auto_renew"),
            locked=f.opt_boolean("locked"),
            privacy_mode=f.opt_enum("privacy_mode", PrivacyMode),
            created_at=f.opt_datetime("created_at"),
            expires_at=f.opt_datetime("expires_at"),
            extra=f.extra(),
        )


@dataclass(frozen=True, slots=True)
class WorkflowLinks:
    """Where to poll (``self_link``) and the resource the workflow acts on.

    Both are paths relative to the API root, e.g.
    ``/accounts/abc/registrar/registrations/example.com/registration-status``.
    """

    self_link: str
    resource: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "links")
        return cls(self_link=f.string("self"), resource=f.opt_string("resource"), extra=f.extra())


@dataclass(frozen=True, slots=True)
class WorkflowFailure:
    """``error`` of a failed workflow: a machine-readable code and a message for the user."""

    code: str
    message: str
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "error")
        return cls(
            code=f.opt_string("code") or "",
            message=f.opt_string("message") or "",
            extra=f.extra(),
        )


@dataclass(frozen=True, slots=True)
class WorkflowStatus:
    """Where a registration or update workflow stands."""

    state: WorkflowState
    completed: bool
    links: WorkflowLinks
    created_at: datetime | None = None
    updated_at: datetime | None = None
    context: dict[str, Any] = field(default_factory=dict)
    error: WorkflowFailure | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    __repr__ = model_repr

    @classmethod
    def from_json(cls, value: object) -> Self:
        f = Fields(value, "workflow")
        error = f.opt_object("error")
        return cls(
            state=f.enum("state", WorkflowState),
            completed=f.boolean("completed"),
            links=WorkflowLinks.from_json(f.opt_object("links")),
            created_at=f.opt_datetime("created_at"),
            updated_at=f.opt_datetime("updated_at"),
            context=f.opt_object("context") or {},
            error=None if error is None else WorkflowFailure.from_json(error),
            extra=f.extra(),
        )

    @property
    def domain_name(self) -> str | None:
        return _context_str(self.context, "domain_name")

    @property
    def action(self) -> str | None:
        """What the user must do, when the state is ``action_required``."""
        return _context_str(self.context, "action")

    @property
    def confirmation_sent_to(self) -> str | None:
        return _context_str(self.context, "confirmation_sent_to")

    @property
    def registration(self) -> Registration | None:
        """The resulting registration, which a succeeded workflow carries in its context."""
        value = self.context.get("registration")
        return None if value is None else Registration.from_json(value)


def _context_str(context: dict[str, Any], key: str) -> str | None:
    value = context.get(key)
    return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a cursor-paginated list. ``cursor`` is "" on the last page.

    A page is iterable and sized, like a list of its ``items``: ``for r in page``,
    ``len(page)``, ``page[0]``. To walk every page, use ``iter_registrations`` (or
    ``iter_extensions``), which fetches the next page when this one runs out.
    """

    items: list[T]
    cursor: str
    count: int
    per_page: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    etag: str | None = None  # the answer's ETag, where the list sends one (extensions)

    @property
    def has_next(self) -> bool:
        return self.cursor != ""

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> list[T]: ...
    def __getitem__(self, index: int | slice) -> T | list[T]:
        return self.items[index]

    def __repr__(self) -> str:
        shown = [repr(item) for item in self.items[:_PAGE_ITEMS_SHOWN]]
        if len(self.items) > _PAGE_ITEMS_SHOWN:
            shown.append(f"... {len(self.items) - _PAGE_ITEMS_SHOWN} more")
        parts = [f"[{', '.join(shown)}]"]
        if self.cursor:
            parts.append(f"cursor={self.cursor!r}")
        if self.count != len(self.items):
            parts.append(f"count={self.count}")
        if self.per_page is not None:
            parts.append(f"per_page={self.per_page}")
        if self.etag is not None:
            parts.append(f"etag={self.etag!r}")
        if self.extra:
            parts.append(f"extra={shown_value(self.extra)}")
        return f"Page({', '.join(parts)})"

    @classmethod
    def from_json(cls, items: list[T], result_info: object, etag: str | None = None) -> Page[T]:
        f = Fields(result_info if result_info is not None else {}, "result_info")
        count = f.opt_integer("count")
        return Page(
            items=items,
            cursor=f.opt_string("cursor") or "",
            count=len(items) if count is None else count,
            per_page=f.opt_integer("per_page"),
            extra=f.extra(),
            etag=etag,
        )


_PAGE_ITEMS_SHOWN = 3


def availability_list(result: object) -> list[DomainAvailability]:
    f = Fields(result, "result")
    return [DomainAvailability.from_json(item) for item in f.opt_list("domains") or []]


def transfer_check_results(result: object) -> dict[str, TransferCheckResult]:
    f = Fields(result, "result")
    domains = f.opt_object("domains") or {}
    return {key: TransferCheckResult.from_json(value, key) for key, value in domains.items()}


def error_details(values: object, what: str) -> list[ErrorDetail]:
    if not isinstance(values, list):
        return []
    return [error_detail(item, f"{what}[{i}]") for i, item in enumerate(values)]
