"""The extension catalogue: which extensions exist, how they may be registered and
transferred in, and what each costs."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum

# When the built-in entries were added, for the extension list's created_at/updated_at order.
CATALOGUE_DATE = datetime(2025, 1, 1, tzinfo=UTC)


class Channel(StrEnum):
    """How an extension can be registered at Cloudflare."""

    API = "api"  # supported for programmatic registration
    DASHBOARD = "dashboard"  # only through the dashboard: extension_not_supported_via_api
    FROZEN = "frozen"  # the registry refuses new registrations: extension_disallows_registration


@dataclass(frozen=True, slots=True)
class Extension:
    name: str  # the full registrable suffix: "com", "co.uk"
    channel: Channel = Channel.API
    currency: str = "USD"
    registration_cost: Decimal = Decimal("10.00")
    renewal_cost: Decimal = Decimal("10.00")
    min_years: int = 1
    max_years: int = 10
    # Transfers in: through which channel (None: the registration's), at what price for
    # the year a transfer adds (None: the renewal price), and whether the registry wants
    # an auth code (the UK family does not, and transfers there cost nothing).
    transfer_channel: Channel | None = None
    transfer_cost: Decimal | None = None
    auth_code: bool = True
    redaction: bool = True  # whether WHOIS redaction is offered
    created_at: datetime = CATALOGUE_DATE
    updated_at: datetime = CATALOGUE_DATE

    def cost(self, years: int) -> Decimal:
        """First year at the registration price, each further year at the renewal price."""
        return self.registration_cost + self.renewal_cost * (years - 1)

    @property
    def tld(self) -> str:
        """The top-level domain: ``uk`` for ``co.uk``."""
        return self.name.rsplit(".", 1)[-1]

    @property
    def transfers(self) -> Channel:
        return self.transfer_channel or self.channel

    @property
    def transfer_price(self) -> Decimal:
        return self.renewal_cost if self.transfer_cost is None else self.transfer_cost

    @property
    def offered(self) -> bool:
        """Whether the API offers it at all, to register or to transfer in."""
        return Channel.API in (self.channel, self.transfers)


class Catalogue:
    """Extensions by name, with longest-suffix matching so ``co.uk`` beats ``uk``."""

    def __init__(self, extensions: Iterable[Extension]) -> None:
        self._by_name: dict[str, Extension] = {}
        for extension in extensions:
            self._by_name[extension.name] = extension
        self._max_labels = max((n.count(".") + 1 for n in self._by_name), default=1)
        self.supported = tuple(e for e in self._by_name.values() if e.channel is Channel.API)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __iter__(self) -> Iterator[Extension]:
        return iter(self._by_name.values())

    def get(self, name: str) -> Extension | None:
        return self._by_name.get(name)

    def split(self, domain: str) -> tuple[str, str, Extension | None]:
        """Split a normalised name into (labels before the extension, extension, its entry).

        A known extension is matched on the longest suffix. An unknown one is
        taken to be everything after the first label, so ``example.horse`` is
        (``example``, ``horse``, None).
        """
        labels = domain.split(".")
        for size in range(min(self._max_labels, len(labels) - 1), 0, -1):
            suffix = ".".join(labels[-size:])
            found = self._by_name.get(suffix)
            if found is not None:
                return ".".join(labels[:-size]), suffix, found
        return labels[0], ".".join(labels[1:]), None


def _api(name: str, price: str, renewal: str | None = None, min_years: int = 1) -> Extension:
    return Extension(
        name,
        Channel.API,
        registration_cost=Decimal(price),
        renewal_cost=Decimal(renewal or price),
        min_years=min_years,
    )


# The 40 extensions the docs list as supported for programmatic registration, in
# the docs' order, with at-cost prices of the kind Cloudflare publishes.
SUPPORTED_PRICES: tuple[tuple[str, str], ...] = (
    ("com", "8.57"), ("org", "10.11"), ("net", "9.95"), ("app", "11.00"),
    ("dev", "10.11"), ("cc", "9.50"), ("xyz", "9.98"), ("info", "12.18"),
    ("cloud", "20.98"), ("studio", "22.20"), ("live", "22.20"), ("link", "9.62"),
    ("pro", "18.16"), ("tech", "46.20"), ("fyi", "16.80"), ("shop", "11.00"),
    ("online", "29.98"), ("tools", "26.60"), ("run", "18.20"), ("games", "18.80"),
    ("build", "46.00"), ("systems", "22.20"), ("world", "28.20"), ("news", "22.20"),
    ("site", "25.98"), ("network", "22.20"), ("chat", "28.20"), ("space", "20.98"),
    ("family", "22.20"), ("page", "9.15"), ("life", "28.20"), ("group", "16.80"),
    ("email", "22.20"), ("solutions", "22.20"), ("day", "11.50"), ("blog", "22.98"),
    ("ing", "38.70"), ("icu", "9.98"), ("academy", "28.20"), ("today", "22.20"),
)  # fmt: skip

# Extensions Cloudflare sells only through the dashboard, and ones whose registry is frozen.
DASHBOARD_ONLY: tuple[str, ...] = (
    "uk", "co.uk", "org.uk", "me.uk", "io", "co", "ai", "us", "ca", "me", "de", "eu", "fr",
)  # fmt: skip
FROZEN: tuple[str, ...] = ("py",)
# The UK family: transfers in through the API take no auth code and cost nothing.
UK_FAMILY: tuple[str, ...] = ("uk", "co.uk", "org.uk", "me.uk")


def default_catalogue() -> Catalogue:
    extensions = [_api(name, price) for name, price in SUPPORTED_PRICES]
    for name in DASHBOARD_ONLY:
        if name in UK_FAMILY:
            uk = Extension(name, Channel.DASHBOARD, registration_cost=Decimal("5.40"),
                           renewal_cost=Decimal("5.40"), transfer_channel=Channel.API,
                           transfer_cost=Decimal("0.00"), auth_code=False)  # fmt: skip
            extensions.append(uk)
        else:
            extensions.append(Extension(name, Channel.DASHBOARD))
    extensions += [Extension(name, Channel.FROZEN) for name in FROZEN]
    return Catalogue(extensions)
