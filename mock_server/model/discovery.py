"""domain-search and domain-check: what the registry (and search's cache) say about names.

Names arrive normalised (punycode, lower case): the HTTP layer parses them, so the
rules here are about the registry and the catalogue, never about syntax.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from registrar_mock import errors as e
from registrar_mock.model.catalogue import Channel, Extension
from registrar_mock.model.records import Availability, Price, Reason, SearchQuery, Tier
from registrar_mock.model.world import World

# Extra suggestions built around a keyword, after the keyword on every extension.
SEARCH_VARIANTS = (("my", ""), ("get", ""), ("the", ""), ("", "hq"), ("", "online"), ("", "app"))


def taken(world: World, owners: Mapping[str, str], name: str) -> bool:
    """Held by an account of this mock, or by somebody else at the registry."""
    return name in owners or world.registry.registered(name)


def search(
    world: World,
    owners: Mapping[str, str],
    query: SearchQuery,
    extensions: Sequence[str] | None,
    limit: int,
) -> list[Availability]:
    """Deterministic suggestions from the keyword across the allowed supported extensions."""
    if query.text.lstrip(".") in world.catalogue:
        raise e.SEARCH_BARE_EXTENSION(at="/q")
    allowed = _search_extensions(world, extensions)
    if not allowed:
        return []
    exact: list[str] = []
    word = query.keyword
    name = query.name
    if name is not None:
        label, _, extension = world.catalogue.split(name)
        # A normalised label is already a keyword: letters, digits and inner hyphens.
        word = label.rsplit(".", 1)[-1]
        if extension is not None and extension in allowed and "." not in label:
            exact.append(name)
    candidates = list(exact)
    if word:
        candidates += [f"{word}.{ext.name}" for ext in allowed]
        for prefix, suffix in SEARCH_VARIANTS:
            label = f"{prefix}{word}{suffix}"
            if len(label) <= 63:
                candidates.extend(f"{label}.{ext.name}" for ext in allowed[:3])
    unique = list(dict.fromkeys(candidates))[:limit]
    return [_search_view(world, owners, candidate) for candidate in unique]


def _search_extensions(world: World, requested: Sequence[str] | None) -> list[Extension]:
    supported = world.catalogue.supported
    if not requested:
        return list(supported)
    by_name = {ext.name: ext for ext in supported}
    wanted = dict.fromkeys(r.strip().lower().lstrip(".") for r in requested)
    # Extensions outside the supported set are dropped without complaint, as documented.
    return [by_name[name] for name in wanted if name in by_name]


def _search_view(world: World, owners: Mapping[str, str], name: str) -> Availability:
    """Search's cached answer: it may call a taken domain free (stale), and shows premiums."""
    _, _, extension = world.catalogue.split(name)
    if extension is None:  # candidates are built from supported extensions only
        return Availability(name, False, reason=Reason.EXTENSION_NOT_SUPPORTED)
    registry = world.registry
    if name in owners or name in registry.taken or name in registry.elsewhere:
        return Availability(name, False, reason=Reason.DOMAIN_UNAVAILABLE)
    premium = registry.premium.get(name)
    if premium is not None:
        price = Price(extension.currency, premium.registration_cost, premium.renewal_cost)
        return Availability(name, True, Tier.PREMIUM, price)
    return Availability(name, True, Tier.STANDARD, standard_price(extension))


def check(world: World, owners: Mapping[str, str], names: Iterable[str]) -> list[Availability]:
    """The authoritative answer for each name (normalised; the caller leaves out malformed ones)."""
    results: dict[str, Availability] = {}
    for name in names:
        if name in results:
            continue
        label, _, extension = world.catalogue.split(name)
        if "." in label:
            continue  # a subdomain is not a registrable name
        results[name] = _check_view(world, owners, name, extension)
    if not results:
        raise e.CHECK_NONE_VALID(at="/domains")
    return list(results.values())


def _check_view(
    world: World, owners: Mapping[str, str], name: str, extension: Extension | None
) -> Availability:
    reason = _extension_reason(extension)
    if reason is not None or extension is None:
        return Availability(name, False, reason=reason or Reason.EXTENSION_NOT_SUPPORTED)
    if taken(world, owners, name):
        return Availability(name, False, reason=Reason.DOMAIN_UNAVAILABLE)
    if name in world.registry.premium:
        return Availability(name, False, Tier.PREMIUM, reason=Reason.DOMAIN_PREMIUM)
    return Availability(name, True, Tier.STANDARD, standard_price(extension))


def standard_price(extension: Extension) -> Price:
    return Price(extension.currency, extension.registration_cost, extension.renewal_cost)


def _extension_reason(extension: Extension | None) -> Reason | None:
    if extension is None:
        return Reason.EXTENSION_NOT_SUPPORTED
    if extension.channel is Channel.DASHBOARD:
        return Reason.EXTENSION_NOT_SUPPORTED_VIA_API
    if extension.channel is Channel.FROZEN:
        return Reason.EXTENSION_DISALLOWS_REGISTRATION
    return None
