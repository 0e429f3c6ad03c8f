"""A world: everything a scenario decides. The registrar starts from one.

Scenario files build these objects (so does code, in tests); nothing in the model
knows where its world came from. The built-in catalogue and registry live here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

from registrar_mock.clock import DEFAULT_START
from registrar_mock.model.catalogue import Catalogue, default_catalogue
from registrar_mock.model.records import Contact, PrivacyMode, RegistrationStatus, Zone
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.workflows import ScriptBook

ACCOUNT_DOMAIN_LIMIT = 100
DAY = 86400.0


DEFAULT_CONTACT = Contact(
    email="registrant@example.com",
    phone="+1.5555555555",
    name="Ada Lovelace",
    organization="Example Inc",
    street="123 Main St",
    city="Austin",
    state="TX",
    postal_code="78701",
    country_code="US",
)


@dataclass(frozen=True, slots=True)
class ApiKey:
    email: str
    key: str


SEED_CREATED_AT = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)
SEED_YEARS = 2


@dataclass(frozen=True, slots=True)
class SeedRegistration:
    """A registration that exists before the first request.

    Without ``expires_at`` it expires ``years`` after ``created_at``: scenario files
    and code get the same defaults from here.
    """

    domain_name: str
    status: RegistrationStatus = RegistrationStatus.ACTIVE
    created_at: datetime = SEED_CREATED_AT
    expires_at: datetime | None = None
    years: int = SEED_YEARS
    auto_renew: bool = False
    locked: bool = True
    privacy_mode: PrivacyMode = PrivacyMode.REDACTION

    def __post_init__(self) -> None:
        if self.expires_at is None:
            object.__setattr__(self, "expires_at", add_years(self.created_at, self.years))


@dataclass(frozen=True, slots=True)
class AccountSpec:
    id: str
    tokens: tuple[str, ...] = ()
    api_keys: tuple[ApiKey, ...] = ()
    has_billing: bool = True
    # The address-book entry used when a registration names no registrant; None for none.
    default_contact: Contact | None = DEFAULT_CONTACT
    registrations: tuple[SeedRegistration, ...] = ()
    zones: tuple[Zone, ...] = ()


@dataclass(frozen=True, slots=True)
class PremiumDomain:
    name: str
    registration_cost: Decimal
    renewal_cost: Decimal


class LosingRegistrar(StrEnum):
    """What the current registrar does when a domain is asked to transfer away."""

    APPROVES = "approves"  # at once
    APPROVES_AFTER = "approves_after"  # after a while (``ForeignDomain.answers_after``)
    REJECTS = "rejects"  # after a while
    SILENT = "silent"  # never answers: the approval window runs out, which approves


# How long a losing registrar may take; past it, silence approves the transfer.
APPROVAL_WINDOW = 5 * DAY
# ICANN's wait after a domain is registered or transferred before it may transfer again.
TRANSFER_LOCK = 60 * DAY
# How far ahead a registry lets a domain's expiry lie; a transfer adds a year to it.
MAX_TERM_YEARS = 10
FOREIGN_CREATED_AT = datetime(2020, 1, 15, 10, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ForeignDomain:
    """A domain registered at another registrar: what a transfer in meets."""

    name: str
    registrar: str = "Example Registrar, Inc."
    locked: bool = False
    # The auth (EPP) code, as the registrant would read it; transfers send it base64.
    auth_code: str | None = None
    created_at: datetime = FOREIGN_CREATED_AT
    expires_at: datetime | None = None  # None: a year after the scenario's start
    # EPP statuses at the registry; some of them forbid a transfer (``transferring``).
    statuses: tuple[str, ...] = ()
    last_transferred_at: datetime | None = None
    losing_registrar: LosingRegistrar = LosingRegistrar.SILENT
    answers_after: float = DAY  # for APPROVES_AFTER and REJECTS
    # The registrant must approve by email (an FOA) before the registrar is asked.
    registrant_approval: bool = False


@dataclass(frozen=True, slots=True)
class RegistryView:
    """Domains the wider internet already holds, as the registry sees them."""

    taken: frozenset[str] = frozenset()
    premium: dict[str, PremiumDomain] = field(default_factory=dict)
    # Taken at the registry, but search's cache still thinks they're free.
    stale_in_search: frozenset[str] = frozenset()
    # Domains at other registrars that a scenario describes for transfers in. A taken name
    # not described here is locked at its registrar, as most domains are.
    elsewhere: dict[str, ForeignDomain] = field(default_factory=dict)

    def registered(self, name: str) -> bool:
        """Whether the name is registered somewhere outside this mock."""
        return name in self.elsewhere or name in self.taken or name in self.stale_in_search

    def foreign(self, name: str) -> ForeignDomain:
        """The registration elsewhere of a name that ``registered()``."""
        found = self.elsewhere.get(name)
        return found if found is not None else ForeignDomain(name, locked=True)


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """How registrations age at expiry, in seconds of clock time."""

    renew_before: float = 30 * DAY  # auto-renewal is charged this long before expiry
    expired_for: float = 30 * DAY
    redemption_for: float = 30 * DAY
    pending_delete_for: float = 5 * DAY


@dataclass(frozen=True, slots=True)
class World:
    name: str = "default"
    description: str = ""
    accounts: tuple[AccountSpec, ...] = ()
    # When true, any account id is served and any well-formed credential is accepted,
    # each account created on first use with billing and a default contact.
    open_accounts: bool = True
    catalogue: Catalogue = field(default_factory=default_catalogue)
    registry: RegistryView = field(default_factory=RegistryView)
    scripts: ScriptBook = field(default_factory=ScriptBook)
    # Cloudflare refuses an account id that isn't 32 lowercase hex characters (400, codes
    # 7003 and 7000), which catches a zone id or a name passed by mistake. Lenient: any 1 to
    # 32 letters, digits, "_" or "-", for tests whose fixtures use readable ids.
    lenient_ids: bool = False
    # Cloudflare checks a credential's shape before its validity: an API token is 40 of
    # [A-Za-z0-9_-], a Global API Key 37 lowercase hex. Lenient: any RFC 6750 token and any
    # key of 1 to 128 characters, for fixtures with short made-up credentials.
    lenient_credentials: bool = False
    domain_limit: int = ACCOUNT_DOMAIN_LIMIT
    # How long a request without `Prefer: respond-async` may be held for the work to finish.
    sync_wait_seconds: float = 10.0
    seed: int = 0
    start: datetime = DEFAULT_START
    lifecycle: Lifecycle = field(default_factory=Lifecycle)
    # The Registrar Sandbox offers only these extensions (of the catalogue's).
    sandbox_extensions: tuple[str, ...] = ("com", "net")


def default_registry() -> RegistryView:
    return RegistryView(
        taken=frozenset(
            {
                "example.com",
                "example.net",
                "example.org",
                "cloudflare.com",
                "google.com",
                "github.com",
                "taken.dev",
                "taken.app",
            }
        ),
        premium={
            "coffee.xyz": PremiumDomain("coffee.xyz", Decimal("2500.00"), Decimal("2500.00")),
            "crypto.com": PremiumDomain("crypto.com", Decimal("100000.00"), Decimal("5000.00")),
            "premium.app": PremiumDomain("premium.app", Decimal("1200.00"), Decimal("60.00")),
        },
    )
