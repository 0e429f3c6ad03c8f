"""The nouns of the Registrar API, and the commands the registrar takes, as plain data.

No HTTP, no JSON: the HTTP layer parses requests into these and renders them back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from registrar_mock.model.catalogue import Extension
    from registrar_mock.model.workflows import Workflow


class RegistrationStatus(StrEnum):
    ACTIVE = "active"
    REGISTRATION_PENDING = "registration_pending"
    TRANSFER_PENDING = "transfer_pending"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    REDEMPTION_PERIOD = "redemption_period"
    PENDING_DELETE = "pending_delete"


class WorkflowState(StrEnum):
    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    ACTION_REQUIRED = "action_required"
    BLOCKED = "blocked"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def terminal(self) -> bool:
        return self in (WorkflowState.SUCCEEDED, WorkflowState.FAILED)


class Reason(StrEnum):
    EXTENSION_NOT_SUPPORTED_VIA_API = "extension_not_supported_via_api"
    EXTENSION_NOT_SUPPORTED = "extension_not_supported"
    EXTENSION_DISALLOWS_REGISTRATION = "extension_disallows_registration"
    DOMAIN_PREMIUM = "domain_premium"
    DOMAIN_UNAVAILABLE = "domain_unavailable"


class Tier(StrEnum):
    STANDARD = "standard"
    PREMIUM = "premium"


class PrivacyMode(StrEnum):
    REDACTION = "redaction"
    OFF = "off"


class WorkflowKind(StrEnum):
    REGISTRATION = "registration"
    UPDATE = "update"
    TRANSFER = "transfer_in"


class TransferReason(StrEnum):
    """Why domain-transfer-check calls a domain not transferable (``transferring`` decides)."""

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


class ZoneStatus(StrEnum):
    """A Cloudflare zone's status; only an active zone can take a transfer."""

    ACTIVE = "active"
    PENDING = "pending"
    INITIALIZING = "initializing"
    MOVED = "moved"
    DEACTIVATED = "deactivated"


class ZoneType(StrEnum):
    """How a zone is set up: a transfer needs Cloudflare's nameservers (a full setup)."""

    FULL = "full"
    PARTIAL = "partial"
    SECONDARY = "secondary"


@dataclass(frozen=True, slots=True)
class Zone:
    """A DNS zone an account holds for a domain."""

    name: str
    status: ZoneStatus = ZoneStatus.ACTIVE
    dnssec: bool = False
    type: ZoneType = ZoneType.FULL


@dataclass(frozen=True, slots=True)
class Price:
    currency: str
    registration_cost: Decimal
    renewal_cost: Decimal


@dataclass(frozen=True, slots=True)
class TransferPrice:
    currency: str
    transfer_cost: Decimal
    renewal_cost: Decimal


@dataclass(frozen=True, slots=True)
class Transferability:
    """One answer of domain-transfer-check: transferable, or the reasons it is not."""

    name: str
    transferable: bool
    price: TransferPrice | None = None
    reasons: tuple[TransferReason, ...] = ()


@dataclass(frozen=True, slots=True)
class Availability:
    """One answer of domain-search or domain-check."""

    name: str
    registrable: bool
    tier: Tier | None = None
    price: Price | None = None
    reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A registrant contact, as the create-registration body carries it."""

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


@dataclass(slots=True)
class Registration:
    domain_name: str
    account_id: str
    status: RegistrationStatus
    created_at: datetime
    expires_at: datetime | None
    years: int
    auto_renew: bool = False
    locked: bool = True
    privacy_mode: PrivacyMode = PrivacyMode.REDACTION
    registrant: Contact | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class Charge:
    domain_name: str
    kind: str  # "registration", "renewal" or "transfer"
    amount: Decimal
    currency: str
    years: int
    at: datetime


@dataclass(slots=True)
class Account:
    id: str
    has_billing: bool = True
    default_contact: Contact | None = None
    registrations: dict[str, Registration] = field(default_factory=dict)
    # The latest workflow of each kind per domain; a failed registration's workflow
    # stays readable after its registration is gone.
    registration_workflows: dict[str, Workflow] = field(default_factory=dict)
    update_workflows: dict[str, Workflow] = field(default_factory=dict)
    charges: list[Charge] = field(default_factory=list)
    # Workflows not yet terminal, keyed by (kind, domain): the only ones time can move.
    running: dict[tuple[str, str], Workflow] = field(default_factory=dict)
    # The earliest instant at which some registration here ages (renews, expires, ...).
    next_event: datetime | None = None
    # An account's records in the Registrar Sandbox are kept apart from its real ones.
    sandbox: bool = False
    # The DNS zones the account holds, by domain: what a transfer in needs first.
    zones: dict[str, Zone] = field(default_factory=dict)
    transfer_workflows: dict[str, Workflow] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return account_key(self.id, self.sandbox)


SANDBOX_PREFIX = "sandbox:"


def account_key(account_id: str, sandbox: bool) -> str:
    """Where an account is kept: its id, or ``sandbox:`` and its id in the sandbox."""
    return f"{SANDBOX_PREFIX}{account_id}" if sandbox else account_id


@dataclass(frozen=True, slots=True)
class Credential:
    """Who is calling: an API token, or a legacy email and Global API Key."""

    token: str | None = None
    email: str | None = None
    key: str | None = None


@dataclass(frozen=True, slots=True)
class RegistrationRequest:
    domain_name: str  # already normalised
    years: int | None = None
    auto_renew: bool = False
    privacy_mode: PrivacyMode = PrivacyMode.REDACTION
    registrant: Contact | None = None


@dataclass(frozen=True, slots=True)
class TransferRequest:
    domain_name: str  # already normalised
    auth_code: str | None = None  # as sent: base64 text, checked by ``transferring``
    auto_renew: bool = False
    privacy_mode: PrivacyMode = PrivacyMode.REDACTION
    registrant: Contact | None = None


@dataclass(frozen=True, slots=True)
class TransferQuery:
    """One domain of a domain-transfer-check; ``domain_name`` None when malformed."""

    given: str  # the name as sent, which keys the answer
    domain_name: str | None
    auth_code: str | None = None


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A domain-search phrase, with the name syntax already worked out by the caller."""

    text: str  # stripped and lower-cased
    keyword: str  # the phrase as one label ("Coffee Shop!" -> "coffeeshop"), or ""
    name: str | None = None  # the phrase as a normalised domain name, if it is one


@dataclass(frozen=True, slots=True)
class Page:
    items: list[Registration]
    cursor: str  # "" on the last page
    per_page: int


@dataclass(frozen=True, slots=True)
class ExtensionPage:
    items: list[Extension]
    cursor: str  # "" on the last page
    per_page: int
