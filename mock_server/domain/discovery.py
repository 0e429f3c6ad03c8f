"""domain-search and domain-check: what the registry (and search's cache) say about names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .. import errors as e
from .catalogue import Channel, Extension
from .models import Availability, Price, Reason, Tier
from .names import keyword, normalize
from .world import World

# Extra suggestions built around a keyword, after the keyword on every extension.
SEARCH_VARIANTS = (("my", ""), ("get", ""), ("the", ""), ("", "hq"), ("", "online"), ("", "app"))


def taken(world: World, owners: Mapping[str, str], name: str) -> bool:
    """Held by an account of this mock, or by somebody else at the registry."""
    registry = world.registry
    return name in owners or name in registry.taken or name in registry.stale_in_search


def search(
    world: World,
    owners: Mapping[str, str],
    query: str,
    extensions: Sequence[str] | None,
    limit: int,
) -> list[Availability]:
    """Deterministic suggestions from the keyword across the allowed supported extensions."""
    text = query.strip().lower()
    if text.lstrip(".") in world.catalogue:
        raise e.error(400, e.SEARCH_BARE_EXTENSION, e.MSG_SEARCH_BARE_EXTENSION, "/q")
    allowed = _search_extensions(world, extensions)
    if not allowed:
        return []
    exact: list[str] = []
    word = keyword(text)
    name = normalize(text) if "." in text else None
    if name is not None:
        label, _, extension = world.catalogue.split(name)
        word = keyword(label.rsplit(".", 1)[-1])
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
    assert extension is not None
    registry = world.registry
    if name in owners or name in registry.taken:
        return Availability(name, False, reason=Reason.DOMAIN_UNAVAILABLE)
    premium = registry.premium.get(name)
    if premium is not None:
        price = Price(extension.currency, premium.registration_cost, premium.renewal_cost)
        return Availability(name, True, Tier.PREMIUM, price)
    return Availability(name, True, Tier.STANDARD, standard_price(extension))


def check(world: World, owners: Mapping[str, str], names: Iterable[str]) -> list[Availability]:
    """The authoritative answer for each well-formed name; malformed names are left out."""
    results: dict[str, Availability] = {}
    for raw in names:
        name = normalize(raw)
        if name is None or name in results:
            continue
        label, _, extension = world.catalogue.split(name)
        if "." in label:
            continue  # a subdomain is not a registrable name
        results[name] = _check_view(world, owners, name, extension)
    if not results:
        raise e.error(400, e.CHECK_NONE_VALID, e.MSG_CHECK_NONE_VALID, "/domains")
    return list(results.values())


def _check_view(
    world: World, owners: Mapping[str, str], name: str, extension: Extension | None
) -> Availability:
    reason = _extension_reason(extension)
    if reason is not None:
        return Availability(name, False, reason=reason)
    assert extension is not None
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
